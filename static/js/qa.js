/* The room's questions on the phone: the list live ("qa", "qa_mine"), asking and upvoting over Socket.IO
   with an acknowledgement. Without a live connection the forms post themselves (the no-JS path).
   Loaded before the phone's bundle, only on pages with questions: its handlers wait in PajaPending for
   live.js. Text is set with textContent: no innerHTML. */
(function () {
  "use strict";
  var card = document.getElementById("qa");
  if (!card) { return; }
  function on(name, fn) { (window.PajaPending = window.PajaPending || []).push([name, fn]); }
  var list = document.getElementById("qa-list");
  var form = document.getElementById("qa-form");
  var seq = { qa: -1, qa_mine: -1 };
  var shown = null;
  var mine = { asked: [], upvoted: [], waiting: [] };

  function t(key) { return Paja.text("qa-texts", key); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function fresh(name, data) {
    if (typeof data.seq === "number") {
      if (data.seq < seq[name]) { return false; }
      seq[name] = data.seq;
    }
    return true;
  }

  function item(q) {
    var li = el("li", "qa-item" + (q.pinned ? " is-pinned" : "") + (q.answered ? " is-answered" : ""));
    li.dataset.id = String(q.id);
    var text = el("p", "qa-text", q.text);
    var lang = card.querySelector(".qa-text[lang]");
    if (lang) { text.lang = lang.lang; }
    li.appendChild(text);
    var meta = el("p", "qa-meta");
    if (q.pinned) { meta.appendChild(el("span", "qa-flag", t("pinned"))); meta.appendChild(document.createTextNode(" ")); }
    if (q.answered) { meta.appendChild(el("span", "qa-flag", t("answered"))); meta.appendChild(document.createTextNode(" ")); }
    if (q.name) { meta.appendChild(el("span", "qa-name", q.name)); }
    if (typeof q.votes === "number") {
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(el("span", "qa-votes", t(q.votes === 1 ? "vote" : "votes").replace("{n}", String(q.votes))));
    }
    li.appendChild(meta);
    if (mine.asked.indexOf(q.id) >= 0) {
      li.appendChild(el("p", "hint qa-own", t("own")));
    } else {
      var f = el("form");
      f.method = "post";
      f.action = form.action + "/" + q.id + "/upvote";
      var token = form.querySelector("input[name='csrf_token']").cloneNode();
      f.appendChild(token);
      var button = el("button", "qa-upvote", t("upvote"));
      button.type = "submit";
      button.setAttribute("aria-pressed", mine.upvoted.indexOf(q.id) >= 0 ? "true" : "false");
      button.appendChild(el("span", "visually-hidden", ": " + q.text.slice(0, 60)));
      f.appendChild(button);
      f.addEventListener("submit", function (ev) { upvote(ev, q.id, button); });
      li.appendChild(f);
    }
    return li;
  }

  function render() {
    if (!shown) { return; }
    card.hidden = !shown.open;
    var focused = document.activeElement && list.contains(document.activeElement) ?
      document.activeElement.closest("li").dataset.id : null;
    list.replaceChildren.apply(list, shown.questions.map(item));
    document.getElementById("qa-empty").hidden = shown.questions.length > 0;
    document.getElementById("qa-name-field").hidden = !shown.named;
    document.getElementById("qa-order").textContent = t(shown.visible ? "by-votes" : "by-time");
    if (focused) {
      var again = list.querySelector("li[data-id='" + focused + "'] button");
      if (again) { again.focus(); }
    }
  }

  function upvote(ev, id, button) {
    var socket = Paja.socket;
    if (!socket || !socket.connected) { return; }  // the form posts itself
    ev.preventDefault();
    button.disabled = true;
    socket.timeout(10000).emit("qa_upvote", { question: id }, function (err, res) {
      button.disabled = false;
      if (err || !res || !res.ok) { Paja.say("qa-error", err || !res ? t("offline") : res.error); return; }
      Paja.say("qa-error", "");
      button.setAttribute("aria-pressed", res.upvoted ? "true" : "false");
    });
  }

  form.addEventListener("submit", function (ev) {
    var socket = Paja.socket;
    if (!socket || !socket.connected) { return; }
    ev.preventDefault();
    var text = document.getElementById("qa-text");
    var name = document.getElementById("qa-name");
    var submit = document.getElementById("qa-submit");
    submit.disabled = true;
    socket.timeout(10000).emit("qa_ask", { text: text.value, name: name.value }, function (err, res) {
      submit.disabled = false;
      if (err || !res || !res.ok) {
        Paja.say("qa-error", err || !res ? t("offline") : res.error);
        text.setAttribute("aria-invalid", "true");
        return;
      }
      text.value = "";
      text.removeAttribute("aria-invalid");
      Paja.say("qa-error", "");
      Paja.say("qa-status", t(res.held ? "held" : "asked"));
    });
  });

  on("qa", function (data) {
    if (!fresh("qa", data)) { return; }
    shown = data;
    render();
  });
  on("qa_mine", function (data) {
    if (!fresh("qa_mine", data)) { return; }
    mine = data;
    render();
  });
})();
