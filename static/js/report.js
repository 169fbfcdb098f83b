/* The organiser's report: a print button (shown only when JavaScript runs; the browser's own print works too). */
(function () {
  "use strict";
  var button = document.getElementById("print-report");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
