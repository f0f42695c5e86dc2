/* The map of services: Leaflet (vendored) with tiles from the configured tile server.
 * Only this page loads it. If the tiles or the map cannot load, the page says so and
 * the list under the map works as before. */
import { loadDirectory } from "./directory.js";

(function () {
  var element = document.getElementById("map");
  var status = document.getElementById("map-status");
  if (!element) { return; }

  function say(text) {
    if (status && status.textContent !== text) {
      status.textContent = text;
      status.hidden = false;
    }
  }

  function escape(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  if (!window.L) {
    say(element.dataset.noMap);
    return;
  }

  // Tirana, until the services are known.
  // Leaflet's own control texts are English; the page gives them in the person's language.
  var map = window.L.map(element, { attributionControl: true, zoomControl: false }).setView([41.3275, 19.8189], 8);
  window.L.control.zoom({ zoomInTitle: element.dataset.zoomIn, zoomOutTitle: element.dataset.zoomOut }).addTo(map);
  map.attributionControl.setPrefix(false);
  map.on("popupopen", function (event) {
    var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) {
      close.setAttribute("aria-label", element.dataset.closePopup);
      close.title = element.dataset.closePopup;
    }
  });
  var attribution = '<a href="' + escape(element.dataset.attributionUrl) + '">' + escape(element.dataset.attribution) + "</a>";
  var tiles = window.L.tileLayer(element.dataset.tileUrl, { maxZoom: 18, attribution: attribution });
  tiles.on("tileerror", function () { say(element.dataset.noTiles); });
  tiles.addTo(map);

  var shown = {};
  document.querySelectorAll("#service-list li[data-service-id]").forEach(function (item) {
    shown[item.dataset.serviceId] = item.querySelector("h2 a");
  });

  loadDirectory(element.dataset.directoryUrl)
    .then(function (directory) {
      // Services in the same place (often a town's centre) share one marker.
      var places = {};
      directory.services.forEach(function (service) {
        if (!shown[service.id]) { return; }
        service.places.forEach(function (place) {
          if (place.lat === null || place.lon === null) { return; }
          var key = place.lat + "," + place.lon;
          places[key] = places[key] || { lat: place.lat, lon: place.lon, town: place.town, services: [] };
          places[key].services.push(service);
        });
      });
      var points = Object.keys(places).map(function (key) {
        var place = places[key];
        var popup = (place.town ? "<strong>" + escape(place.town) + "</strong>" : "") + "<ul>" + place.services.map(function (service) {
          return '<li><a href="' + escape(service.url) + '">' + escape(service.name) + "</a></li>";
        }).join("") + "</ul>";
        var title = place.services.map(function (service) { return service.name; }).join(", ");
        window.L.marker([place.lat, place.lon], { title: title, alt: title }).addTo(map).bindPopup(popup);
        return [place.lat, place.lon];
      });
      if (points.length) { map.fitBounds(points, { padding: [30, 30], maxZoom: 13 }); }
    })
    .catch(function () { say(element.dataset.noMap); });
})();
