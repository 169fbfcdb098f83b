/* Projector in the plan phase: each municipality's actions appear as they are agreed. */
(function () {
  "use strict";
  var grid = document.getElementById("plans-grid");
  if (!grid || !window.Paja) { return; }

  Paja.on("plans", function (data) {
    grid.querySelectorAll(".screen-plan").forEach(function (section) {
      var code = section.dataset.municipality;
      var ul = section.querySelector(".screen-plan-items");
      ul.replaceChildren.apply(ul, data.items.filter(function (i) { return i.municipality === code; }).map(function (i) {
        var li = document.createElement("li");
        var what = document.createElement("span");
        what.className = "plan-what";
        what.textContent = i.what;
        li.appendChild(what);
        if (i.owner || i.due) {
          var meta = document.createElement("span");
          meta.className = "plan-meta";
          meta.textContent = " – " + (i.owner || "") + (i.due ? " · " + i.due : "");
          li.appendChild(meta);
        }
        return li;
      }));
    });
  });
})();
