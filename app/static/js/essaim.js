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

// Limits shown as the user types, never a silent cut: a text field with a maxlength of 100
// or more gets a counter, and its maxlength is lifted so that a long paste is kept whole and
// the server says by how much it is too long. Without JS, maxlength and the help text stay.
function attachCounter(field) {
  var limit = parseInt(field.getAttribute("maxlength"), 10);
  if (!limit || limit < 100 || field.dataset.limit) { return; }
  field.dataset.limit = String(limit);
  field.removeAttribute("maxlength");
  var counter = document.createElement("p");
  counter.className = "char-count";
  counter.id = field.id + "-count";
  field.insertAdjacentElement("afterend", counter);
  var described = field.getAttribute("aria-describedby");
  field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
  var wasOver = false;
  function update() {
    var length = field.value.length;
    var over = length > limit;
    counter.textContent = over
      ? length + " caractères pour " + limit + " au plus : retirez-en " + (length - limit) + "."
      : length + " / " + limit + " caractères";
    counter.classList.toggle("over", over);
    if (over !== wasOver) {  // announced only when the limit is crossed, not at every key
      announce(over ? counter.textContent : "Longueur de nouveau correcte.");
      wasOver = over;
    }
  }
  field.addEventListener("input", update);
  update();
}

function attachCounters(root) {
  root.querySelectorAll("textarea[maxlength], input[type=text][maxlength]").forEach(attachCounter);
}

// Screen readers hear what changed without losing their place (the aria-live region of base.html).
function announce(text) {
  var region = document.getElementById("annonce");
  if (!region) { return; }
  region.textContent = "";
  window.setTimeout(function () { region.textContent = text; }, 50);
}

document.addEventListener("DOMContentLoaded", function () { attachCounters(document); });

// After an htmx swap, focus stays where the user was: on the control of the same name (or
// the same label) in the new content, else on the new content itself; a data-announce text
// in it is read out. Without this, focus falls back to the page body (13 links to tab through).
var lastTrigger = null;
document.addEventListener("htmx:beforeRequest", function (event) {
  var elt = event.detail.elt;
  var active = document.activeElement;
  var swapped = event.detail.target;
  var anchor = active && active.parentElement ? active.parentElement.closest("[id]") : null;
  lastTrigger = {
    targetId: swapped && swapped.id,
    anchorId: anchor && anchor !== swapped ? anchor.id : null,
    hadFocus: !!(active && elt && (elt === active || elt.contains(active))),
    label: active ? (active.getAttribute("aria-label") || active.textContent || "").trim() : "",
    name: active ? active.getAttribute("name") : null
  };
});
// An outerHTML swap fires its events on the detached old element (they never reach the
// document, or reach it from an ancestor after the request): the new element is then found by
// the old one's id.
function afterSwapped(target) {
  if (!target || !target.isConnected) { return; }
  attachCounters(target);
  var message = target.querySelector("[data-announce]") || (target.dataset && target.dataset.announce ? target : null);
  if (message) { announce(message.dataset.announce); }
  var focusLost = !document.activeElement || document.activeElement === document.body;
  if (!lastTrigger || !(lastTrigger.hadFocus || focusLost)) { return; }
  var again = null;
  var scope = (lastTrigger.anchorId && document.getElementById(lastTrigger.anchorId)) || target;
  if (!target.contains(scope)) { scope = target; }
  var controls = scope.querySelectorAll("button, a[href], input, select, textarea");
  controls.forEach(function (control) {
    if (again) { return; }
    var label = (control.getAttribute("aria-label") || control.textContent || "").trim();
    if ((lastTrigger.name && control.getAttribute("name") === lastTrigger.name) ||
        (lastTrigger.label && label === lastTrigger.label)) { again = control; }
  });
  if (!again) {
    again = scope;
    if (!again.hasAttribute("tabindex")) { again.setAttribute("tabindex", "-1"); }
  }
  again.focus();
  lastTrigger = null;
}
document.addEventListener("htmx:afterSettle", function (event) {
  var target = event.detail.elt;
  if (!target || !target.isConnected) { target = event.detail.target; }
  if (target && target.isConnected) { afterSwapped(target); }
});
document.addEventListener("htmx:afterRequest", function (event) {
  var old = event.detail.target;
  if (!lastTrigger || !old || old.isConnected || !lastTrigger.targetId) { return; }
  var replaced = document.getElementById(lastTrigger.targetId);
  if (replaced) { window.setTimeout(function () { afterSwapped(replaced); }, 0); }
});

// After an htmx swap, focus the swapped element that asks for it (a suggestion card after
// « Écarter », « Rétablir », « Présélectionner »): keyboard users stay where they were.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  var card = target && target.isConnected ? target : null;
  var focus = card && card.matches("[data-focus-after-swap]") ? card :
    document.querySelector("[data-focus-after-swap]");
  if (focus) { focus.focus(); focus.removeAttribute("data-focus-after-swap"); }
});
