/* Facilitator's registration, feedback and campaign pages: live headcount, feedback count and bars,
   and the leaderboard and nominations refreshed from the server as they change. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }
  var seen = {};

  function setText(selector, value) {
    root.querySelectorAll(selector).forEach(function (el) {
      var text = String(value);
      if (el.textContent !== text) { el.textContent = text; }
    });
  }

  function showHeadcount(data) {
    ["confirmed", "waiting", "cancelled", "accessibility"].forEach(function (key) {
      setText("[data-reg-count='" + key + "']", data[key]);
    });
    data.municipalities.forEach(function (m) { setText("[data-reg-count='m-" + m.code + "']", m.count); });
    data.backgrounds.forEach(function (b) { setText("[data-reg-count='b-" + b.code + "']", b.count); });
    data.diets.forEach(function (d) { setText("[data-reg-count='d-" + d.code + "']", d.count); });
  }

  function showFeedback(data) {
    setText("[data-feedback='count']", data.count);
    setText("[data-feedback='average']", data.average === null ? "–" : data.average);
    data.overall.forEach(function (o) {
      setText("[data-feedback='overall-" + o.value + "']", o.count);
      root.querySelectorAll("[data-feedback-bar='overall-" + o.value + "']").forEach(function (r) { r.setAttribute("width", String(o.percent)); });
    });
    data.come_again.forEach(function (o) {
      setText("[data-feedback='again-" + o.value + "']", o.count);
      root.querySelectorAll("[data-feedback-bar='again-" + o.value + "']").forEach(function (r) { r.setAttribute("width", String(o.percent)); });
    });
  }

  function busy() {
    var active = document.activeElement;
    return active && /INPUT|TEXTAREA|SELECT/.test(active.tagName);
  }

  function refreshSections(name, data) {
    // The first message after loading is the state the page was rendered with; after that, only a
    // change is fetched (a reconnect's snapshot of the same state is not). `seq` counts every change
    // of the workshop, not of this list.
    var state = Object.assign({}, data);
    delete state.seq;
    state = JSON.stringify(state);
    if (!(name in seen)) { seen[name] = state; return; }
    if (seen[name] === state || busy() || !root.querySelector("[data-live-section]")) { return; }
    seen[name] = state;  // (while busy it stays behind: the next message fetches)
    fetch(window.location.pathname, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      root.querySelectorAll("[data-live-section]").forEach(function (section) {
        var replacement = fresh.getElementById(section.id);
        if (replacement) { section.replaceWith(document.importNode(replacement, true)); }
      });
    });
  }

  Paja.connect({ role: "facilitator", session: parseInt(root.dataset.session, 10) }, {
    registrations: showHeadcount,
    feedback: showFeedback,
    leaderboard: function (data) { refreshSections("leaderboard", data); },
    nominations: function (data) { refreshSections("nominations", data); },
    logged_out: function () { window.location.reload(); }
  });
})();
