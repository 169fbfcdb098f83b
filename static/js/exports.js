/* Facilitator's export links: say "Preparing…" while a download is being built and ignore repeated clicks. */
(function () {
  "use strict";
  var status = document.getElementById("export-status");
  if (!status) { return; }
  var BUSY_MS = 4000;  // a download gives the page no signal when it is done; this covers a large workshop
  document.querySelectorAll("[data-export]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (el.getAttribute("aria-disabled") === "true") {
        event.preventDefault();
        return;
      }
      el.setAttribute("aria-disabled", "true");
      status.textContent = status.dataset.preparing;
      window.setTimeout(function () {
        el.removeAttribute("aria-disabled");
        status.textContent = "";
      }, BUSY_MS);
    });
  });
})();
