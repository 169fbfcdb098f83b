/* Countdown on phones, projector and the facilitator's page: ticks locally, corrected for clock skew.
   Screen readers hear only two moments ("1 minute left", "Time is up"), never every second. */
(function () {
  "use strict";
  var box = document.getElementById("timer");
  if (!box || !window.Paja) { return; }
  var clockEl = document.getElementById("timer-clock");
  var messageEl = document.getElementById("timer-message");
  var labelEl = document.getElementById("timer-label");
  var announceEl = document.getElementById("timer-announce");
  var WARNING_SECONDS = 60;
  var state = null;       // the last payload from the server
  var skew = 0;           // server clock minus this device's clock, in ms
  var endsAt = null;      // ms on the server's clock
  var lastSeconds = null; // what the previous tick showed: a moment is crossed, not merely present
  var shownStatus = null;
  var ticker = null;
  var phase = null;       // the workshop's phase now: a finished timer of an earlier phase is not shown

  function text(key) { return Paja.text("timer-texts", key); }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function clock(seconds) { return pad(Math.floor(seconds / 60)) + ":" + pad(seconds % 60); }

  function secondsLeft() {
    if (!state) { return null; }
    if (state.running) { return Math.max(0, Math.ceil((endsAt - (Date.now() + skew)) / 1000)); }
    return state.remaining;
  }

  function statusOf(seconds) {
    if (!state || (!state.running && state.remaining === null)) { return "idle"; }
    if (seconds === 0) { return state.phase && phase && state.phase !== phase ? "idle" : "done"; }
    if (!state.running) { return "paused"; }
    return seconds <= WARNING_SECONDS ? "warning" : "running";
  }

  function announce(key) {
    announceEl.textContent = text(key);
    // One calm pulse (CSS; none with prefers-reduced-motion), restarted if it is still running.
    box.classList.remove("timer-emphasis");
    void box.offsetWidth;
    box.classList.add("timer-emphasis");
  }

  function showControls(status) {
    var active = status !== "idle";
    var running = Boolean(state && state.running);
    document.querySelectorAll("[data-timer-idle]").forEach(function (el) { el.hidden = active; });
    document.querySelectorAll("[data-timer-when]").forEach(function (el) {
      var when = el.dataset.timerWhen;
      el.hidden = !(when === "running" ? running : when === "paused" ? active && !running : active);
    });
  }

  function render() {
    var seconds = secondsLeft();
    var status = statusOf(seconds);
    if (state && state.running && lastSeconds !== null) {
      if (lastSeconds > WARNING_SECONDS && seconds <= WARNING_SECONDS && seconds > 0) { announce("warning"); }
      else if (lastSeconds > 0 && seconds === 0) { announce("done"); }
    }
    lastSeconds = seconds;
    var shown = clock(seconds || 0);
    if (clockEl.textContent !== shown) { clockEl.textContent = shown; }
    if (status !== shownStatus) {
      shownStatus = status;
      box.dataset.timerStatus = status;
      box.hidden = status === "idle";
      messageEl.textContent = status === "idle" || status === "running" ? "" : text(status);
      showControls(status);
    }
    if (status !== "running" && status !== "warning" && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
    }
  }

  function onTimer(data) {
    if (state && typeof data.seq === "number" && data.seq < state.seq) { return; }  // an older message
    state = data;
    skew = Date.parse(data.server_now) - Date.now();
    endsAt = data.ends_at ? Date.parse(data.ends_at) : null;
    labelEl.textContent = data.label || text("timer");
    announceEl.textContent = "";
    shownStatus = null;
    lastSeconds = null;  // a new state is no crossing: say nothing until the clock ticks past a moment
    box.classList.remove("timer-emphasis");
    render();
    // Several checks a second keep mm:ss on time; the text changes only once a second.
    if (data.running && ticker === null) { ticker = setInterval(render, 250); }
  }

  box.addEventListener("animationend", function () { box.classList.remove("timer-emphasis"); });
  Paja.on("timer", onTimer);
  Paja.on("phase", function (data) {
    phase = data.open === false ? "closed" : data.phase;
    shownStatus = null;
    if (state) { render(); }
  });
})();
