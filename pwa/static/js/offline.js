/* Offline: registers the service worker, the "keep my plan on this phone" switch,
 * the add-to-home-screen hint, and emptying the kept pages on quick exit. */
(function () {
  "use strict";

  if (!("serviceWorker" in navigator)) {
    return;
  }
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});

  function tellWorker(message) {
    if (navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage(message);
    }
    return navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) { registration.active.postMessage(message); }
    });
  }

  /* Quick exit empties the pages kept on the phone before it leaves. */
  window.DeraExitHooks = window.DeraExitHooks || [];
  window.DeraExitHooks.push(function (exitUrl) {
    tellWorker({ type: "exit", exitUrl: exitUrl });
    if (window.caches) { caches.delete("dera-private-v1"); }
  });

  function setUpKeepPlan() {
    var box = document.getElementById("keep-plan");
    if (!box || !window.caches) { return; }
    var input = box.querySelector("input[type=checkbox]");
    var status = box.querySelector("[data-status]");
    box.hidden = false;
    caches.has("dera-private-v1").then(function (on) { input.checked = on; });
    input.addEventListener("change", function () {
      var on = input.checked;
      tellWorker({ type: "keep-plan", on: on });
      (on ? caches.open("dera-private-v1") : caches.delete("dera-private-v1")).then(function () {
        status.textContent = box.getAttribute(on ? "data-on" : "data-off");
      });
    });
  }

  var installPrompt = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    installPrompt = event;
    var hint = document.getElementById("install-hint");
    if (hint) { hint.hidden = false; }
  });

  function setUpInstallHint() {
    var hint = document.getElementById("install-hint");
    if (!hint) { return; }
    var standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone;
    var iphone = /iPhone|iPad|iPod/.test(navigator.userAgent);
    if (standalone) { return; }
    if (iphone) {
      var ios = document.getElementById("install-hint-ios");
      if (ios) { ios.hidden = false; }
    }
    hint.querySelector("button").addEventListener("click", function () {
      if (installPrompt) {
        installPrompt.prompt();
        installPrompt = null;
        hint.hidden = true;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpKeepPlan();
    setUpInstallHint();
  });
})();
