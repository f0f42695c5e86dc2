/* Reminders on this phone (web push). Permission is asked only after a tap on
 * "Turn on reminders", never when a page loads. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response;
    });
  }

  function keyBytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function setUp(box) {
    var on = box.querySelector("[data-push-on]");
    var off = box.querySelector("[data-push-off]");
    var status = box.querySelector("[data-status]");
    var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
    box.hidden = false;
    if (!supported) {
      status.textContent = box.getAttribute("data-unsupported");
      var ios = box.querySelector("[data-ios]");
      if (ios) { ios.hidden = false; }
      return;
    }

    function show(state) {
      status.textContent = box.getAttribute("data-" + state);
      on.hidden = state === "on" || state === "denied";
      off.hidden = state !== "on";
    }

    function current() {
      return navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.getSubscription();
      });
    }

    current().then(function (subscription) {
      show(Notification.permission === "denied" ? "denied" : subscription ? "on" : "off");
    });

    on.addEventListener("click", function () {
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") { show("denied"); return null; }
        return fetch(box.getAttribute("data-key-url"), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (key) {
            return navigator.serviceWorker.ready.then(function (registration) {
              return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key.publicKey) });
            });
          })
          .then(function (subscription) { return post(box.getAttribute("data-subscribe-url"), subscription.toJSON()); })
          .then(function () { show("on"); });
      }).catch(function () { show("failed"); });
    });

    off.addEventListener("click", function () {
      current().then(function (subscription) {
        if (!subscription) { show("off"); return null; }
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () {
          return post(box.getAttribute("data-unsubscribe-url"), { endpoint: endpoint });
        }).then(function () { show("off"); });
      }).catch(function () { show("failed"); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("reminders");
    if (box) { setUp(box); }
  });
})();
