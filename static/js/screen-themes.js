/* Projector: the room's common themes, live; more than six rotate in pages of six every 12 s. */
(function () {
  "use strict";
  var section = document.getElementById("screen-themes");
  if (!section || !window.Paja) { return; }
  var grid = document.getElementById("theme-grid");
  var PAGE = 6, page = 0, seq = 0;

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function showPage() {
    var items = grid.children, pages = Math.max(1, Math.ceil(items.length / PAGE));
    page = page % pages;
    for (var i = 0; i < items.length; i += 1) { items[i].hidden = Math.floor(i / PAGE) !== page; }
    document.getElementById("theme-page").hidden = pages < 2;
  }

  function render(data) {
    if (data.seq < seq) { return; }
    seq = data.seq;
    var lang = grid.dataset.lang;  // the workshop's language where the projector speaks another, else none
    grid.replaceChildren.apply(grid, data.themes.map(function (t) {
      var li = el("li"), h = el("h3", t.label), list = el("ul");
      li.className = "screen-theme";
      if (lang) { h.lang = lang; }
      li.appendChild(h);
      var counts = el("p", Paja.text("theme-texts", "groups").replace("{n}", String(t.groups.length)) + " · " +
        Paja.text("theme-texts", "notes").replace("{n}", String(t.notes.length)));
      counts.className = "theme-groups";
      li.appendChild(counts);
      t.notes.slice(0, 3).forEach(function (n) { var item = el("li", n[2]); if (lang) { item.lang = lang; } list.appendChild(item); });
      li.appendChild(list);
      return li;
    }));
    section.hidden = !data.shown;
    page = 0;
    showPage();
  }

  Paja.on("common_themes", render);
  window.setInterval(function () { if (!section.hidden) { page += 1; showPage(); } }, 12000);
})();
