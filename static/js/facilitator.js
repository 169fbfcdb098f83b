/* The run sheet: live counts and phase; the current step is read again from the server when another tab
   or the phones change the evening (the server renders it, so no user text becomes HTML here); the arrow
   keys run the presentation. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }
  var step = document.getElementById("run-current");
  var timer = null;
  var waiting = false;

  function busy() {
    // Never replace a form the facilitator is filling in: refresh once they leave it.
    var el = document.activeElement;
    return step && el && step.contains(el) && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && el.type !== "submit";
  }

  function refresh() {
    if (!step) { return; }
    if (busy()) {
      if (!waiting) {
        waiting = true;
        document.activeElement.addEventListener("blur", function () { waiting = false; later(); }, { once: true });
      }
      return;
    }
    fetch(window.location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("run-current");
        if (!fresh || busy()) { return; }
        var focusedId = document.activeElement && step.contains(document.activeElement) ? document.activeElement.id : null;
        step.replaceChildren.apply(step, Array.prototype.slice.call(fresh.childNodes).map(function (n) { return document.importNode(n, true); }));
        var steps = doc.querySelector(".run-steps form");
        var mine = root.querySelector(".run-steps form");
        if (steps && mine) { mine.replaceWith(document.importNode(steps, true)); }
        root.dataset.phase = (doc.getElementById("live-root") || root).dataset.phase;
        if (focusedId && document.getElementById(focusedId)) { document.getElementById(focusedId).focus(); }
      })
      .catch(function () { /* offline: the next event or the reconnect refreshes */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 150);
  }

  Paja.connect({ role: "facilitator", session: parseInt(root.dataset.session, 10) }, {
    lobby: function (counts) { Paja.updateCounts(root, counts); },
    phase: function (data) {
      if (data.phase !== root.dataset.phase) {
        document.getElementById("phase-announce").textContent = Paja.text("phase-names", data.phase);
        if (!data.open && root.dataset.phase !== "closed") { window.location.reload(); return; }
        later();
      }
    },
    boards: later,
    presentation: later,
    groups: later,
    poll_results: later,  // the info step's poll: answers and results
    qa: function () { if (/^(info|qa)$/.test(root.dataset.phase)) { later(); } },
    vote_progress: function (p) {
      var el = root.querySelector("[data-progress='" + p.number + "']");
      if (el) { later(); }
    },
    logged_out: function () { window.location.reload(); }
  });

  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (document.querySelector("dialog[open]")) { return; }
    var button = document.querySelector(".present-controls button[data-key='" + event.key + "']");
    if (button) { event.preventDefault(); button.click(); }
  });
})();
