/* The scribe: a phone writes and votes for its group's members without a phone (loaded by board.js
   only for such a group). The chosen member's notes are theirs; their three votes are their own. */
(function () {
  "use strict";
  var hooks = window.Paja && Paja.board;
  if (!hooks || hooks.scribe) { return; }
  var list = document.getElementById("notes");
  var form = document.getElementById("add-note-form");
  var scribe = { acting: "", members: [] };
  var section = null;

  function t(key, n, name) {
    return Paja.text("scribe-texts", key).replace("{n}", String(n)).replace("{name}", name || "");
  }

  function memberOf(tag) {
    for (var i = 0; i < scribe.members.length; i += 1) {
      if (scribe.members[i].for === tag) { return scribe.members[i]; }
    }
    return null;
  }

  function acting() { return scribe.acting ? memberOf(scribe.acting) : null; }

  // A form posts `member` when the phone has no connection (or no script runs): keep it with the choice.
  function memberInput(f) {
    var input = f.querySelector("input[name='member']");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "member";
      f.appendChild(input);
    }
    input.value = scribe.acting;
  }

  hooks.member = function () { return acting() ? scribe.acting : ""; };
  hooks.votes = function () { var m = acting(); return m ? m.note_ids : hooks.state.myVotes; };
  hooks.left = function (left) {
    var m = acting();
    if (!m) { return null; }
    return left === 0 ? t("forLeft0", 0, m.name) : (left === 1 ? t("forLeft1", 1, m.name) : t("forLeftN", left, m.name));
  };
  hooks.voted = function (res) {
    var m = memberOf(res.for);
    if (m) { m.note_ids = res.note_ids; m.remaining = res.remaining; }
    hooks.refresh();
  };
  hooks.fill = function (li, note) {
    li.dataset.author = note.author || "";
    li.dataset.scribe = note.scribe || "";
    var writtenFor = note.scribe && note.scribe === hooks.me() ? memberOf(note.author) : null;
    if (writtenFor && section) { li.querySelector(".note-meta").textContent = t("wroteFor", 0, writtenFor.name); }
    memberInput(li.querySelector(".vote-form"));
  };

  function update(announce) {
    if (!section) { return; }
    var m = acting();
    if (!m) { scribe.acting = ""; }
    var state = hooks.state;
    section.hidden = scribe.members.length === 0 || !(state.writing || state.voting === "open");
    memberInput(form);
    form.querySelector("label[for='note-text']").textContent = m ? t("noteFor", 0, m.name) : t("noteOwn");
    var status = document.getElementById("scribe-state");
    if (announce) {
      Paja.say(status, m ? t("acting", 0, m.name) : t("self"));
    } else if (!m) {
      Paja.say(status, "");
    }
    list.querySelectorAll("li").forEach(function (li) {
      var writtenFor = li.dataset.scribe && li.dataset.scribe === hooks.me() ? memberOf(li.dataset.author) : null;
      if (writtenFor) { li.querySelector(".note-meta").textContent = t("wroteFor", 0, writtenFor.name); }
      memberInput(li.querySelector(".vote-form"));
    });
    hooks.refresh();
  }

  function render(data) {
    scribe.members = data.members || [];
    if (!section) { return; }
    var select = document.getElementById("scribe-member");
    var options = [select.options[0]];
    scribe.members.forEach(function (m) {
      var option = document.createElement("option");
      option.value = m.for;
      option.textContent = t("withoutPhone", 0, m.name);
      options.push(option);
    });
    select.replaceChildren.apply(select, options);
    select.value = memberOf(scribe.acting) ? scribe.acting : "";
    update(false);
  }

  function start(found) {
    section = found;
    scribe.acting = section.dataset.acting || "";
    document.getElementById("scribe-form").addEventListener("submit", function (event) {
      event.preventDefault();  // no reload: this page now writes and votes for the chosen member
      scribe.acting = document.getElementById("scribe-member").value;
      var url = new URL(window.location.href);
      if (scribe.acting) { url.searchParams.set("member", scribe.acting); } else { url.searchParams.delete("member"); }
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
      update(true);
    });
    render(scribe);
  }

  hooks.scribe = render;
  Paja.on("board", function (data) {
    // A group without members without a phone gets no "scribe" message: nobody to write for.
    if (!(data.progress && data.progress.without_phone)) { render({ members: [] }); } else { update(false); }
  });
  Paja.on("phase", function () { update(false); });

  if (hooks.data) { scribe.members = hooks.data.members; }
  var here = document.getElementById("scribe");
  if (here) {
    start(here);
  } else {
    // Such a member joined the group after this page was loaded: the page as it is now has the choice.
    fetch(window.location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var found = new DOMParser().parseFromString(html, "text/html").getElementById("scribe");
      if (!found || document.getElementById("scribe")) { return; }
      document.getElementById("votes-left").before(found);
      start(found);
    }).catch(function () { /* offline: the next page load shows the choice */ });
  }
})();
