/* "Near me": after a tap, ask the phone where it is, and put the nearest services first.
 * The position is used here and never sent anywhere: distances come from the directory JSON. */
import { distanceKm, loadDirectory } from "./directory.js";

const button = document.getElementById("near-me");
const list = document.getElementById("service-list");
const status = document.getElementById("near-me-status");

function formatDistance(km) {
  const language = document.documentElement.lang || "sq";
  if (km < 1) { return new Intl.NumberFormat(language).format(Math.max(50, Math.round(km * 20) * 50)) + " m"; }
  return new Intl.NumberFormat(language, { maximumFractionDigits: km < 10 ? 1 : 0 }).format(km) + " km";
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
  const items = [...list.querySelectorAll("li[data-service-id]")].map((item, index) => {
    const service = byId.get(item.dataset.serviceId);
    const places = service ? service.places.filter((p) => p.lat !== null && p.lon !== null) : [];
    const km = places.length ? Math.min(...places.map((p) => distanceKm(here, p))) : null;
    return { item, index, km };
  });
  items.sort((a, b) => (a.km ?? Infinity) - (b.km ?? Infinity) || a.index - b.index);
  items.forEach(({ item, km }) => {
    list.appendChild(item);
    const label = item.querySelector("[data-distance]");
    if (label && km !== null) {
      label.textContent = formatDistance(km);
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
