/* Polls and word clouds: phones answer, the projector and the facilitator's poll page follow results.
   Phone and projector use the page's socket (Paja.on); the facilitator's poll page connects itself.
   Text is set with textContent and attributes with setAttribute: no innerHTML, no inline styles. */
(function () {
  "use strict";
  var root = document.getElementById("live-root");
  if (!root || !window.Paja) { return; }
  var SVG = "http://www.w3.org/2000/svg";
  var lastSeq = { poll: -1, poll_results: -1 };

  function fresh(name, data) {
    // An older message (another worker, a slow path) must not overwrite a newer state.
    if (typeof data.seq === "number") {
      if (data.seq < lastSeq[name]) { return false; }
      lastSeq[name] = data.seq;
    }
    return true;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  function fill(template, values) {
    return Object.keys(values).reduce(function (s, k) { return s.split("{" + k + "}").join(String(values[k])); }, template);
  }

  // --- results (projector and facilitator): the same markup as templates/_poll_results.html ---

  function resultsBox(r) {
    var box = el("div", "poll-results poll-" + r.kind + (r.hidden ? " poll-hidden" : ""));
    box.setAttribute("data-poll-results", String(r.id));
    box.setAttribute("aria-live", "polite");
    if (r.hidden) {  // not revealed yet: the server sent only how many have answered
      box.appendChild(el("p", "poll-waiting", Paja.text("poll-texts", "waiting")));
    } else if (r.kind === "choice") {
      var list = el("ol", "poll-bars");
      r.options.forEach(function (o) {
        var li = el("li", "poll-bar");
        li.appendChild(el("span", "poll-option", o.text));
        var chart = svg("svg", { "class": "poll-bar-chart", viewBox: "0 0 100 10", preserveAspectRatio: "none",
                                 "aria-hidden": "true", focusable: "false" });
        chart.appendChild(svg("rect", { "class": "poll-bar-track", x: 0, y: 0, width: 100, height: 10 }));
        chart.appendChild(svg("rect", { "class": "poll-bar-fill", x: 0, y: 0, width: o.percent, height: 10 }));
        li.appendChild(chart);
        li.appendChild(el("span", "poll-count", fill(Paja.text("poll-texts", "count"), { n: o.count, p: o.percent })));
        list.appendChild(li);
      });
      box.appendChild(list);
    } else {
      var cloud = el("ul", "word-cloud");
      r.words.forEach(function (w) {
        var li = el("li", "w" + w.size);
        li.appendChild(el("span", "word", w.word));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", "word-count", String(w.count)));
        cloud.appendChild(li);
      });
      box.appendChild(cloud);
    }
    box.appendChild(el("p", "poll-total", fill(Paja.text("poll-texts", "total"), { n: r.total })));
    return box;
  }

  function replaceResults(old, r) {
    // Keep the live region itself, so screen readers keep following it; swap its children only.
    var box = resultsBox(r);
    old.className = box.className;
    old.replaceChildren.apply(old, Array.prototype.slice.call(box.childNodes));
  }

  function showScreenPoll(data) {
    if (!fresh("poll_results", data)) { return; }
    var section = document.getElementById("screen-poll");
    if (!section) { return; }
    var r = data.poll;
    section.hidden = !r;
    if (!r) { section.removeAttribute("data-poll"); return; }
    section.setAttribute("data-state", r.open ? "open" : "closed");
    document.getElementById("screen-poll-question").textContent = r.question;
    document.getElementById("screen-poll-status").textContent = Paja.text("poll-texts", r.open ? "open" : "closed");
    var holder = document.getElementById("screen-poll-results");
    var old = holder.querySelector(".poll-results");
    if (old && section.getAttribute("data-poll") === String(r.id)) { replaceResults(old, r); }
    else { holder.replaceChildren(resultsBox(r)); }
    section.setAttribute("data-poll", String(r.id));
  }

  function showFacilitatorResults(data) {
    if (!data.poll) { return; }
    var old = document.querySelector("[data-poll-results='" + data.poll.id + "']");
    if (old) { replaceResults(old, data.poll); }
  }

  // --- phone ----------------------------------------------------------------------------------

  var card = document.getElementById("poll");
  var form = document.getElementById("poll-form");
  var shown = null;  // the poll on the phone now: {id, kind, options, ...}

  function phoneText(key) { return Paja.text("poll-phone-texts", key); }

  function setError(message) {
    var error = document.getElementById("poll-error");
    error.textContent = message || "";
    if (message) { Paja.say("poll-saved", ""); }
    var input = document.getElementById("poll-text");
    if (input) {
      if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    }
  }

  function buildFields(poll) {
    var fields = document.getElementById("poll-fields");
    var nodes = [];
    if (poll.kind === "choice") {
      var set = el("fieldset", "field radios");
      set.setAttribute("aria-describedby", "poll-error");
      set.appendChild(el("legend", "poll-question", poll.question));
      poll.options.forEach(function (text, i) {
        var row = el("div", "choice");
        var radio = el("input");
        radio.setAttribute("type", "radio");
        radio.setAttribute("name", "choice");
        radio.setAttribute("id", "poll-choice-" + i);
        radio.setAttribute("value", String(i));
        var label = el("label", null, text);
        label.setAttribute("for", "poll-choice-" + i);
        row.appendChild(radio);
        row.appendChild(document.createTextNode(" "));
        row.appendChild(label);
        set.appendChild(row);
      });
      nodes.push(set);
    } else {
      var field = el("div", "field");
      var label2 = el("label", "poll-question", poll.question);
      label2.setAttribute("for", "poll-text");
      var hint = el("p", "hint", phoneText("hint"));
      hint.setAttribute("id", "poll-text-hint");
      var input = el("input");
      input.setAttribute("type", "text");
      input.setAttribute("name", "text");
      input.setAttribute("id", "poll-text");
      input.setAttribute("maxlength", String(poll.max_length || 60));
      input.setAttribute("autocomplete", "off");
      input.setAttribute("aria-describedby", "poll-text-hint poll-error");
      field.appendChild(label2);
      field.appendChild(hint);
      field.appendChild(input);
      nodes.push(field);
    }
    fields.replaceChildren.apply(fields, nodes);
    document.getElementById("poll-submit").textContent = phoneText(poll.kind === "choice" ? "save" : "add");
  }

  function showMine(mine, justSaved) {
    if (!shown || !mine) { return; }
    var saved = document.getElementById("poll-saved");
    var submit = document.getElementById("poll-submit");
    if (shown.kind === "choice") {
      form.querySelectorAll("input[name='choice']").forEach(function (r) { r.checked = String(mine.choice) === r.value; });
      Paja.say(saved, mine.choice === null || mine.choice === undefined ? "" : phoneText("saved"));
      return;
    }
    var list = document.getElementById("poll-mine");
    list.replaceChildren.apply(list, mine.words.map(function (w) { return el("li", null, w); }));
    document.getElementById("poll-mine-wrap").hidden = mine.words.length === 0;
    var full = mine.left <= 0;
    var input = document.getElementById("poll-text");
    if (input) { input.disabled = full; }
    submit.disabled = full;
    Paja.say(saved, full ? phoneText("full") : (justSaved ? phoneText("added") : ""));
  }

  function showPhonePoll(data) {
    if (!card || !fresh("poll", data)) { return; }
    var poll = data.poll;
    if (!poll) {
      shown = null;
      card.hidden = true;
      form.hidden = true;
      setError("");
      return;
    }
    if (!shown || shown.id !== poll.id) {
      shown = poll;
      card.setAttribute("data-poll", String(poll.id));
      card.setAttribute("data-kind", poll.kind);
      document.getElementById("poll-id").value = String(poll.id);
      buildFields(poll);
      setError("");
      Paja.say("poll-saved", "");
      document.getElementById("poll-submit").disabled = false;
    }
    card.hidden = false;
    form.hidden = false;
    showMine(data.mine);
  }

  function answer(ev) {
    var socket = Paja.socket;
    if (!shown || !socket || !socket.connected) { return; }  // no live connection: the form posts itself
    ev.preventDefault();
    var payload = { poll: shown.id };
    if (shown.kind === "choice") {
      var checked = form.querySelector("input[name='choice']:checked");
      payload.choice = checked ? parseInt(checked.value, 10) : null;
    } else {
      payload.text = document.getElementById("poll-text").value;
    }
    var submit = document.getElementById("poll-submit");
    var input = document.getElementById("poll-text");
    var words = shown.kind === "words";
    if (words) {
      // The sent words leave the field at once, so the next answer can be typed (and sent) before this
      // one is acknowledged; only a refused answer comes back, and only into an empty field.
      input.value = "";
    } else {
      submit.disabled = true;
    }
    send({ poll: shown.id, payload: payload, words: words });
  }

  // Answers go one at a time, in the order they were given: each acknowledgement shows the phone's
  // answers after that answer, and a quick second answer waits for the first instead of being lost.
  var queue = [];
  var sending = false;

  function send(item) {
    queue.push(item);
    if (!sending) { sendNext(); }
  }

  function sendNext() {
    var item = queue.shift();
    var socket = Paja.socket;
    if (!item || !socket) { sending = false; return; }
    sending = true;
    socket.timeout(10000).emit("poll_answer", item.payload, function (err, res) {
      var current = shown && shown.id === item.poll;  // another poll may have opened meanwhile
      if (current) {
        if (!item.words) { document.getElementById("poll-submit").disabled = false; }
        var field = document.getElementById("poll-text");
        if (err || !res || !res.ok) {
          if (item.words && field && !field.value) { field.value = item.payload.text; }
          setError(err || !res ? phoneText("offline") : res.error);
        } else {
          setError("");
          showMine(res.mine, true);
        }
      }
      sendNext();
    });
  }

  // The server-rendered poll (no JavaScript needed) becomes the starting state.
  function readServerPoll() {
    if (!card || !card.hasAttribute("data-poll")) { return; }
    shown = { id: parseInt(card.getAttribute("data-poll"), 10), kind: card.getAttribute("data-kind") };
  }

  var role = root.dataset.role;
  if (role === "participant" && card && form) {
    readServerPoll();
    form.addEventListener("submit", answer);
    Paja.on("poll", showPhonePoll);
  } else if (role === "screen") {
    Paja.on("poll_results", showScreenPoll);
  } else if (role === "facilitator" && root.dataset.pollsPage) {
    Paja.connect({ role: "facilitator", session: parseInt(root.dataset.session, 10) }, {
      poll_results: function (data) { if (fresh("poll_results", data)) { showFacilitatorResults(data); } },
      logged_out: function () { window.location.reload(); }
    });
  }
})();
