/* Projector: a list that does not fit the screen (groups, flipcharts, plans, leaderboard, nominations,
   word cloud, count tables) is split into pages that fill the screen and rotate every few seconds, with
   "1 / 3" under it. Nothing ever scrolls. Re-done whenever the content or the window changes; the page
   fade is CSS and is left out with prefers-reduced-motion. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.MutationObserver) { return; }
  var LISTS = ["#groups-grid", "#boards-grid", "#plans-grid", "#leaderboard-rows", "#nomination-rows",
               "#screen-poll-results .word-cloud", "#screen-poll-results .poll-bars",
               "#presentation-body", "#screen-qa-list"];
  var ROTATE_MS = 9000;
  var rotation = null;
  var scheduled = null;
  var observer = new MutationObserver(schedule);

  function watch() {
    observer.observe(root, { childList: true, subtree: true, characterData: true, attributes: true,
                             attributeFilter: ["hidden", "data-phase", "data-panel", "data-state", "data-groups"] });
  }

  function fits() { return document.documentElement.scrollHeight <= window.innerHeight; }

  function visible(el) { return el.getClientRects().length > 0; }

  function items(list) { return Array.prototype.slice.call(list.children); }

  function show(list, page) {
    items(list).forEach(function (item, i) {
      var out = i < page[0] || i >= page[1];
      if (out) { item.setAttribute("data-fit-hidden", ""); item.hidden = true; }
      else if (item.hasAttribute("data-fit-hidden")) { item.removeAttribute("data-fit-hidden"); item.hidden = false; }
    });
  }

  function reset() {
    root.querySelectorAll("[data-fit-hidden]").forEach(function (item) {
      item.removeAttribute("data-fit-hidden");
      item.hidden = false;
    });
    root.querySelectorAll(".fit-pager").forEach(function (p) { p.remove(); });
    root.querySelectorAll("[data-fit-page-shown]").forEach(function (l) { l.removeAttribute("data-fit-page-shown"); });
  }

  function pagesOf(list, pager) {
    var all = items(list);
    var pages = [];
    var start = 0;
    while (start < all.length) {
      var end = start + 1;
      show(list, [start, end]);
      pager.textContent = (pages.length + 1) + " / " + (pages.length + 2);
      while (end < all.length) {
        show(list, [start, end + 1]);
        if (!fits()) { break; }
        end += 1;
      }
      pages.push([start, end]);
      start = end;
    }
    return pages;
  }

  function paginate() {
    var lists = LISTS.map(function (s) { return root.querySelector(s); })
      .filter(function (l) { return l && visible(l) && l.children.length > 1; });
    for (var i = 0; i < lists.length && !fits(); i += 1) {
      var list = lists[i];
      var pager = document.createElement("p");
      pager.className = "fit-pager";
      var anchor = list.closest("table") || list;
      anchor.insertAdjacentElement("afterend", pager);
      var pages = pagesOf(list, pager);
      if (pages.length < 2) { pager.remove(); show(list, [0, list.children.length]); continue; }
      rotate(list, pager, pages);
      return;
    }
  }

  function rotate(list, pager, pages) {
    var index = 0;
    function step() {
      observer.disconnect();
      show(list, pages[index]);
      pager.textContent = (index + 1) + " / " + pages.length;
      list.removeAttribute("data-fit-page-shown");
      void list.offsetWidth;
      list.setAttribute("data-fit-page-shown", "");
      watch();
      index = (index + 1) % pages.length;
    }
    step();
    rotation = window.setInterval(step, ROTATE_MS);
  }

  function layout() {
    scheduled = null;
    observer.disconnect();
    window.clearInterval(rotation);
    rotation = null;
    reset();
    if (!fits()) { paginate(); }
    root.dataset.fitted = String(Date.now());
    watch();
  }

  function schedule() {
    window.clearTimeout(scheduled);
    scheduled = window.setTimeout(layout, 150);
  }

  window.addEventListener("resize", schedule);
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(schedule); }
  watch();
  schedule();
})();
