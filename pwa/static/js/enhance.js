/* Small enhancements on top of pages that work without JavaScript. */
(function () {
  "use strict";

  var problem = function () { return document.getElementById("connection-problem"); };

  /* htmx: never drop a failed request silently. Error responses are swapped in
   * (see the htmx-config meta tag); a request that never reached the server shows a banner. */
  document.addEventListener("htmx:sendError", function () {
    var banner = problem();
    if (banner) { banner.hidden = false; }
  });
  document.addEventListener("htmx:timeout", function () {
    var banner = problem();
    if (banner) { banner.hidden = false; }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var banner = problem();
    if (banner && event.detail && event.detail.successful) { banner.hidden = true; }
  });

  /* Put the keyboard and screen reader on the list of form errors, when there is one. */
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
