/* Shared live connection: Socket.IO with the page's credentials, reconnecting by itself. */
(function () {
  "use strict";

  function text(id, key) {
    var el = document.querySelector("#" + id + " [data-" + (id === "phase-names" || id === "phase-texts" ? "phase" : "text") + "='" + key + "']");
    return el ? el.textContent : "";
  }

  // A live region speaks every time its text is written, even with the same words: write it only when
  // the text changes, so one event is announced once (not on every repeat, reconnect or echo).
  function say(el, message) {
    if (typeof el === "string") { el = document.getElementById(el); }
    if (!el) { return false; }
    message = message || "";
    if (el.textContent === message) { return false; }
    el.textContent = message;
    return true;
  }

  function setConnection(state) {
    var el = document.getElementById("connection");
    if (!el) { return; }
    say(el, state === "online" ? "" : text("ui-texts", state));
    el.dataset.state = state;
  }

  function updateCounts(root, counts) {
    var values = { total: counts.total, away: counts.away };
    counts.municipalities.forEach(function (m) { values["m-" + m.code] = m.count; });
    counts.backgrounds.forEach(function (b) { values["b-" + b.code] = b.count; });
    root.querySelectorAll("[data-count]").forEach(function (el) {
      var v = values[el.dataset.count];
      if (v !== undefined && el.textContent !== String(v)) { el.textContent = String(v); }
    });
    root.querySelectorAll("[data-count-away-wrap]").forEach(function (el) { el.hidden = !counts.away; });
  }

  var pending = window.PajaPending || [];  // handlers registered (by other page modules) before connect()

  function on(name, fn) {
    if (window.Paja.socket) { window.Paja.socket.on(name, fn); } else { pending.push([name, fn]); }
  }

  function connect(auth, handlers) {
    var socket = io({ auth: auth, transports: ["polling", "websocket"] });
    window.Paja.socket = socket;
    pending.forEach(function (p) { socket.on(p[0], p[1]); });
    pending = [];
    socket.on("connect", function () { setConnection("online"); document.body.dataset.live = "connected"; });
    socket.on("disconnect", function () { setConnection("offline"); document.body.dataset.live = "disconnected"; });
    socket.on("connect_error", function () { setConnection("offline"); });
    // The server's message queue was away and is back: what other workers sent meanwhile never
    // arrived, so ask for the whole state again (at a random moment within the spread it gives).
    socket.on("resync", function (data) {
      var spread = data && data.spread_ms > 0 ? data.spread_ms : 0;
      setTimeout(function () { if (socket.connected) { socket.emit("sync"); } }, Math.random() * spread);
    });
    Object.keys(handlers).forEach(function (name) { socket.on(name, handlers[name]); });
    // The whole state on (re)connect and on "sync" comes as one message, [[event, payload], ...]:
    // each part goes to the page's handlers of that event, in order, as if it had come alone.
    socket.on("state", function (parts) {
      parts.forEach(function (part) {
        socket.listeners(part[0]).slice().forEach(function (fn) { fn(part[1]); });
      });
    });
    return socket;
  }

  window.Paja = { connect: connect, on: on, socket: null, text: text, updateCounts: updateCounts, say: say };
})();
