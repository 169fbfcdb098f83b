/* Phone: the feedback survey appears in the feedback phase; the good deed vote when it opens. */
(function () {
  "use strict";
  if (!window.Paja || !document.getElementById("feedback")) { return; }

  function refresh(id, show) {
    var section = document.getElementById(id);
    var active = document.activeElement;
    if (active && section.contains(active) && /INPUT|TEXTAREA|SELECT/.test(active.tagName)) { return; }
    fetch(window.location.pathname, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(id);
      var current = document.getElementById(id);
      if (fresh && current) {
        var copy = document.importNode(fresh, true);
        copy.hidden = !show;
        current.replaceWith(copy);
      }
    });
  }

  Paja.on("phase", function (data) {
    var section = document.getElementById("feedback");
    var show = data.phase === "feedback";
    if (show && section.hidden) { refresh("feedback", true); }
    section.hidden = !show;
  });
  Paja.on("good_deed", function (data) {
    var section = document.getElementById("good-deed");
    if (data.voting !== !section.hidden) { refresh("good-deed", data.voting); }
  });
})();
