/* "Near me": after a tap, ask the phone where it is, and put the nearest services first.
 * The position is used here and never sent anywhere: distances come from the directory JSON.
 *
 * Honest about precision: a place without a street address is known only by its town (many
 * share the town's centre), so it is "in Tiranë" when she is close, or "about 3 km", rounded
 * as coarsely as that position allows, never "50 m". A place in a town but without a position
 * takes its town's, when another place there has one. Services without any position come
 * after those with one, and the lines that work everywhere in the country come last. */
import { distanceKm, loadDirectory } from "./directory.js";

const button = document.getElementById("near-me");
const list = document.getElementById("service-list");
const status = document.getElementById("near-me-status");
// Within this distance of a town's position she is taken to be in that town.
const IN_TOWN_KM = 2.5;

function number(value, digits) {
  const language = document.documentElement.lang || "sq";
  return new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value);
}

function exactDistance(km) {
  if (km < 1) { return number(Math.max(50, Math.round(km * 20) * 50), 0) + " m"; }
  return number(km, km < 10 ? 1 : 0) + " km";
}

function roughDistance(km) {
  const step = km < 10 ? 1 : km < 50 ? 5 : 10;
  return button.dataset.aboutKm.replace("{km}", number(Math.max(1, Math.round(km / step) * step), 0));
}

function townPositions(services) {
  const towns = new Map();
  services.forEach((service) => service.places.forEach((place) => {
    if (place.town && place.lat !== null && place.lon !== null && !towns.has(place.town)) {
      towns.set(place.town, { lat: place.lat, lon: place.lon });
    }
  }));
  return towns;
}

/* The nearest place of a service: { km, exact, town }, or null when none has a position. */
function nearest(here, service, towns) {
  let best = null;
  service.places.forEach((place) => {
    const known = place.lat !== null && place.lon !== null;
    const position = known ? place : towns.get(place.town);
    if (!position) { return; }
    const km = distanceKm(here, position);
    if (!best || km < best.km) { best = { km, exact: known && place.exact, town: place.town }; }
  });
  return best;
}

function describe(place) {
  if (place.exact) { return exactDistance(place.km); }
  if (place.town && place.km < IN_TOWN_KM) { return button.dataset.inTown.replace("{town}", place.town); }
  return roughDistance(place.km);
}

/* Positioned services by distance, then those in a town with no position, then those for everywhere. */
function rank(service, place) {
  if (place) { return [0, place.km]; }
  return [service && service.places.length ? 1 : 2, 0];
}

async function sortByDistance(coords) {
  let directory;
  try {
    directory = await loadDirectory(list.dataset.directoryUrl);
  } catch (error) {
    status.textContent = button.dataset.failed;
    return;
  }
  const here = { lat: coords.latitude, lon: coords.longitude };
  const byId = new Map(directory.services.map((service) => [service.id, service]));
  const towns = townPositions(directory.services);
  const items = [...list.querySelectorAll("li[data-service-id]")].map((item, index) => {
    const service = byId.get(item.dataset.serviceId);
    const place = service ? nearest(here, service, towns) : null;
    return { item, index, place, rank: rank(service, place) };
  });
  items.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.index - b.index);
  items.forEach(({ item, place }) => {
    list.appendChild(item);
    const label = item.querySelector("[data-distance]");
    if (label && place) {
      label.textContent = describe(place);
      label.hidden = false;
    }
  });
  status.textContent = button.dataset.sorted;
}

if (button && list && status && "geolocation" in navigator) {
  button.hidden = false;
  const hint = document.getElementById("near-me-hint");
  if (hint) { hint.hidden = false; }
  button.addEventListener("click", () => {
    status.textContent = button.dataset.asking;
    navigator.geolocation.getCurrentPosition(
      (position) => sortByDistance(position.coords),
      (error) => { status.textContent = error.code === error.PERMISSION_DENIED ? button.dataset.denied : button.dataset.failed; },
      { enableHighAccuracy: false, timeout: 20000, maximumAge: 300000 },
    );
  });
}
