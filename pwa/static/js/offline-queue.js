/* The phone's queue of help requests: never lost when the network is gone.
 *
 * Sending: the request goes to the queue endpoint with its key (made here, on
 * the phone). If the network fails, it is kept in IndexedDB ("dera-help"),
 * the page says so and shows the number to call, and it is sent when the
 * network returns: by the service worker's Background Sync where the browser
 * has it, and by any page she opens (on load and on the "online" event).
 * The key makes every replay land on the same request, so it arrives once.
 *
 * The service worker (templates/shell/sw.js) reads the same store: keep the
 * names and the shape of an item ({key, token, setback, urgency, contact, note}) in step. */

const DB_NAME = "dera-help";
const STORE = "requests";
const SYNC_TAG = "dera-help";

function openQueue() {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open(DB_NAME, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: "key" });
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
}

async function withStore(mode, work) {
  const db = await openQueue();
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

export const keep = (item) => withStore("readwrite", (store) => store.put(item));
export const queued = () => withStore("readonly", (store) => store.getAll());
export const forget = (key) => withStore("readwrite", (store) => store.delete(key));

/* An item carries the token of the page it was written on; ``fresh`` is the
 * token of the page sending it now, which renews an old one for the same person. */
export function send(url, item, fresh) {
  return fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...item, fresh: fresh || "" }),
  });
}

/* Send everything waiting; return what arrived. What the server refuses even
 * with a fresh token (malformed, or written by someone this phone no longer
 * belongs to) can never be sent, and is dropped. */
export async function flush(url, fresh) {
  const arrived = [];
  if (indexedDB.databases && !(await indexedDB.databases()).some((db) => db.name === DB_NAME)) {
    return arrived; /* nothing was ever kept: leave no trace on the phone */
  }
  for (const item of await queued()) {
    let response;
    try {
      response = await send(url, item, fresh);
    } catch (error) {
      break; /* still offline */
    }
    if (response.ok) {
      arrived.push(await response.json());
      await forget(item.key);
    } else if (response.status === 400 || response.status === 401) {
      await forget(item.key);
    }
  }
  return arrived;
}

function askForBackgroundSync() {
  if (!("serviceWorker" in navigator)) {
    return;
  }
  navigator.serviceWorker.ready
    .then((registration) => registration.sync && registration.sync.register(SYNC_TAG))
    .catch(() => { /* no Background Sync: the next visit or "online" sends it */ });
}

function newKey(fallback) {
  return window.crypto && crypto.randomUUID ? crypto.randomUUID() : fallback;
}

function show(id, url) {
  const box = document.getElementById(id);
  if (!box) {
    return;
  }
  if (url) {
    box.querySelector("[data-request-link]").href = url;
  }
  for (const other of ["queued", "delivered"]) {
    document.getElementById(other).hidden = other !== id;
  }
  box.hidden = false;
  box.focus();
}

function setUpPage(meta) {
  const url = meta.dataset.url;
  const token = meta.content;
  const form = document.getElementById("ask");

  const flushAndTell = async () => {
    const arrived = await flush(url, token);
    if (form && arrived.length) {
      show("delivered", arrived[arrived.length - 1].url);
    } else if (form && navigator.onLine === false && (await queued()).length) {
      form.hidden = true;
      show("queued");
    }
  };
  window.addEventListener("online", flushAndTell);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (form && event.data && event.data.type === "help-sent") {
        show("delivered", event.data.url);
      }
    });
  }
  flushAndTell();

  if (!form) {
    return;
  }
  form.elements.key.value = newKey(form.elements.key.value);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answers = new FormData(form);
    const item = {
      key: answers.get("key"),
      setback: answers.get("setback"),
      urgency: answers.get("urgency"),
      contact: answers.get("contact"),
      note: answers.get("note") || "",
      token,
    };
    if (!item.setback || !item.urgency || !item.contact) {
      form.submit(); /* the server says what is missing */
      return;
    }
    if (navigator.onLine !== false) {
      try {
        const response = await send(url, item);
        if (response.ok) {
          window.location.assign((await response.json()).url);
          return;
        }
        if (response.status < 500) {
          form.submit(); /* the signed-in form explains, or asks for the PIN */
          return;
        }
      } catch (error) {
        /* no network: keep it on the phone */
      }
    }
    await keep(item);
    askForBackgroundSync();
    form.hidden = true;
    show("queued");
  });
}

const meta = document.querySelector('meta[name="help-queue"]');
if (meta && "indexedDB" in window) {
  setUpPage(meta);
}
