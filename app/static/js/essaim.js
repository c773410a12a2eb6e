// Essaim's behaviour, kept out of the pages so that the Content-Security-Policy can forbid
// inline scripts (script-src 'self').

// Send the CSRF token with every htmx request (Flask-WTF checks X-CSRFToken).
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
});

// A suggested CPV code button adds its code to the comma-separated CPV input it targets.
function addCpvCode(button) {
  var field = document.getElementById(button.dataset.cpvTarget);
  if (!field) { return; }
  var codes = field.value.split(",").map(function (c) { return c.trim(); }).filter(Boolean);
  if (codes.indexOf(button.dataset.cpvCode) < 0) { codes.push(button.dataset.cpvCode); }
  field.value = codes.join(", ");
}

// A button marked data-print opens the browser's print dialog.
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target : null;
  var cpv = target && target.closest("button[data-cpv-code]");
  if (cpv) { addCpvCode(cpv); return; }
  if (target && target.closest("[data-print]")) { window.print(); }
});

// The compact menu on phones: the button shows or hides the menu (CSS folds it under 700 px).
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".menu-toggle");
  if (!toggle) { return; }
  document.documentElement.classList.add("js-menu");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    toggle.closest(".nav").classList.toggle("open", open);
  });
});
