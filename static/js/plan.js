/* The municipality's plan on the phone: saved over the live connection, refreshed when others save. */
(function () {
  "use strict";
  var section = document.getElementById("plan");
  if (!section || !window.Paja) { return; }
  var status = document.getElementById("plan-status");

  function formData(form) {
    var data = {};
    new FormData(form).forEach(function (value, key) { if (key !== "csrf_token") { data[key] = value; } });
    if (data.id) { data.id = parseInt(data.id, 10); }
    return data;
  }

  function busy() {
    // Someone typing in the plan keeps their text: refresh only when no plan form is in use.
    var active = document.activeElement;
    return (active && section.contains(active) && /INPUT|TEXTAREA|SELECT/.test(active.tagName)) ||
      section.querySelector("details[open]") !== null;
  }

  function refresh() {
    if (busy()) { return; }
    fetch(window.location.pathname, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("plan");
      if (fresh && !busy()) {
        var copy = document.importNode(fresh, true);
        copy.hidden = section.hidden;
        section.replaceWith(copy);
        section = copy;
        status = document.getElementById("plan-status");
      }
    });
  }

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
        refresh();
      } else if (res) {
        status.textContent = res.error;
      }
    });
  });

  Paja.on("plan", refresh);
  Paja.on("phase", function (data) { section.hidden = data.phase !== "plan"; });
})();
