/* Facilitator's flipchart page: new notes and voting progress live; arrow keys run the presentation. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }

  function t(key) { return Paja.text("board-fac-texts", key); }

  Paja.connect({ role: "facilitator", session: parseInt(root.dataset.session, 10) }, {
    note: function (note) {
      var existing = document.getElementById("note-" + note.id);
      if (existing) {
        existing.querySelector(".note-text").textContent = note.text;
        existing.classList.toggle("is-hidden", !!note.hidden);
        return;
      }
      var list = root.querySelector(".fac-notes[data-group='" + note.group + "']");
      if (!list) { return; }
      var li = document.createElement("li");
      li.id = "note-" + note.id;
      li.className = "fac-note is-new";
      var p = document.createElement("p");
      p.className = "note-text";
      p.textContent = note.text;
      li.appendChild(p);
      list.appendChild(li);
      document.getElementById("board-notice").textContent = t("changed");
    },
    note_removed: function (data) {
      // The writer deleted it: its moderation forms would only answer "not found" now.
      var li = document.getElementById("note-" + data.id);
      if (li) { li.remove(); }
    },
    vote_progress: function (p) {
      var el = root.querySelector("[data-progress='" + p.number + "']");
      if (el) { el.textContent = t("progress").replace("{voters}", String(p.voters)).replace("{members}", String(p.members)); }
      var waiting = root.querySelector("[data-waiting='" + p.number + "']");
      if (waiting) {
        waiting.textContent = t("waiting").replace("{n}", String(p.waiting_without_phone || 0));
        waiting.hidden = !(p.state === "open" && p.waiting_without_phone);
      }
    },
    phase: function (data) {
      var el = document.getElementById("current-phase");
      if (el) { el.textContent = Paja.text("phase-names", data.phase); }
    },
    logged_out: function () { window.location.reload(); }
  });

  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var button = document.querySelector(".present-controls button[data-key='" + event.key + "']");
    if (button) { event.preventDefault(); button.click(); }
  });
})();
