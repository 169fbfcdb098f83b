/* Facilitator's team page: says so when the team changed elsewhere (another page, an accepted invitation). */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }
  var version = root.dataset.teamVersion;
  Paja.connect({ role: "facilitator", session: parseInt(root.dataset.session, 10) }, {
    team: function (data) {
      if (data.version !== version) { document.getElementById("team-changed").hidden = false; }
    },
    logged_out: function () { window.location.reload(); }
  });
})();
