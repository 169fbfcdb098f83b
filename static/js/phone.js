/* Participant phone: follows the facilitator's phases and shows the participant's group.
   Which sections a phase shows is in the CSS (keyed on #live-root's data-phase), the same for the
   server-rendered page and for a live phase change, so no block of an earlier phase stays behind. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }
  var sessionId = parseInt(root.dataset.session, 10);
  var shownPhase = root.dataset.phase;
  var shownText = null;

  function phaseKey(phase) {
    return phase === "grouping" && root.dataset.group ? "grouping-ready" : phase;
  }

  function showText() {
    var key = phaseKey(shownPhase);
    if (key === shownText) { return; }
    shownText = key;
    document.getElementById("phase-text").textContent = Paja.text("phase-texts", key);
  }

  function showPhase(data) {
    if (data.open === false) { window.location.reload(); return; }  // closed: the thank-you page
    // Back to the questions from a later step: only the page of those phases carries them.
    if (/^(info|qa)$/.test(data.phase) && !document.getElementById("qa")) { window.location.reload(); return; }
    if (data.phase === shownPhase && shownText !== null) { return; }
    shownPhase = data.phase;
    document.getElementById("phase-title").textContent = Paja.text("phase-names", data.phase);
    root.dataset.phase = data.phase;
    showText();
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
    Paja.say("my-group-number", String(g.number));
    Paja.say("my-group-text", Paja.text("group-texts", "group").replace("{n}", String(g.number)));
    Paja.say("my-group-colour", colourName(g.colour));
    var table = document.getElementById("my-group-table");
    Paja.say("my-group-table-text", g.table || "");
    if (table.hidden !== !g.table) { table.hidden = !g.table; }
    if (card.hidden) { card.hidden = false; }
    root.dataset.group = String(g.number);
    showText();
  }

  shownText = phaseKey(shownPhase);
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
