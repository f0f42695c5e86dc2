/* Dera's service worker.
 * - The app shell (CSS, scripts, icons, the offline page) is kept from install on.
 * - Public pages and data (contacts, the service directory) are kept as anonymous copies,
 *   refreshed on every visit, and shown when there is no network.
 * - Pages with personal content are never kept, unless the person turned on
 *   "keep my plan on this phone"; turning it off, or leaving quickly, deletes them.
 * - After Leave quickly it keeps the exit address and sends every navigation back into
 *   Dera to the neutral site, also offline, until Dera is opened afresh at "/" or with an
 *   enrolment link (pwa/auth/quick_exit.py has the whole design).
 * - Push: shows the (neutral) notification, opens the right page on a tap, and
 *   renews the subscription when the push service changes it.
 * - Help requests written offline wait in IndexedDB (static/js/offline-queue.js);
 *   Background Sync sends them here when the network returns. */
"use strict";

const CONFIG = {{ config }};
const SHELL_CACHE = "dera-shell-" + CONFIG.version;
const PUBLIC_CACHE = "dera-public-v1";
const PRIVATE_CACHE = "dera-private-v1";
const LEFT_CACHE = "dera-left-v1";
const LEFT_KEY = "/exit";
const OWN_CACHES = [SHELL_CACHE, PUBLIC_CACHE, PRIVATE_CACHE, LEFT_CACHE];
let language = "sq";

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL_CACHE);
    /* The same for everyone, so fetched without cookies: the install runs while she signs in,
       and no answer to it may reach, or be made from, her session. */
    const everyones = [...CONFIG.shell, ...Object.values(CONFIG.offline)];
    await shell.addAll(everyones.map((path) => new Request(path, { credentials: "omit" })));
    const publicCache = await caches.open(PUBLIC_CACHE);
    await Promise.all([...CONFIG.publicPages, ...CONFIG.publicData].map((path) => refreshPublic(publicCache, path)));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("dera-") && !OWN_CACHES.includes(name)) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

/* An anonymous copy: fetched without cookies, so it can hold nothing personal. */
async function refreshPublic(cache, path) {
  try {
    const response = await fetch(path, { credentials: "omit", cache: "no-store" });
    if (response.ok && !response.redirected) {
      await cache.put(path, response);
    }
  } catch (error) {
    /* offline: keep the copy we have */
  }
}

function matches(path, prefixes) {
  return prefixes.some((prefix) => path === prefix || path.startsWith(prefix + "/") || path.startsWith(prefix + "?"));
}

async function keepingPlan() {
  return caches.has(PRIVATE_CACHE);
}

async function offlinePage() {
  const shell = await caches.open(SHELL_CACHE);
  return (await shell.match(CONFIG.offline[language] || CONFIG.offline.sq)) || Response.error();
}

/* The exit address kept since Leave quickly, or null. Kept in a cache, not a variable,
 * because the browser stops and restarts the worker whenever it likes. */
async function leftFor() {
  const kept = await caches.match(LEFT_KEY, { cacheName: LEFT_CACHE });
  return kept ? kept.text() : null;
}

function isFreshEntry(url) {
  return url.pathname === "/" || url.pathname.startsWith("/enrol/");
}

async function handleNavigation(event, url) {
  if (isFreshEntry(url)) {
    await caches.delete(LEFT_CACHE);
  } else {
    const exitUrl = await leftFor();
    if (exitUrl) {
      return Response.redirect(exitUrl, 302);
    }
  }
  try {
    const response = await fetch(event.request);
    const lang = response.headers.get("Content-Language");
    if (lang && CONFIG.offline[lang]) {
      language = lang;
    }
    if (matches(url.pathname, CONFIG.publicPages)) {
      event.waitUntil(caches.open(PUBLIC_CACHE).then((cache) => refreshPublic(cache, url.pathname + url.search)));
    } else if (response.ok && !response.redirected && matches(url.pathname, CONFIG.privatePages) && (await keepingPlan())) {
      const copy = response.clone();
      event.waitUntil(caches.open(PRIVATE_CACHE).then((cache) => cache.put(url.pathname + url.search, copy)));
    }
    return response;
  } catch (error) {
    const key = url.pathname + url.search;
    const publicCopy = (await caches.match(key, { cacheName: PUBLIC_CACHE })) || (await caches.match(url.pathname, { cacheName: PUBLIC_CACHE }));
    if (publicCopy) {
      return publicCopy;
    }
    if (await keepingPlan()) {
      const privateCopy = await caches.match(key, { cacheName: PRIVATE_CACHE });
      if (privateCopy) {
        return privateCopy;
      }
    }
    return offlinePage();
  }
}

