/* After a form came back from the server with errors, move focus to the error summary, so a screen
   reader reads what to fix and a keyboard user starts there (not at the top of <body>). */
(function () {
  "use strict";
  function focusErrors() {
    var summary = document.getElementById("error-summary") ||
      document.querySelector("main .form-error[role='alert']:not([hidden])");
    if (!summary || !summary.textContent.trim()) { return; }
    if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
    summary.focus();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", focusErrors); } else { focusErrors(); }
})();
