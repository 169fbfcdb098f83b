"""Real Socket.IO phones for the reliability tests: an outbox like board.js, views built from events.

A `Phone` is a python-socketio client that reconnects by itself. Each note it writes waits in an
outbox until the server acknowledges it; the outbox is re-sent on every (re)connect and an item whose
acknowledgement does not come within `ack_timeout` is sent again (static/js/board.js does the same).
Its `view` of the flipchart is built only from what the server pushed: `board` snapshots, then
`note` / `note_removed` events and its own acknowledgements (board.js's noteArrived).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import socket
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import engineio
import requests
import socketio as sio_lib

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf(html: str) -> str:
    m = CSRF_RE.search(html)
    assert m, "page has no CSRF token"
    return m.group(1)


# --- HTTP: participants join, the facilitator drives the evening ----------------------------------

def join_http(url: str, code: str, municipality: str, background: str = "ngo") -> dict:
    """One phone joins through the HTTP form; returns its cookie header and the session id."""
    with requests.Session() as http:
        page = http.get(f"{url}/{code}", timeout=10).text
        response = http.post(f"{url}/{code}", allow_redirects=False, timeout=10, data={
            "csrf_token": csrf(page), "municipality": municipality, "background": background})
        assert response.status_code == 302, response.text[:500]
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        # The participant cookie is named after the session: paja_p<session id>.
        session_id = next(int(k[len("paja_p"):]) for k in http.cookies.get_dict() if re.fullmatch(r"paja_p\d+", k))
        token = http.cookies.get_dict()[f"paja_p{session_id}"]
    # Who the phone is in the database (participant.token_hash): notes and votes carry no row id.
    return {"cookie": cookie, "session": session_id, "token_hash": hashlib.sha256(token.encode()).hexdigest()}


def join_many(url: str, code: str, count: int, municipalities: list[str], workers: int = 12) -> list[dict]:
    backgrounds = ["ngo", "officer", "elected", "resident"]
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(join_http, url, code, municipalities[i % len(municipalities)],
                               backgrounds[i % len(backgrounds)]) for i in range(count)]
        return [f.result(timeout=60) for f in futures]


class Facilitator:
    """The facilitator's browser without JavaScript: login, then POST the session page's forms."""

    def __init__(self, url: str, email: str, password: str, session_id: int):
        self.url, self.session_id = url, session_id
        self.http = requests.Session()
        page = self.http.get(f"{url}/login", timeout=10).text
        r = self.http.post(f"{url}/login", timeout=10, allow_redirects=False,
                           data={"csrf_token": csrf(page), "email": email, "password": password})
        assert r.status_code == 302, r.text[:500]
        self.token = csrf(self.http.get(f"{url}/f/sessions/{session_id}", timeout=10).text)

    def post(self, path: str, **data) -> requests.Response:
        r = self.http.post(f"{self.url}/f/sessions/{self.session_id}/{path}", timeout=15, allow_redirects=False,
                           data={"csrf_token": self.token, **data})
        assert r.status_code in (200, 302), (path, r.status_code, r.text[:500])
        return r

    def start_group_work(self, groups: int) -> None:
        """A mixed round of `groups` groups, published, and the group work phase."""
        self.post("rounds", strategy="mixed", size_mode="count", size=str(groups))
        self.post("rounds/1/publish")
        self.post("phase", phase="groupwork")

    def close(self) -> None:
        self.http.close()


# --- Socket.IO clients -----------------------------------------------------------------------------

class InOrderEngineIOClient(engineio.Client):
    """python-engineio's client hands every message to a new thread, so events can be handled out of
    order. A browser handles them one after the other, in order, on its one thread; so do we (pings
    too wait behind a busy handler, as in a browser)."""

    def _trigger_event(self, event, *args, **kwargs):
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class PatientClient(sio_lib.Client):
    """A Socket.IO client that behaves like the browser's for these tests: events in order, and
    reconnect attempts that wait 10 s for the server's answer (python-socketio's wait 1 s, socket.io's
    20 s; after a restart 57 phones reconnect at once)."""

    def _engineio_client_class(self):
        return InOrderEngineIOClient

    def connect(self, *args, wait_timeout=10, **kwargs):
        return super().connect(*args, wait_timeout=max(wait_timeout, 10), **kwargs)


class LiveClient:
    """A reconnecting python-socketio client; subclasses keep a view built from the pushed events."""

    def __init__(self, url: str, auth: dict, cookie: str | None = None, label: str = "", slow: float = 0.0,
                 transports: tuple[str, ...] = ("websocket",), **client_options):
        self.url, self.auth, self.label, self.slow = url, auth, label, slow
        self.transports = list(transports)  # ("polling", "websocket"): long-polling first, then the upgrade
        self.headers = {"Cookie": cookie} if cookie else {}
        self.lock = threading.RLock()
        self.connects = 0
        self.disconnects = 0
        self.connect_errors = 0
        self.last_event = time.monotonic()
        self.client = PatientClient(reconnection=True, reconnection_delay=0.3, reconnection_delay_max=1.0,
                                     randomization_factor=0.2, handle_sigint=False, **client_options)
        self.client.on("connect", self._on_connect)
        self.client.on("disconnect", self._on_disconnect)
        self.client.on("connect_error", self._on_connect_error)
        self.client.on("*", self._on_any)

    def connect(self) -> LiveClient:
        self.client.connect(self.url, auth=self.auth, headers=self.headers, transports=self.transports,
                            wait_timeout=10)
        return self

    @property
    def connected(self) -> bool:
        return self.client.connected

    def _on_connect(self):
        with self.lock:
            self.connects += 1
        self.on_connected()

    def on_connected(self):
        pass

    def _on_connect_error(self, *_data):
        with self.lock:
            self.connect_errors += 1

    def _on_disconnect(self, reason=None):
        with self.lock:
            self.disconnects += 1
        if reason != getattr(getattr(self.client, "reason", None), "CLIENT_DISCONNECT", "client disconnect"):
            # python-engineio's client leaves a broken WebSocket open after a transport error.
            ws = getattr(self.client.eio, "ws", None)
            if ws is not None:
                try:
                    ws.shutdown()
                except Exception:
                    pass

    def _on_any(self, name, data=None):
        if name == "state":  # a (re)connect's whole state: its events in order, as static/js/live.js
            for part, payload in data:
                self._on_any(part, payload)
            return
        if self.slow:
            time.sleep(self.slow)  # a slow phone: busy in every handler
        with self.lock:
            self.last_event = time.monotonic()
            handler = getattr(self, "on_" + name, None)
            if handler is not None:
                handler(data)

    def emit(self, event: str, data, callback) -> bool:
        """Send if connected (False when not: the caller keeps the item and tries again).

        (In the "connect" handler `client.connected` is still False, but the namespace is ready.)
        """
        try:
            self.client.emit(event, data, callback=callback)
        except (sio_lib.exceptions.BadNamespaceError, sio_lib.exceptions.SocketIOError):
            return False
        return True

    def drop(self) -> None:
        """The phone's network goes away under it: the transport's socket is cut, no goodbye sent."""
        ws = getattr(self.client.eio, "ws", None)
        sock = getattr(ws, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        try:
            self.client.shutdown()
        except Exception:
            pass


class Screen(LiveClient):
    """The projector: all visible notes of all groups, from `boards` snapshots and `note` events."""

    def __init__(self, url: str, token: str, **kw):
        super().__init__(url, {"role": "screen", "token": token}, label="screen", **kw)
        self.view: dict[int, dict[int, str]] = {}  # group number -> note id -> text

    def on_boards(self, data):
        self.view = {g["group"]: {n["id"]: n["text"] for n in g["notes"]} for g in data["groups"]}

    def on_note(self, note):
        self.view.setdefault(note["group"], {})[note["id"]] = note["text"]

    def on_note_removed(self, data):
        self.view.get(data["group"], {}).pop(data["id"], None)


class Phone(LiveClient):
    """A participant's phone: outbox of notes (board.js), its group's flipchart, its votes."""

    def __init__(self, url: str, joined: dict, label: str, ack_timeout: float = 3.0, **kw):
        super().__init__(url, {"role": "participant", "session": joined["session"]}, joined["cookie"], label, **kw)
        self.ack_timeout = ack_timeout
        self.outbox: dict[str, dict] = {}  # client id -> item, in writing order
        self.sent_at: dict[str, float] = {}  # client id -> last send
        self.written_at: dict[str, float] = {}
        self.written: dict[str, str] = {}  # every note ever written: client id -> text
        self.acked: dict[str, dict] = {}  # client id -> the note of the first acknowledgement
        self.acked_at: dict[str, float] = {}
        self.ack_ids: dict[str, set[int]] = {}  # client id -> every note id an acknowledgement named
        self.refused: dict[str, str] = {}
        self.ack_latency: list[tuple[float, float]] = []  # (time sent, seconds to the acknowledgement)
        self.sends = 0
        self.token_hash: str | None = joined.get("token_hash")  # the participant row's token_hash
        self.group: int | None = None
        self.voting: str | None = None
        self.view: dict[int, str] = {}
        self.my_votes: list[int] = []
        self.vote_pending: float | None = None
        self.vote_acks = 0
        self.vote_latency: list[tuple[float, float]] = []
        self._serial = 0

    # events pushed by the server
    def on_connected(self):
        self.flush()  # board.js: Paja.on("connect", flushOutbox)

    def on_board(self, data):
        self.group, self.voting = data["group"], data["voting"]
        self.view = {n["id"]: n["text"] for n in data["notes"]}

    def on_note(self, note):
        if note["group"] == self.group:
            self.view[note["id"]] = note["text"]

    def on_note_removed(self, data):
        self.view.pop(data["id"], None)

    def on_my_votes(self, data):
        self.my_votes = list(data["note_ids"])

    # the outbox
    def write(self, text: str) -> str:
        with self.lock:
            self._serial += 1
            client_id = f"{self.label}-{self._serial:04d}-{os.urandom(3).hex()}"
            item = {"client_id": client_id, "text": text}
            self.outbox[client_id] = item
            self.written[client_id] = text
            self.written_at[client_id] = time.monotonic()
        self._send(item)
        return client_id

    def flush(self) -> None:
        with self.lock:
            items = list(self.outbox.values())
        for item in items:
            self._send(item)

    def retry_overdue(self) -> None:
        """An acknowledgement that does not come in time: send again (board.js: after its timeout)."""
        now = time.monotonic()
        with self.lock:
            overdue = [item for cid, item in self.outbox.items() if now - self.sent_at.get(cid, 0) > self.ack_timeout]
        for item in overdue:
            self._send(item)

    def _send(self, item: dict) -> None:
        client_id = item["client_id"]
        sent = time.monotonic()
        with self.lock:
            self.sent_at[client_id] = sent
        if self.emit("note_add", item, lambda res=None: self._acked(client_id, sent, res)):
            with self.lock:
                self.sends += 1

    def _acked(self, client_id: str, sent: float, res) -> None:
        now = time.monotonic()
        with self.lock:
            self.ack_latency.append((sent, now - sent))
            if res and res.get("ok"):
                note = res["note"]
                self.ack_ids.setdefault(client_id, set()).add(note["id"])
                self.acked.setdefault(client_id, note)
                self.acked_at.setdefault(client_id, now)
                if note["group"] == self.group:
                    self.view[note["id"]] = note["text"]
            elif client_id in self.outbox:
                self.refused[client_id] = (res or {}).get("error", "?")
            self.outbox.pop(client_id, None)

    # votes: a tap waits for its answer; an answer lost with the connection is forgotten (board.js)
    def vote(self, note_id: int, on: bool) -> bool:
        sent = time.monotonic()

        def answered(res=None):
            with self.lock:
                self.vote_pending = None
                self.vote_latency.append((sent, time.monotonic() - sent))
                if res and res.get("ok"):
                    self.my_votes = list(res["note_ids"])
                    self.vote_acks += 1

        with self.lock:
            self.vote_pending = sent
        if not self.emit("vote", {"note_id": note_id, "on": on}, answered):
            with self.lock:
                self.vote_pending = None
            return False
        return True

    def vote_waiting(self) -> bool:
        """A tap still waiting for its answer (one lost with a connection is given up after ack_timeout)."""
        with self.lock:
            if self.vote_pending is not None and time.monotonic() - self.vote_pending > self.ack_timeout:
                self.vote_pending = None
            return self.vote_pending is not None

    @property
    def settled(self) -> bool:
        with self.lock:
            return self.connected and not self.outbox and not self.vote_waiting()


def start_all(clients: list[LiveClient], workers: int = 16) -> None:
    with ThreadPoolExecutor(workers) as pool:
        for f in [pool.submit(c.connect) for c in clients]:
            f.result(timeout=30)


def close_all(clients: list[LiveClient]) -> None:
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda c: c.close(), clients, timeout=30))


def wait_until(predicate, timeout: float, interval: float = 0.05, what: str = "condition", detail=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}" + (f": {detail()}" if detail else ""))


# --- a client that completes the Socket.IO handshake and then never reads ----------------------------

class StuckClient:
    """Raw TCP: WebSocket upgrade, Engine.IO open, Socket.IO connect; then it stops reading for good.

    Its receive buffer is made small so that the server's writes to it block soon.
    """

    def __init__(self, port: int, auth: dict, cookie: str | None = None, rcvbuf: int = 4096):
        self.port = port
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(10)
        self.sock.connect(("127.0.0.1", port))
        self.local_port = self.sock.getsockname()[1]
        self.buffer = b""
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET /socket.io/?EIO=4&transport=websocket HTTP/1.1", f"Host: 127.0.0.1:{port}",
                 "Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
                 "Sec-WebSocket-Version: 13"]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = self._read_until(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        opened = self.read_message()
        assert opened.startswith("0{"), opened  # Engine.IO OPEN
        self.send_message("40" + json.dumps(auth))
        while True:
            message = self.read_message()
            if message.startswith("40"):
                break
            assert not message.startswith("44"), f"connection refused: {message}"

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            assert chunk, "connection closed during the handshake"
            self.buffer += chunk
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def _read_exact(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            assert chunk, "connection closed during the handshake"
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def read_message(self) -> str:
        first, second = self._read_exact(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack("!H", self._read_exact(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._read_exact(8))[0]
        payload = self._read_exact(length)
        return payload.decode() if first & 0x0F == 1 else ""

    def send_message(self, text: str) -> None:
        payload = text.encode()
        mask = os.urandom(4)
        n = len(payload)
        header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack("!H", n))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def keep_alive(self, interval: float = 0.5) -> None:
        """Keep answering pings blindly (Engine.IO PONG) without reading anything: alive, but stuck."""
        self._alive = threading.Event()
        self._pinger = threading.Thread(target=self._pong, args=(interval,), name="stuck-pong", daemon=True)
        self._pinger.start()

    def _pong(self, interval: float) -> None:
        while not self._alive.wait(interval):
            try:
                self.send_message("3")
            except OSError:  # the server gave up on us
                return

    def server_side_state(self) -> str | None:
        """TCP state of the server's end of this connection (Linux /proc), None when it is gone."""
        return tcp_state(self.port, self.local_port)

    def close(self) -> None:
        if getattr(self, "_pinger", None) is not None:
            self._alive.set()
            self._pinger.join(5)
        self.sock.close()


TCP_STATES = {"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1", "05": "FIN_WAIT2",
              "06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN",
              "0B": "CLOSING"}


def tcp_queues(local_port: int, remote_port: int) -> tuple[int, int] | None:
    """(bytes in the send queue, bytes in the receive queue) of that loopback TCP socket."""
    with open("/proc/net/tcp") as fh:
        next(fh)
        for line in fh:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == local_port and int(fields[2].split(":")[1], 16) == remote_port:
                tx, rx = fields[4].split(":")
                return int(tx, 16), int(rx, 16)
    return None


def tcp_state(local_port: int, remote_port: int) -> str | None:
    """State of the loopback TCP socket local_port → remote_port, from /proc/net/tcp."""
    with open("/proc/net/tcp") as fh:
        next(fh)
        for line in fh:
            fields = line.split()
            local, remote, state = fields[1], fields[2], fields[3]
            if int(local.split(":")[1], 16) == local_port and int(remote.split(":")[1], 16) == remote_port:
                return TCP_STATES.get(state, state)
    return None
