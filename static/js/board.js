/* The group's flipchart on the phone: live notes, an outbox that survives bad networks, votes. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || !window.Paja) { return; }
  var me = board.dataset.me || null;  // this phone's author tag in its group (never a row id)
  var code = board.dataset.code;
  var list = document.getElementById("notes");
  var template = document.getElementById("note-template");
  var form = document.getElementById("add-note-form");
  var textarea = document.getElementById("note-text");
  var outboxList = document.getElementById("outbox");
  var announcer = document.getElementById("notes-announcer");
  var pauseButton = document.getElementById("pause-notes");
  var showButton = document.getElementById("show-new-notes");
  var errorBox = document.getElementById("board-error");
  var outboxKey = "paja-outbox-" + code + "-" + me;

  var state = { voting: board.dataset.voting, writing: board.dataset.writing === "true", myVotes: [], perPerson: 3, tallies: null, group: null };
  var hooks = Paja.board = { state: state, member: function () { return ""; }, votes: function () { return state.myVotes; },
    mine: function (n) { return n.author === me || n.scribe === me; }, me: function () { return me; }, refresh: function () { setMyVotes(state.myVotes); } };
  var paused = false;
  var queued = [];
  var unannounced = 0;
  var announceTimer = null;

  function t(key, n) { return Paja.text("board-texts", key).replace("{n}", String(n)); }

  function socket() { return Paja.socket; }

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }

  // --- rendering -----------------------------------------------------------------------------

  function noteAction(id, action) { return "/" + code + "/notes/" + id + "/" + action; }

  function fillItem(li, note) {
    var mine = hooks.mine(note);
    li.dataset.id = String(note.id);
    li.classList.toggle("mine", mine);
    li.querySelector(".note-text").textContent = note.text;
    li.querySelector(".note-meta").hidden = !mine;
    var edit = li.querySelector(".note-edit");
    edit.hidden = !(mine && state.writing);
    var editForm = li.querySelector(".edit-form");
    editForm.action = noteAction(note.id, "edit");
    var area = editForm.querySelector("textarea");
    area.id = "edit-" + note.id;
    editForm.querySelector("label").htmlFor = area.id;
    if (document.activeElement !== area) { area.value = note.text; }
    li.querySelector(".delete-form").action = noteAction(note.id, "delete");
    var voteForm = li.querySelector(".vote-form");
    voteForm.action = noteAction(note.id, "vote");
    voteForm.hidden = state.voting !== "open";
    li.querySelector(".vote-note").textContent = ": " + note.text.slice(0, 60);
    li.querySelector(".edit-note").textContent = ": " + note.text.slice(0, 40);  // which note the summary opens
    showVotes(li);
    updateVoteButton(li);
    if (hooks.fill) { hooks.fill(li, note); }
  }

  // Vote counts only when the server sent them (running counts live, or revealed); never guessed here.
  function showVotes(li) {
    var votes = li.querySelector(".note-votes");
    if (state.tallies) {
      votes.textContent = t("votes", state.tallies[li.dataset.id] || 0);
      votes.hidden = false;
    } else {
      votes.hidden = true;
    }
  }

  function newItem(note) {
    var li = template.content.firstElementChild.cloneNode(true);
    fillItem(li, note);
    return li;
  }

  function itemOf(id) { return list.querySelector("li[data-id='" + id + "']"); }

  function updateVoteButton(li) {
    var id = parseInt(li.dataset.id, 10);
    var count = hooks.votes().filter(function (v) { return v === id; }).length;
    var button = li.querySelector(".vote-button");
    if (!button) { return; }
    button.setAttribute("aria-pressed", count ? "true" : "false");
    var label = button.querySelector(".vote-label");
    if (label) { label.textContent = count ? t("voted") + (count > 1 ? " ×" + count : "") : t("vote"); }
    var on = li.querySelector(".vote-form input[name='on']");
    if (on) { on.value = count ? "0" : "1"; }
  }

  function updateVotesLeft() {
    var left = state.perPerson - hooks.votes().length;
    var el = document.getElementById("votes-left");
    el.hidden = state.voting !== "open";
    Paja.say(el, (hooks.left && hooks.left(left)) || (left === 0 ? t("left0") : (left === 1 ? t("left1") : t("leftN", left))));
  }

  var hasQuestion = board.dataset.question === "true";

  function updateEmpty() {
    // "Write the first one!" only once the group has its question, and only while it can write.
    document.getElementById("no-notes").hidden = list.children.length > 0 || !hasQuestion || !state.writing;
  }

  function renderTop(top) {
    var section = document.getElementById("top-three");
    if (!top) { section.hidden = true; return; }
    var ol = document.getElementById("top-list");
    ol.replaceChildren.apply(ol, top.places.map(function (p) {
      var li = document.createElement("li");
      li.textContent = p.text + " (" + t("votes", p.votes) + ")";
      return li;
    }));
    var tied = document.getElementById("tied-list");
    tied.replaceChildren.apply(tied, top.tied.map(function (p) {
      var li = document.createElement("li");
      li.textContent = p.text;
      return li;
    }));
    document.getElementById("top-tied").hidden = top.tied.length === 0;
    section.hidden = false;
  }

  function renderBoard(data) {
    board.hidden = false;
    state.voting = data.voting;
    state.perPerson = data.votes_per_person;
    state.tallies = data.tallies || null;
    state.group = data.group;
    board.dataset.voting = data.voting;
    updateWriting();
    document.getElementById("board-question").textContent = data.question || t("noquestion");
    hasQuestion = Boolean(data.question);
    // Keep focus on the same control of the same note across the re-render.
    var active = document.activeElement;
    var activeLi = active && active.closest ? active.closest("#notes li") : null;
    var focusId = activeLi ? activeLi.dataset.id : null;
    var focusClass = active ? active.className : null;
    queued = [];
    list.replaceChildren.apply(list, data.notes.map(newItem));
    if (focusId) {
      var again = itemOf(focusId);
      var target = again && focusClass ? again.querySelector("." + focusClass.split(" ")[0]) : null;
      if (target) { target.focus(); }
    }
    updateEmpty();
    updateVotesLeft();
    renderTop(data.top);
    updatePauseControls();
  }

  // --- new notes: announced in batches, never moving what the reader is on -------------------

  function announce() {
    announceTimer = null;
    if (unannounced > 0) {
      var message = unannounced === 1 ? t("new1") : t("newN", unannounced);
      unannounced = 0;
      // Empty first: the same words again ("1 new note") are a new message, not an unchanged region.
      announcer.textContent = "";
      setTimeout(function () { announcer.textContent = message; }, 100);
    }
  }

  function noteArrived(note) {
    var existing = itemOf(note.id);
    if (existing) { fillItem(existing, note); return; }
    if (paused && !hooks.mine(note)) {
      queued.push(note);
      updatePauseControls();
      return;
    }
    list.appendChild(newItem(note));
    updateEmpty();
    if (!hooks.mine(note)) {
      unannounced += 1;
      if (!announceTimer) { announceTimer = setTimeout(announce, 4000); }
    }
  }

  function updatePauseControls() {
    if (!state.writing && (paused || queued.length)) {  // no new notes can come: nothing left to hold back
      paused = false;
      flushQueued();
    }
    pauseButton.hidden = !state.writing;
    pauseButton.setAttribute("aria-pressed", paused ? "true" : "false");
    showButton.hidden = queued.length === 0;
    showButton.textContent = t("show", queued.length);
  }

  pauseButton.addEventListener("click", function () {
    paused = !paused;
    if (!paused) { flushQueued(); }
    updatePauseControls();
  });
  showButton.addEventListener("click", function () {
    flushQueued();
    updatePauseControls();
    pauseButton.focus();  // the button just hid itself; keep the reader's place next to it
  });

  function flushQueued() {
    queued.forEach(function (n) { if (!itemOf(n.id)) { list.appendChild(newItem(n)); } });
    queued = [];
    updateEmpty();
  }

  // --- outbox: every note is kept in the browser until the server has acknowledged it --------

  function loadOutbox() {
    try { return JSON.parse(localStorage.getItem(outboxKey) || "[]"); } catch (e) { return []; }
  }

  function saveOutbox(items) {
    try { localStorage.setItem(outboxKey, JSON.stringify(items)); } catch (e) { /* private mode: memory only */ }
    memoryOutbox = items;
  }

  var memoryOutbox = loadOutbox();

  function renderOutbox() {
    outboxList.replaceChildren.apply(outboxList, memoryOutbox.map(function (item) {
      var li = document.createElement("li");
      li.textContent = item.text + " – " + t("sending");
      return li;
    }));
    outboxList.hidden = memoryOutbox.length === 0;
    // "1 muistiinpano odottaa yhteyttä": said once per change of the count, only while offline (a note
    // sent at once is not "waiting"); said again when the connection drops with notes still here.
    var n = memoryOutbox.length;
    var offline = !(socket() && socket().connected);
    Paja.say("outbox-status", n === 0 || !offline ? "" : (n === 1 ? t("waiting1") : t("waitingN", n)));
  }
  Paja.on("disconnect", renderOutbox);

  function newClientId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function removeFromOutbox(clientId) {
    saveOutbox(memoryOutbox.filter(function (i) { return i.client_id !== clientId; }));
    renderOutbox();
  }

  function sendItem(item) {
    var s = socket();
    if (!s || !s.connected) { return; }
    s.timeout(10000).emit("note_add", item, function (err, res) {
      if (err) {  // no answer: stays in the outbox; re-sent on reconnect, or soon if still connected
        setTimeout(function () {
          var stillWaiting = memoryOutbox.some(function (i) { return i.client_id === item.client_id; });
          if (stillWaiting) { sendItem(item); }
        }, 3000);
        return;
      }
      removeFromOutbox(item.client_id);
      if (res && res.ok && res.held) {
        showError(res.notice);  // held by the word filter: not on the group's board until approved
      } else if (res && res.ok) {
        noteArrived(res.note);
      } else if (res) {
        showError(res.error);
        if (!textarea.value) { textarea.value = item.text; updateCount(); }
      }
    });
  }

  function flushOutbox() { memoryOutbox.forEach(sendItem); }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = textarea.value.trim();
    if (!text) { textarea.focus(); return; }
    showError("");
    var item = { client_id: newClientId(), text: text, member: hooks.member() };
    saveOutbox(memoryOutbox.concat([item]));
    renderOutbox();
    textarea.value = "";
    updateCount();
    sendItem(item);
    textarea.focus();
  });

  function updateCount() {
    var count = document.getElementById("note-count");
    count.textContent = textarea.value.length > 200 ? t("chars", 280 - textarea.value.length) : "";
  }
  textarea.addEventListener("input", updateCount);

  // --- own notes and votes ---------------------------------------------------------------------

  list.addEventListener("submit", function (event) {
    var f = event.target;
    var li = f.closest("li");
    var s = socket();
    if (!li || !s || !s.connected) { return; }  // without a connection the form posts normally
    event.preventDefault();
    var id = parseInt(li.dataset.id, 10);
    showError("");
    if (f.classList.contains("vote-form")) {
      var on = f.querySelector("input[name='on']").value === "1";
      s.timeout(10000).emit("vote", { note_id: id, on: on, member: hooks.member() }, function (err, res) {
        if (err) { return; }
        if (res && res.for) { hooks.voted(res); } else if (res && res.ok) { setMyVotes(res.note_ids, res.remaining); } else if (res) { showError(res.error); }
      });
    } else if (f.classList.contains("edit-form")) {
      s.timeout(10000).emit("note_edit", { id: id, text: f.querySelector("textarea").value }, function (err, res) {
        if (err) { return; }
        if (res && res.ok && res.held) { li.remove(); updateEmpty(); showError(res.notice); return; }
        if (res && res.ok) { fillItem(li, res.note); li.querySelector("details").open = false; } else if (res) { showError(res.error); }
      });
    } else if (f.classList.contains("delete-form")) {
      s.timeout(10000).emit("note_delete", { id: id }, function (err, res) {
        if (err) { return; }
        if (res && res.ok) { li.remove(); updateEmpty(); textarea.focus(); } else if (res) { showError(res.error); }
      });
    }
  });

  function setMyVotes(ids, remaining) {
    state.myVotes = ids;
    list.querySelectorAll("li").forEach(updateVoteButton);
    updateVotesLeft();
  }

  // --- live events ---------------------------------------------------------------------------

  Paja.on("connect", flushOutbox);
  Paja.on("board", renderBoard);
  Paja.on("note", noteArrived);
  Paja.on("note_removed", function (data) {
    var li = itemOf(data.id);
    if (li) { li.remove(); updateEmpty(); }
    queued = queued.filter(function (n) { return n.id !== data.id; });
    updatePauseControls();
  });
  Paja.on("vote_tallies", function (data) {
    if (data.group !== state.group) { return; }
    state.tallies = data.tallies;
    list.querySelectorAll("li").forEach(showVotes);
  });
  Paja.on("scribe", function (data) {
    if (hooks.scribe) { hooks.scribe(data); return; }
    if (data.members.length && !hooks.data) {
      var js = document.createElement("script");
      js.src = "/static/js/scribe.js";  // revalidated by its ETag (no hashed URL in the page: its bytes)
      document.head.appendChild(js);
    }
    hooks.data = data;
  });
  Paja.on("my_votes", function (data) {
    if (data.me) { me = data.me; }  // a new group gives this phone a new tag
    setMyVotes(data.note_ids, data.remaining);
  });
  // A new group (a new round, or the facilitator moved me) has another flipchart: ask for it once.
  // The answer to "sync" repeats the same group, so only a change of group may ask again.
  var groupKey = board.dataset.groupKey || "";
  Paja.on("group", function (g) {
    var key = g.round + "-" + g.number;
    if (key === groupKey) { return; }
    groupKey = key;
    if (socket()) { socket().emit("sync"); }
  });
  var phase = document.getElementById("live-root").dataset.phase;

  function updateWriting() {
    state.writing = (phase === "groupwork" || phase === "voting") && state.voting === "not_started";
    form.hidden = !state.writing;
    list.querySelectorAll(".note-edit").forEach(function (d) {
      d.hidden = !(state.writing && d.closest("li").classList.contains("mine"));
    });
  }

  Paja.on("phase", function (data) { phase = data.phase; updateWriting(); updatePauseControls(); updateEmpty(); });

  Paja.on("presentation", function (data) {
    var section = document.getElementById("phone-presentation");
    var body = document.getElementById("pp-body");
    var nodes = [];
    data.groups.forEach(function (g) {
      var h = document.createElement("h3");
      h.className = "group-title colour-" + g.colour;
      var colourName = document.querySelector("#group-texts [data-colour='" + g.colour + "']");
      h.textContent = t("groupN", g.number) + (colourName ? " · " + colourName.textContent : "");
      nodes.push(h);
      if (g.question) {
        var q = document.createElement("p");
        q.className = "question";
        q.textContent = g.question;
        nodes.push(q);
      }
      var ol = document.createElement("ol");
      g.top.places.forEach(function (p) { var li = document.createElement("li"); li.textContent = p.text; ol.appendChild(li); });
      nodes.push(ol);
    });
    body.replaceChildren.apply(body, nodes);
    section.hidden = data.showing === null || nodes.length === 0;
  });

  renderOutbox();
  updatePauseControls();
  updateCount();
})();
