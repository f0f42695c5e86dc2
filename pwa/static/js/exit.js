/* Quick exit: hide the page at once, end the session, and leave without a way back.
 * Works from the button, from the hidden skip link, and from Shift pressed three times
 * (as the GOV.UK "Exit this page" component does). Without JavaScript the same links
 * go to GET /exit, which ends the session and redirects. */
(function () {
  "use strict";

  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 5000;
  var shiftTimes = [];
  var leaving = false;

  function exitButton() {
    return document.getElementById("quick-exit");
  }

  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    var button = exitButton();
    if (!button || leaving) {
      return;
    }
    leaving = true;
    document.documentElement.classList.add("exiting");
    document.title = "";
    var exitUrl = button.getAttribute("data-exit-url") || "about:blank";
    var beaconUrl = button.getAttribute("data-beacon-url");
    var sent = false;
    if (beaconUrl && navigator.sendBeacon) {
      sent = navigator.sendBeacon(beaconUrl, new Blob([], { type: "text/plain" }));
    }
    if (!sent && beaconUrl && window.fetch) {
      fetch(beaconUrl, { method: "POST", keepalive: true, credentials: "same-origin" }).catch(function () {});
    }
    if (window.DeraExitHooks) {
      window.DeraExitHooks.forEach(function (hook) {
        try { hook(); } catch (e) { /* leaving matters more than any hook */ }
      });
    }
    window.location.replace(exitUrl);
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-quick-exit]") : null;
    if (target) {
      leave(event);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) {
      return;
    }
    var now = Date.now();
    shiftTimes = shiftTimes.filter(function (t) { return now - t < SHIFT_WINDOW_MS; });
    shiftTimes.push(now);
    if (shiftTimes.length >= SHIFT_PRESSES) {
      shiftTimes = [];
      leave();
    }
  });

  /* A page brought back from the back/forward cache is never shown as it was:
   * it is hidden and fetched again, and the server decides what may be seen. */
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.documentElement.classList.add("exiting");
      window.location.reload();
    }
  });
})();
