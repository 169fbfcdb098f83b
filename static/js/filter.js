/* Filters a long checkbox list (municipalities) by a search box. */
(function () {
  "use strict";
  document.querySelectorAll("input[data-filter-target]").forEach(function (input) {
    var list = document.getElementById(input.dataset.filterTarget);
    var status = document.getElementById(input.id + "-status");
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      list.querySelectorAll("li").forEach(function (li) {
        var match = !q || li.dataset.name.indexOf(q) !== -1 || li.querySelector("input").checked;
        li.hidden = !match;
        if (match) { shown += 1; }
      });
      if (status) { status.textContent = q ? String(shown) + " / " + String(list.children.length) : ""; }
    });
  });
})();
