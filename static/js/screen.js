/* Projector: live participant counts, phase and groups. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }
  var shownPhase = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function showGroups(data) {
    var section = document.getElementById("screen-groups");
    var grid = document.getElementById("groups-grid");
    if (!section || !grid) { return; }
    var items = data.groups.map(function (g) {
      var li = el("li", "screen-group");
      var colour = document.querySelector("#group-texts [data-colour='" + g.colour + "']");
      var title = el("h3", "group-title colour-" + g.colour, Paja.text("group-texts", "group").replace("{n}", String(g.number)));
      var colourName = el("span", "colour-name");
      colourName.appendChild(el("span", "visually-hidden", " · "));
      colourName.appendChild(document.createTextNode(colour ? colour.textContent : g.colour));
      title.appendChild(colourName);
      li.appendChild(title);
      if (g.table) { li.appendChild(el("p", "group-table", Paja.text("group-texts", "table") + ": " + g.table)); }
      var names = el("ul", "names");
      g.members.forEach(function (m) { names.appendChild(el("li", null, m.name || Paja.text("group-texts", "anonymous"))); });
      li.appendChild(names);
      return li;
    });
    grid.replaceChildren.apply(grid, items);
    section.hidden = items.length === 0;
    if (items.length) { root.dataset.groups = String(items.length); } else { delete root.dataset.groups; }
  }

  Paja.connect({ role: "screen", token: root.dataset.token }, {
    // The server closed this projector's connection: the workshop was closed or the link replaced.
    // Reloading shows which ("closed", or no page for an old link); a refused reconnect stays quiet.
    disconnect: function (reason) { if (reason === "io server disconnect") { window.location.reload(); } },
    lobby: function (counts) { Paja.updateCounts(root, counts); },
    groups: showGroups,
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
