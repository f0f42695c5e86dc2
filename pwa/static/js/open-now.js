/* "Open now", worked out again on the phone with its own clock, so that a page kept
 * for offline use does not go on saying what was true when it was saved. */
import { isOpen, loadDirectory } from "./directory.js";

const labels = [...document.querySelectorAll("[data-open-now]")];
const source = document.querySelector("[data-directory-url]");

if (labels.length && source) {
  loadDirectory(source.dataset.directoryUrl).then((directory) => {
    const byId = new Map(directory.services.map((service) => [service.id, service]));
    const now = new Date();
    labels.forEach((label) => {
      const service = byId.get(label.dataset.serviceId);
      const state = service ? isOpen(service.hours, now) : null;
      if (state === null) { return; }
      label.textContent = state ? label.dataset.labelOpen : label.dataset.labelClosed;
      label.classList.toggle("is-open", state);
      label.classList.toggle("is-closed", !state);
      label.hidden = false;
    });
  }).catch(() => { /* offline with nothing saved: the labels the page came with stay */ });
}
