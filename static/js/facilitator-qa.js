/* The facilitator's Q&A page: says so when questions, votes or another facilitator's changes arrive. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }
  var seq = parseInt(root.dataset.seq, 10) || 0;
  Paja.connect({ role: "facilitator", session: parseInt(root.dataset.session, 10) }, {
    qa: function (data) {
      if (data.seq > seq) { document.getElementById("qa-changed").hidden = false; }
    },
    logged_out: function () { window.location.reload(); }
  });
})();
