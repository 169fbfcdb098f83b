/* Projector: the top questions of the Q&A, live ("qa"); the server sends only what the room may see. */
(function () {
  "use strict";
  var section = document.getElementById("screen-qa");
  if (!section || !window.Paja) { return; }
  var list = document.getElementById("screen-qa-list");
  var TOP = 6, seq = -1;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function t(key) { return Paja.text("screen-qa-texts", key); }

  function item(q) {
    var li = el("li", "screen-qa-item" + (q.pinned ? " is-pinned" : "") + (q.answered ? " is-answered" : ""));
    var text = el("p", "qa-text", q.text);
    if (list.dataset.lang) { text.lang = list.dataset.lang; }
    li.appendChild(text);
    var meta = el("p", "qa-meta");
    [[q.pinned, "pinned"], [q.answered, "answered"]].forEach(function (f) {
      if (f[0]) { meta.appendChild(el("span", "qa-flag", t(f[1]))); meta.appendChild(document.createTextNode(" ")); }
    });
    if (q.name) { meta.appendChild(el("span", "qa-name", q.name)); meta.appendChild(document.createTextNode(" ")); }
    if (typeof q.votes === "number") {
      meta.appendChild(el("span", "qa-votes", t(q.votes === 1 ? "vote" : "votes").replace("{n}", String(q.votes))));
    }
    li.appendChild(meta);
    return li;
  }

  Paja.on("qa", function (data) {
    if (typeof data.seq === "number") { if (data.seq < seq) { return; } seq = data.seq; }
    var top = data.questions.slice(0, TOP);
    list.replaceChildren.apply(list, top.map(item));
    document.getElementById("screen-qa-empty").hidden = top.length > 0;
  });
})();
