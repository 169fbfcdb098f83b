/* A facilitator page that is not redrawn live (Q&A, common themes, team): says so when a change to what
   it shows arrives from elsewhere. The page names the event (data-live-event on #live-root) and what it
   was drawn from: a sequence number (data-seq: the event's is newer) or a version (data-version: the
   event's differs). The notice is the element marked data-changed-notice. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  var notice = document.querySelector("[data-changed-notice]");
  if (!root || !notice || !window.Paja) { return; }
  var seq = parseInt(root.dataset.seq, 10) || 0;
  var version = root.dataset.version;
  var handlers = { logged_out: function () { window.location.reload(); } };
  handlers[root.dataset.liveEvent] = function (data) {
    if (version !== undefined ? data.version !== version : data.seq > seq) { notice.hidden = false; }
  };
  Paja.connect({ role: "facilitator", session: parseInt(root.dataset.session, 10) }, handlers);
})();
