/* Participant phone: follows the facilitator's phases and shows the participant's group. */
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

  function colourName(key) {
    var el = document.querySelector("#group-texts [data-colour='" + key + "']");
    return el ? el.textContent : key;
  }

  function showGroup(g) {
    var card = document.getElementById("my-group");
    var badge = document.getElementById("my-group-badge");
    badge.className = "group-big colour-" + g.colour;
    // The same group again (a reconnect, a resync) changes nothing, so the region stays silent.
    Paja.say("my-group-text", Paja.text("group-texts", "group").replace("{n}", String(g.number)));
    Paja.say("my-group-colour", colourName(g.colour));
    var table = document.getElementById("my-group-table");
    Paja.say("my-group-table-text", g.table || "");
    if (table.hidden !== !g.table) { table.hidden = !g.table; }
    if (card.hidden) { card.hidden = false; }
    root.dataset.group = String(g.number);
  }

  var socket = Paja.connect({ role: "participant", session: sessionId }, {
    phase: showPhase,
    group: showGroup,
    removed: function () { window.location.reload(); }
  });
  // Tell the server we are still here, also when the network silently dropped us.
  setInterval(function () {
    if (socket.connected) { socket.emit("ping_here", null, function (data) { if (data && data.ok) { showPhase(data); } }); }
  }, 20000);
})();
