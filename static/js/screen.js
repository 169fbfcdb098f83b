/* Projector: live participant counts and phase. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }
  var shownPhase = null;
  Paja.connect({ role: "screen", token: root.dataset.token }, {
    lobby: function (counts) { Paja.updateCounts(root, counts); },
    phase: function (data) {
      if (shownPhase !== null && data.phase !== shownPhase && (data.phase === "closed" || shownPhase === "closed")) {
        window.location.reload();
        return;
      }
      shownPhase = data.phase;
      document.getElementById("current-phase").textContent = Paja.text("phase-names", data.phase);
      root.dataset.phase = data.phase;
    }
  });
})();
