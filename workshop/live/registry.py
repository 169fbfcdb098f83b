"""Who is behind each socket of this process, the rooms they are in, and per-socket limits.

Rooms: ``s<id>`` every phone of a session, ``p<id>`` one participant's phones, ``g<id>`` the phones
of one group, ``s<id>:screen`` the projector, ``s<id>:fac`` the facilitator's pages, ``fac<id>`` all
of one facilitator's sockets.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, request
from flask.sessions import SecureCookieSessionInterface
from limits import parse

from workshop.db import release_db
from workshop.extensions import limiter, socketio

log = logging.getLogger(__name__)


@dataclass
class Conn:
    role: str
    session_id: int
    participant_id: int | None = None
    facilitator_id: int | None = None
    group_room: str | None = None  # the one group room a phone listens to (set_group_room)


class SocketSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, opened once per Socket.IO connection instead of on every event.

    Flask-SocketIO (manage_session=False) pushes a request context with the connection's handshake
    environ for every event, and Flask opens the session cookie again each time (signature check,
    decompression, JSON: about 190 function calls per note). Events carry no cookie, so the session
    cannot change during a connection: it is kept in that environ. Live handlers only read it."""

    def open_session(self, app, request):
        environ = request.environ
        if not environ.get("PATH_INFO", "").startswith(SOCKETIO_PATH):
            return super().open_session(app, request)
        if SESSION_KEY not in environ:
            environ[SESSION_KEY] = super().open_session(app, request)
        return environ[SESSION_KEY]


SOCKETIO_PATH = "/socket.io"
SESSION_KEY = "paja.cookie_session"


def init_app(app) -> None:
    """The app keeps its own sockets; the async server's send queues are bounded; a socket's cookie
    session is opened once."""
    app.extensions["paja_conns"] = {}
    app.extensions["paja_phones"] = Counter()  # participant id → this process's sockets of that participant
    app.session_interface = SocketSessionInterface()
    # (threading is patched by eventlet/gevent before create_app: this is a green semaphore there.)
    app.extensions["paja_state_gate"] = threading.BoundedSemaphore(max(1, app.config["DB_POOL_SIZE"]))
    from workshop.live.server import bound_send_queues
    bound_send_queues(socketio.server.eio, app.config["SEND_QUEUE_BYTES"])


@contextmanager
def state_gate() -> Iterator[None]:
    """Whole-state reads (connects and "sync") use at most the pool's kept connections at once.

    After a restart, or when the message queue is back, every phone asks for its state at the same
    moment. Each read holds a pooled connection until it is done, and on a busy machine its green
    thread waits long for the CPU between queries: a hundred at once would leave every connection
    "idle in transaction", take the overflow that notes and votes need, and keep the rest waiting for
    the pool until it times out. Here the others wait their turn before taking a connection, and
    each gives it back before the next one starts."""
    with current_app.extensions["paja_state_gate"]:
        try:
            yield
        finally:
            release_db()


def current_conn() -> Conn | None:
    """Who is behind the socket of the current Socket.IO event (None: not authenticated)."""
    return conns().get(request.sid)


def connections() -> list[tuple[str, Conn]]:
    """This process's authenticated sockets."""
    return list(conns().items())


def conns() -> dict[str, Conn]:
    """This process's sockets of this app: sid → who."""
    return current_app.extensions["paja_conns"]


def add_conn(sid: str, conn: Conn) -> None:
    """An authenticated socket of this process."""
    current_app.extensions["paja_conns"][sid] = conn
    if conn.participant_id is not None:
        current_app.extensions["paja_phones"][conn.participant_id] += 1


def remove_conn(sid: str) -> tuple[Conn | None, bool]:
    """Forget a socket; returns who it was, and whether it was that participant's last socket here
    (counted, not searched: a storm of N disconnects costs O(N), not O(N²))."""
    conn = current_app.extensions["paja_conns"].pop(sid, None)
    if conn is None or conn.participant_id is None:
        return conn, False
    phones = current_app.extensions["paja_phones"]
    phones[conn.participant_id] -= 1
    if phones[conn.participant_id] > 0:
        return conn, False
    del phones[conn.participant_id]
    return conn, True


def away_after() -> float:
    return current_app.config["AWAY_AFTER_SECONDS"]


LIVE_EVENTS_PER_MINUTE = "60/minute"


def within_limit(kind: str, key) -> bool:
    """Flood limit for one participant's live events (votes, plans, polls; notes have their own).

    Counted in the rate-limit storage, so several workers share it when Redis is configured. When the
    storage cannot be reached the event is let through (fail open) with one warning line: a vote must
    not go unanswered because Redis restarts.
    """
    try:
        return limiter.limiter.hit(parse(LIVE_EVENTS_PER_MINUTE), "live", kind, str(key))
    except Exception as exc:  # the storage's own errors (redis.ConnectionError, timeouts) differ by backend
        log.warning("Flood limit storage unavailable (%s: %s): %s let through", type(exc).__name__, exc, kind)
        return True


def _disconnect_where(matches: Callable[[Conn], bool]) -> None:
    """Cut this process's sockets whose owner `matches` (other workers cut their own)."""
    for sid, conn in connections():
        if matches(conn):
            socketio.server.disconnect(sid, namespace="/")


def close_facilitator_sockets(facilitator_id: int) -> None:
    """At logout the facilitator's open pages lose their live connection at once."""
    socketio.emit("logged_out", {}, to=f"fac{facilitator_id}")
    _disconnect_where(lambda conn: conn.facilitator_id == facilitator_id)


def disconnect_participant(participant_id: int) -> None:
    """A removed participant's open phones lose their connection at once (this process's sockets)."""
    socketio.emit("removed", {}, to=f"p{participant_id}")
    _disconnect_where(lambda conn: conn.participant_id == participant_id)


def close_screen_sockets(session_id: int) -> None:
    """A rotated projector link or a closed workshop: the projector's sockets lose their connection (this
    process's at once; the room is closed on every worker, so the others hear nothing more)."""
    _disconnect_where(lambda conn: conn.role == "screen" and conn.session_id == session_id)
    socketio.close_room(f"s{session_id}:screen")


def set_group_room(sid: str, group_id: int | None) -> None:
    """A phone listens to exactly one group's flipchart: its group in the current round.

    The socket's own record says which group room it is in, so moving it is O(1) (asking
    python-socketio for a socket's rooms scans every room of the server: a reconnect storm of N
    phones would cost O(N²))."""
    conn = conns().get(sid)
    wanted = f"g{group_id}" if group_id else None
    if conn is None or conn.group_room == wanted:
        return
    if conn.group_room:
        socketio.server.leave_room(sid, conn.group_room, namespace="/")
    if wanted:
        socketio.server.enter_room(sid, wanted, namespace="/")
    conn.group_room = wanted


def join_group_rooms(members: dict[int, int]) -> None:
    """Put this process's connected phones into their new group rooms (participant id → group id;
    phones on other workers ask with "sync")."""
    for sid, conn in connections():
        if conn.role == "participant" and conn.participant_id in members:
            set_group_room(sid, members[conn.participant_id])
