/* Quick exit: hide the page at once, end the session, and leave without a way back.
 *
 * Works from the button, from the hidden skip link, and from Shift pressed three times on
 * its own (as the GOV.UK "Exit this page" component does): a Shift counts only when it is
 * pressed and released with no other key in between, any other key starts the count again,
 * and the three must come within five seconds. Typing "Ana Bora Cela" never leaves. A polite
 * live region tells screen-reader users how many presses they have made.
 *
 * On leaving, the phone is marked (the ``dera_left`` cookie, also set by the server) and the
 * service worker is told, so that Back into any page she had open lands on the neutral site
 * again; see pwa/auth/quick_exit.py for the whole design. Without JavaScript the same links
 * go to GET /exit, which ends the session, marks the phone and redirects. */
(function () {
  "use strict";

  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 5000;
  var MARKER = "dera_left";
  var MARKER_DAYS = 365;
  var shiftTimes = [];
  var shiftDown = false;
  var otherKeyWithShift = false;
  var quietTimer = null;
  var leaving = false;

  function exitButton() {
    return document.getElementById("quick-exit");
  }

  function exitUrl() {
    var button = exitButton();
    return (button && button.getAttribute("data-exit-url")) || "about:blank";
  }

  function markPhone() {
    var button = exitButton();
    var value = (button && button.getAttribute("data-marker")) || "0";
    var secure = location.protocol === "https:" ? "; secure" : "";
    document.cookie = MARKER + "=" + value + "; path=/; max-age=" + MARKER_DAYS * 86400 + "; samesite=lax" + secure;
  }

  function phoneIsMarked() {
    return document.cookie.split("; ").some(function (pair) { return pair.indexOf(MARKER + "=") === 0; });
  }

  function hide() {
    document.documentElement.classList.add("exiting");
    document.title = "";
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
    hide();
    markPhone();
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
        try { hook(exitUrl()); } catch (e) { /* leaving matters more than any hook */ }
      });
    }
    window.location.replace(exitUrl());
  }

  /* The live region: "Shift pressed 1 time of 3", translated, from the page's data attributes. */
  function announce(count) {
    var region = document.getElementById("quick-exit-status");
    if (!region) {
      return;
    }
    region.textContent = count ? region.getAttribute("data-pressed-" + count) || "" : "";
    window.clearTimeout(quietTimer);
    if (count) {
      quietTimer = window.setTimeout(function () { region.textContent = ""; }, SHIFT_WINDOW_MS);
    }
  }

  function resetCount() {
    if (shiftTimes.length) {
      shiftTimes = [];
      announce(0);
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-quick-exit]") : null;
    if (target) {
      leave(event);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      if (!event.repeat) {
        // Alt+Shift or Ctrl+Shift switch the keyboard's language: not a lone Shift either.
        shiftDown = !(event.altKey || event.ctrlKey || event.metaKey);
        otherKeyWithShift = false;
      }
      return;
    }
    // A capital letter, a shortcut or any other key: this is typing, not asking to leave.
    otherKeyWithShift = true;
    resetCount();
  }, true);

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      return;
    }
    var alone = shiftDown && !otherKeyWithShift && !(event.altKey || event.ctrlKey || event.metaKey);
    shiftDown = false;
    if (!alone) {
      return;
    }
    var now = Date.now();
    shiftTimes = shiftTimes.filter(function (t) { return now - t < SHIFT_WINDOW_MS; });
    shiftTimes.push(now);
    if (shiftTimes.length >= SHIFT_PRESSES) {
      shiftTimes = [];
      leave();
    } else {
      announce(shiftTimes.length);
    }
  }, true);

  /* Leaving a page hides it first, so that a copy the browser keeps in its back/forward cache
   * is never drawn as it was: when it comes back, it is shown again only if the phone was not
   * marked by Leave quickly in the meantime; otherwise it leaves for the neutral site at once. */
  window.addEventListener("pagehide", function (event) {
    if (event.persisted) {
      hide();
    }
  });

  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    if (phoneIsMarked()) {
      hide();
      window.location.replace(exitUrl());
    } else {
      // Fetched again, so the server decides what may be seen (the session may have ended).
      window.location.reload();
    }
  });
})();
