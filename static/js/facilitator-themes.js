/* Facilitator's common themes page: says so when another facilitator's page changed the themes. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }
  var seq = parseInt(root.dataset.seq, 10) || 0;
  Paja.connect({ role: "facilitator", session: parseInt(root.dataset.session, 10) }, {
    common_themes: function (data) {
      if (data.seq > seq) { document.getElementById("themes-changed").hidden = false; }
    },
    logged_out: function () { window.location.reload(); }
  });
})();
