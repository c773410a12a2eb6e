/* The map page: Leaflet with clustered markers from /carte/marqueurs.json. Without a tile
   server (ESSAIM_MAP_TILES unset, or tiles failing) the map keeps a plain background with the
   metropole's communes as landmarks. Popups are built as DOM nodes: names are never HTML. */
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || !window.L) { return; }
  var status = document.getElementById("map-status");
  var CENTRE = [47.218, -1.554];  // Nantes
  // Clustering needs the zoom range even without tiles.
  var map = L.map(element, { zoomControl: true, minZoom: 8, maxZoom: 18 }).setView(CENTRE, 11);

  function offline() {
    element.classList.add("map-offline");
    JSON.parse(element.dataset.communes || "[]").forEach(function (commune) {
      L.circle([commune.lat, commune.lon], { radius: 1500, className: "commune-area", interactive: false }).addTo(map);
      L.tooltip({ permanent: true, direction: "center", className: "commune-label" })
        .setLatLng([commune.lat, commune.lon]).setContent(commune.name).addTo(map);
    });
  }

  var tiles = element.dataset.tiles;
  if (tiles) {
    var layer = L.tileLayer(tiles, { maxZoom: 18, attribution: element.dataset.attribution || "" });
    var failed = false;
    layer.on("tileerror", function () {
      if (failed) { return; }
      failed = true;
      map.removeLayer(layer);
      offline();
    });
    layer.addTo(map);
  } else {
    offline();
  }

  function popup(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    var detail = document.createElement("p");
    detail.textContent = (properties.layer === "besoins" ? "Besoin de " + properties.detail : properties.detail)
      + " · " + properties.commune;
    box.appendChild(link);
    box.appendChild(detail);
    return box;
  }

  var clusters = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
  fetch(element.dataset.markers, { headers: { "Accept": "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (collection) {
      var counts = { organisations: 0, besoins: 0 };
      collection.features.forEach(function (feature) {
        var p = feature.properties, c = feature.geometry.coordinates;
        counts[p.layer] += 1;
        var icon = L.divIcon({ className: "marker marker-" + p.layer, iconSize: [14, 14] });
        clusters.addLayer(L.marker([c[1], c[0]], { icon: icon, title: p.name }).bindPopup(popup(p)));
      });
      map.addLayer(clusters);
      if (collection.features.length) { map.fitBounds(clusters.getBounds(), { maxZoom: 13, padding: [20, 20] }); }
      status.textContent = counts.organisations + " organisation(s) et " + counts.besoins + " besoin(s) ouvert(s) sur la carte.";
      element.dataset.loaded = String(collection.features.length);
    })
    .catch(function (error) {
      status.textContent = "Les marqueurs n'ont pas pu être chargés.";
      console.error(error);
    });
}());