async function staleWhileRevalidate(event, url) {
  const cache = await caches.open(PUBLIC_CACHE);
  const cached = await cache.match(url.pathname);
  const fresh = refreshPublic(cache, url.pathname).then(() => cache.match(url.pathname));
  if (cached) {
    event.waitUntil(fresh);
    return cached;
  }
  return (await fresh) || fetch(event.request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(handleNavigation(event, url));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request, { cacheName: SHELL_CACHE }).then((hit) => hit || fetch(request)));
  } else if (CONFIG.publicData.includes(url.pathname)) {
    event.respondWith(staleWhileRevalidate(event, url));
  }
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "keep-plan") {
    event.waitUntil(message.on ? caches.open(PRIVATE_CACHE) : caches.delete(PRIVATE_CACHE));
  } else if (message.type === "exit") {
    event.waitUntil(Promise.all([
      caches.delete(PRIVATE_CACHE),
      /^https?:\/\//.test(message.exitUrl || "")
        ? caches.open(LEFT_CACHE).then((cache) => cache.put(LEFT_KEY, new Response(message.exitUrl)))
        : null,
    ]));
  }
});

/* Push ------------------------------------------------------------------------------ */

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const fallback = CONFIG.defaultNotification;
  /* Delivery is at least once (a worker that dies between sending and recording sends again):
     the tag, the notification's own or its message id, makes a second copy replace the first. */
  const tag = data.tag || (data.id ? "dera-" + data.id : undefined);
  event.waitUntil(self.registration.showNotification(data.title || fallback.title, {
    body: data.body || fallback.body,
    tag: tag,
    icon: CONFIG.shell.find((path) => path.includes("icon-192")),
    data: { url: sameOriginPath(data.url) || fallback.url },
  }));
});

/* Only a path on this site may be opened from a notification. */
function sameOriginPath(value) {
  if (typeof value !== "string") {
    return null;
  }
  const url = new URL(value, self.location.origin);
  return url.origin === self.location.origin ? url.pathname + url.search : null;
}

async function openPage(path) {
  const target = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    if (new URL(client.url).origin === self.location.origin) {
      const shown = client.url === target ? client : (await client.navigate(target)) || client;
      try {
        await shown.focus();
      } catch (error) {
        /* focusing needs the permission a tap on the notification gives */
      }
      return shown;
    }
  }
  return self.clients.openWindow(target);
}

/* A tap on a notification opens its page; after Leave quickly, Dera afresh (the PIN page). */
async function openNotification(notification) {
  const left = await leftFor();
  return openPage(left ? "/" : (notification.data && notification.data.url) || "/");
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openNotification(event.notification));
});

self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil((async () => {
    const old = event.oldSubscription;
    let key = old && old.options && old.options.applicationServerKey;
    if (!key) {
      const answer = await fetch(CONFIG.pushKey, { credentials: "omit" });
      key = (await answer.json()).publicKey;
    }
    const renewed = event.newSubscription || (await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
    if (old) {
      await fetch(CONFIG.resubscribe, {
        method: "POST",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ oldEndpoint: old.endpoint, ...renewed.toJSON() }),
      });
    }
  })());
});

/* Help requests kept on the phone ---------------------------------------------------- */
/* The store is the one static/js/offline-queue.js writes: keep the names in step. */

function helpQueue(mode, work) {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open("dera-help", 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore("requests", { keyPath: "key" });
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
      const db = opening.result;
      const transaction = db.transaction("requests", mode);
      const request = work(transaction.objectStore("requests"));
      transaction.oncomplete = () => { db.close(); resolve(request.result); };
      transaction.onerror = () => { db.close(); reject(transaction.error); };
    };
  });
}

/* Send every waiting request (its key makes a replay land on the same one). A
 * network failure rejects, so the browser tries again later; a refusal keeps
 * the request for a page she opens, which can renew its token. */
async function sendQueuedHelp() {
  const items = await helpQueue("readonly", (store) => store.getAll());
  let unreachable = false;
  for (const item of items) {
    let response;
    try {
      response = await fetch(CONFIG.helpQueue, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(item),
      });
    } catch (error) {
      unreachable = true;
      continue;
    }
    if (response.ok || response.status === 400) {
      await helpQueue("readwrite", (store) => store.delete(item.key));
    }
    if (response.ok) {
      const body = await response.json();
      for (const client of await self.clients.matchAll({ type: "window" })) {
        client.postMessage({ type: "help-sent", url: body.url });
      }
    }
  }
  if (unreachable) {
    throw new Error("the network is still down; Background Sync tries again later");
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === "dera-help") {
    event.waitUntil(sendQueuedHelp());
  }
});
