/* Participant phone: follows the facilitator's phases. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }
  var sessionId = parseInt(root.dataset.session, 10);
  var shownPhase = null;

  function showPhase(data) {
    if (data.phase === shownPhase) { return; }
    shownPhase = data.phase;
    document.getElementById("phase-title").textContent = Paja.text("phase-names", data.phase);
    document.getElementById("phase-text").textContent = Paja.text("phase-texts", data.phase);
    root.dataset.phase = data.phase;
  }

  var socket = Paja.connect({ role: "participant", session: sessionId }, { phase: showPhase });
  // Tell the server we are still here, also when the network silently dropped us.
  setInterval(function () {
    if (socket.connected) { socket.emit("ping_here", null, function (data) { if (data && data.ok) { showPhase(data); } }); }
  }, 20000);
})();
