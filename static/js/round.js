/* Facilitator's round page: late arrivals appear in their group as they are placed. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }
  var round = parseInt(root.dataset.round, 10);

  Paja.connect({ role: "facilitator", session: parseInt(root.dataset.session, 10) }, {
    late_arrival: function (data) {
      if (data.round !== round) { return; }
      var name = data.name || Paja.text("ui-round-texts", "anonymous");
      var list = document.querySelector("#group-" + data.group + " .members");
      if (list) {
        // Like the other members (name, then a note); its Move control comes with the next page load.
        var li = document.createElement("li");
        li.className = "late-arrival";
        var strong = document.createElement("span");
        strong.className = "member-name";
        strong.textContent = name;
        var meta = document.createElement("span");
        meta.className = "member-meta";
        meta.textContent = Paja.text("ui-round-texts", "arrived");
        li.appendChild(strong);
        li.appendChild(meta);
        list.appendChild(li);
      }
      document.getElementById("round-notice").textContent = Paja.text("ui-round-texts", "late")
        .replace("{name}", name).replace("{n}", String(data.group));
    },
    logged_out: function () { window.location.reload(); }
  });
})();
