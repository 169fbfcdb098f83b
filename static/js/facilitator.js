/* Facilitator's session page: live counts and phase. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }
  Paja.connect({ role: "facilitator", session: parseInt(root.dataset.session, 10) }, {
    lobby: function (counts) { Paja.updateCounts(root, counts); },
    phase: function (data) {
      document.getElementById("current-phase").textContent = Paja.text("phase-names", data.phase);
      root.querySelectorAll(".phase-buttons button").forEach(function (b) {
        b.setAttribute("aria-pressed", b.value === data.phase ? "true" : "false");
      });
    },
    logged_out: function () { window.location.reload(); }
  });
})();
