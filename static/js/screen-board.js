/* Projector: flipcharts of all groups live, voting progress, and the presentation. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  var grid = document.getElementById("boards-grid");
  if (!root || !grid || !window.Paja) { return; }

  function t(key, n) { return Paja.text("board-screen-texts", key).replace("{n}", String(n)); }
  function colour(key) {
    var el = document.querySelector("#board-screen-texts [data-colour='" + key + "']");
    return el ? el.textContent : key;
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  // The workshop's own texts, made here from live payloads, carry its language where the projector
  // speaks another (WCAG 3.1.2), like those the server renders.
  var contentLang = root.dataset.contentLang;
  function own(node) { if (contentLang) { node.lang = contentLang; } return node; }
  function card(number) { return grid.querySelector(".screen-board[data-group='" + number + "']"); }

  function countNotes(c) {
    c.querySelector("[data-note-count]").textContent = String(c.querySelectorAll(".board-notes li").length);
  }

  // "12 notes · 3/4 voted": built here, so that a projector opened before any round can show boards too.
  function countLine(b) {
    var p = el("p", "board-count");
    p.appendChild(el("span", null, "0")).dataset.noteCount = "";
    p.appendChild(document.createTextNode(" " + t("notes")));
    var progress = p.appendChild(el("span", "board-progress", " · "));
    progress.dataset.progress = "";
    progress.appendChild(el("span", null, String(b.progress.voters))).dataset.voters = "";
    progress.appendChild(document.createTextNode("/"));
    progress.appendChild(el("span", null, String(b.progress.members))).dataset.members = "";
    progress.appendChild(document.createTextNode(" " + t("voted")));
    return p;
  }

  var boardsRound = root.querySelector("#screen-boards").dataset.round || "";
  var askedRound = null;

  function renderBoards(data) {
    boardsRound = String(data.round === null ? "" : data.round);
    var cards = data.groups.map(function (b) {
      var li = el("li", "screen-board");
      li.dataset.group = String(b.group);
      var h = el("h3", "group-title colour-" + b.colour, t("group", b.group) + " · ");
      h.appendChild(el("span", "colour-name", colour(b.colour)));
      li.appendChild(h);
      li.appendChild(own(el("p", "question", b.question || "")));
      li.appendChild(countLine(b));
      var ul = el("ul", "board-notes");
      b.notes.forEach(function (n) { ul.appendChild(noteItem(n)); });
      li.appendChild(ul);
      showVotes(li, b.tallies);
      countNotes(li);
      updateProgress(li, b.progress);
      return li;
    });
    grid.replaceChildren.apply(grid, cards);
    document.getElementById("screen-boards").dataset.count = String(cards.length);
  }

  function noteItem(n) {
    var item = own(el("li"));
    item.dataset.id = String(n.id);
    item.appendChild(el("span", "note-text", n.text));
    return item;
  }

  // Vote counts only when the server sent them (running counts live, or revealed); none otherwise.
  function showVotes(c, tallies) {
    if (tallies) { c.dataset.tallies = JSON.stringify(tallies); } else { delete c.dataset.tallies; }
    c.querySelectorAll(".board-notes li").forEach(function (item) {
      var span = item.querySelector(".note-votes");
      if (!tallies) { if (span) { span.remove(); } return; }
      if (!span) {
        item.appendChild(document.createTextNode(" "));
        span = item.appendChild(el("span", "note-votes"));
        if (contentLang) { span.lang = document.documentElement.lang; }  // the projector's words, not the workshop's
      }
      var n = tallies[item.dataset.id] || 0;
      span.textContent = n === 1 ? t("vote1") : t("votes", n);
    });
  }

  function updateProgress(c, p) {
    var wrap = c.querySelector("[data-progress]");
    if (!wrap) { return; }
    wrap.hidden = p.state !== "open";
    wrap.querySelector("[data-voters]").textContent = String(p.voters);
    wrap.querySelector("[data-members]").textContent = String(p.members);
  }

  function renderPresentation(data) {
    var body = document.getElementById("presentation-body");
    var articles = data.groups.map(function (g) {
      var a = el("article", "present-group" + (data.showing === 0 ? " small" : ""));
      a.appendChild(el("h3", "group-title colour-" + g.colour, t("group", g.number) + " · " + colour(g.colour)));
      if (g.question) { a.appendChild(own(el("p", "question", g.question))); }
      var ol = el("ol", "present-top");
      g.top.places.forEach(function (p) {
        ol.appendChild(el("li", p.text.length > 90 ? "long" : null)).appendChild(own(el("span", "point", p.text)));
      });
      a.appendChild(ol);
      if (g.top.tied.length) {
        a.appendChild(el("p", "tied-label", t("tied") + ":"));
        var ul = el("ul", "present-tied");
        g.top.tied.forEach(function (p) { ul.appendChild(el("li")).appendChild(own(el("span", "point", p.text))); });
        a.appendChild(ul);
      }
      return a;
    });
    body.replaceChildren.apply(body, articles);
  }

  Paja.on("boards", renderBoards);
  // A newly published round brings new flipcharts: ask once for them (the answer repeats "groups").
  Paja.on("groups", function (data) {
    var round = String(data.round === null ? "" : data.round);
    if (round === boardsRound || round === askedRound || !Paja.socket) { return; }
    askedRound = round;
    Paja.socket.emit("sync");
  });
  Paja.on("note", function (n) {
    var c = card(n.group);
    if (!c) { return; }
    var ul = c.querySelector(".board-notes");
    var item = ul.querySelector("li[data-id='" + n.id + "']");
    if (!item) { item = ul.appendChild(noteItem(n)); }
    item.querySelector(".note-text").textContent = n.text;
    if (c.dataset.tallies) { showVotes(c, JSON.parse(c.dataset.tallies)); }
    countNotes(c);
  });
  Paja.on("note_removed", function (n) {
    var c = card(n.group);
    var item = c ? c.querySelector(".board-notes li[data-id='" + n.id + "']") : null;
    if (item) { item.remove(); countNotes(c); }
  });
  Paja.on("vote_progress", function (p) { var c = card(p.number); if (c) { updateProgress(c, p); } });
  Paja.on("vote_tallies", function (data) { var c = card(data.group); if (c) { showVotes(c, data.tallies); } });
  Paja.on("presentation", renderPresentation);
})();
