/* The municipality's plan on the phone: saved over the live connection, redrawn from the live `plan`
   event (sent on every (re)connect and after every save), never by fetching the page again. */
(function () {
  "use strict";
  var section = document.getElementById("plan");
  if (!section || !window.Paja) { return; }
  var status = document.getElementById("plan-status");
  var actionTemplate = document.getElementById("plan-action-template");
  var followupTemplate = document.getElementById("plan-followup-template");
  var waiting = null;  // a `plan` that arrived while the participant was typing in the plan

  function formData(form) {
    var data = {};
    new FormData(form).forEach(function (value, key) { if (key !== "csrf_token") { data[key] = value; } });
    if (data.id) { data.id = parseInt(data.id, 10); }
    return data;
  }

  function busy() {
    // Someone typing in the plan keeps their text: redraw only when no plan form is in use.
    var active = document.activeElement;
    return (active && section.contains(active) && /INPUT|TEXTAREA|SELECT/.test(active.tagName)) ||
      section.querySelector("details[open]") !== null;
  }

  function truncate(text, length) {  // Jinja's truncate filter: whole words, "...", 5 characters of leeway
    if (text.length <= length + 5) { return text; }
    return text.slice(0, length - 3).replace(/ [^ ]*$/, "") + "...";
  }

  function statusLabel(value) {
    var option = actionTemplate.content.querySelector("select[name='status'] option[value='" + value + "']");
    return option ? option.textContent : value;
  }

  function item(template, prefix, data) {
    // The template's field ids are "<prefix>-new-…"; the page's own items have "<prefix>-<id>-…".
    var li = template.content.firstElementChild.cloneNode(true);
    var blank = prefix + "-new-";
    var own = prefix + "-" + data.id + "-";
    li.querySelectorAll("[id^='" + blank + "']").forEach(function (el) { el.id = own + el.id.slice(blank.length); });
    li.querySelectorAll("label[for^='" + blank + "']").forEach(function (el) { el.htmlFor = own + el.htmlFor.slice(blank.length); });
    li.querySelector(".plan-what").textContent = data.what;
    var meta = li.querySelector(".plan-meta");
    var strong = document.createElement("strong");
    strong.textContent = statusLabel(data.status);
    meta.replaceChildren((data.owner || "") + (data.due ? " · " + data.due : "") + " · ", strong);
    li.querySelector("input[name='id']").value = String(data.id);
    li.querySelector("select[name='status']").value = data.status;
    return li;
  }

  function actionItem(data) {
    var li = item(actionTemplate, "pe", data);
    li.querySelector(".visually-hidden").textContent = ": " + truncate(data.what, 40);
    li.querySelector("textarea[name='what']").value = data.what;
    li.querySelector("input[name='owner']").value = data.owner || "";
    li.querySelector("input[name='due']").value = data.due || "";
    var source = li.querySelector("select[name='source_note_id']");
    if (source) { source.value = data.source_note_id ? String(data.source_note_id) : ""; }
    return li;
  }

  function followupItem(data) {
    return item(followupTemplate, "pfu", data);
  }

  function draw(data) {
    if (busy()) { waiting = data; return; }
    waiting = null;
    var actions = document.getElementById("plan-items");
    if (data.items.length) {
      actions.replaceChildren.apply(actions, data.items.map(actionItem));
    } else {
      var hint = document.createElement("li");
      hint.className = "hint empty-state";
      hint.textContent = document.getElementById("plan-empty-text").textContent;
      actions.replaceChildren(hint);
    }
    var followups = document.getElementById("plan-followup-items");
    followups.replaceChildren.apply(followups, data.followups.map(followupItem));
    document.getElementById("plan-followups").hidden = data.followups.length === 0;
  }

  function drawWaiting() {
    // After focus leaves a field or a <details> closes; focus may move within the plan, so look later.
    setTimeout(function () { if (waiting && !busy()) { draw(waiting); } }, 0);
  }

  section.addEventListener("focusout", drawWaiting);
  section.addEventListener("toggle", drawWaiting, true);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var s = Paja.socket;
    if (!form.classList.contains("plan-form") || !s || !s.connected) { return; }
    event.preventDefault();
    s.timeout(10000).emit(form.dataset.event, formData(form), function (err, res) {
      if (err) { status.textContent = Paja.text("ui-texts", "offline"); return; }
      if (res && res.ok) {
        form.reset();
        var details = form.closest("details");
        if (details) { details.open = false; }
        document.activeElement.blur();
        drawWaiting();  // the `plan` event with the change may have come while the form was in use
      } else if (res) {
        status.textContent = res.error;
      }
    });
  });

  Paja.on("plan", draw);
  Paja.on("phase", function (data) { section.hidden = data.phase !== "plan"; });
})();
