/* The published service directory, read on the phone: "open now" and distances are
 * worked out here, so the person's position never leaves the phone. */

const DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
let loading = null;

/** The directory JSON (fetched once per page; the service worker may answer it offline). */
export function loadDirectory(url) {
  if (!loading) {
    loading = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then((response) => {
      if (!response.ok) { throw new Error("directory " + response.status); }
      return response.json();
    });
  }
  return loading;
}

function localTime(date, timeZone) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(date);
  const part = (type) => parts.find((p) => p.type === type).value;
  return { day: WEEKDAYS.indexOf(part("weekday")), minute: Number(part("hour")) * 60 + Number(part("minute")) };
}

function minutes(value) {
  const [hours, mins] = value.split(":");
  return Number(hours) * 60 + Number(mins);
}

/** Open at `date` by the weekly hours (each in its own timezone); null when the hours are not known. */
export function isOpen(hours, date) {
  if (!hours || !hours.length) { return null; }
  return hours.some((h) => {
    const { day, minute } = localTime(date, h.timezone);
    const today = DAYS[day];
    const yesterday = DAYS[(day + 6) % 7];
    const opens = minutes(h.opens);
    const closes = minutes(h.closes);
    if (opens < closes) { return h.days.includes(today) && opens <= minute && minute < closes; }
    return (h.days.includes(today) && minute >= opens) || (h.days.includes(yesterday) && minute < closes);
  });
}

/** Kilometres between two points on the Earth (haversine). */
export function distanceKm(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}
