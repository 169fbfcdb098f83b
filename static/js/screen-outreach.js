/* Projector: feedback count and results, carpool leaderboard and good deed nominations, live. */
(function () {
  "use strict";
  var wrap = document.getElementById("screen-outreach");
  if (!wrap || !window.Paja) { return; }
  var phase = (document.getElementById("live-root") || {}).dataset.phase;

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function layout() {
    var panel = wrap.dataset.panel;
    document.getElementById("screen-feedback").hidden = !(phase === "feedback" || panel === "feedback_results");
    document.getElementById("screen-feedback-results").hidden = panel !== "feedback_results";
    document.getElementById("screen-leaderboard").hidden = panel !== "carpool";
    document.getElementById("screen-nominations").hidden = panel !== "good_deed";
  }

  function setText(selector, value) {
    wrap.querySelectorAll(selector).forEach(function (node) { node.textContent = String(value); });
  }

  function showFeedback(data) {
    document.getElementById("screen-feedback-count").textContent = String(data.count);
    setText("[data-feedback='count']", data.count);
    setText("[data-feedback='average']", data.average === null ? "–" : data.average);
    [["overall", data.overall], ["again", data.come_again]].forEach(function (pair) {
      pair[1].forEach(function (o) {
        setText("[data-feedback='" + pair[0] + "-" + o.value + "']", o.count);
        wrap.querySelectorAll("[data-feedback-bar='" + pair[0] + "-" + o.value + "']").forEach(function (r) {
          r.setAttribute("width", String(o.percent));
        });
      });
    });
  }

  function showLeaderboard(data) {
    document.getElementById("leaderboard-km").textContent = String(data.combined_km);
    document.getElementById("leaderboard-co2").textContent = String(data.co2_kg);
    var body = document.getElementById("leaderboard-rows");
    body.replaceChildren.apply(body, data.cars.slice(0, 10).map(function (c) {
      var tr = el("tr");
      [c.rank, c.name, c.passengers, c.combined_km, c.co2_kg].forEach(function (v) { tr.appendChild(el("td", String(v))); });
      return tr;
    }));
  }

  function showNominations(data) {
    var list = document.getElementById("nomination-rows");
    list.replaceChildren.apply(list, data.nominations.map(function (n) {
      var li = el("li");
      li.appendChild(el("strong", n.nominee));
      li.appendChild(document.createTextNode((n.picked ? " – " + Paja.text("outreach-texts", "winner") : "") + ": " + n.deed + " "));
      li.appendChild(el("span", "(" + Paja.text("outreach-texts", "votes").replace("{n}", String(n.votes)) + ")"));
      li.lastChild.className = "meta";
      return li;
    }));
  }

  Paja.on("feedback", showFeedback);
  Paja.on("leaderboard", showLeaderboard);
  Paja.on("nominations", showNominations);
  Paja.on("screen_panel", function (data) { wrap.dataset.panel = data.panel || ""; layout(); });
  Paja.on("phase", function (data) { phase = data.phase; layout(); });
})();
