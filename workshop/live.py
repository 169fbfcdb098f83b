"""Socket.IO handlers: authenticate → validate → call the domain → emit to the rooms allowed to see it.

Rooms: ``s<id>`` every phone of a session, ``p<id>`` one participant's phones, ``s<id>:screen``
the projector, ``s<id>:fac`` the facilitator's pages, ``fac<id>`` all of one facilitator's sockets.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request
from flask import session as cookie_session
from flask_socketio import join_room

from . import sessions, socketio
from .db import get_db
from .models import Session


@dataclass
class Conn:
    role: str
    session_id: int
    participant_id: int | None = None
    facilitator_id: int | None = None


def init_app(app) -> None:
    """Handlers are registered on the module-level socketio at import; the app keeps its sockets."""
    app.extensions["paja_conns"] = {}


def _conns() -> dict[str, Conn]:
    """This process's sockets of this app: sid → who."""
    return current_app.extensions["paja_conns"]


def participant_cookie_name(session_id: int) -> str:
    prefix = "__Host-" if current_app.config["SESSION_COOKIE_SECURE"] else ""
    return f"{prefix}paja_p{session_id}"


def away_after() -> float:
    return current_app.config["AWAY_AFTER_SECONDS"]


def base_url() -> str:
    cfg = current_app.config
    return (cfg.get("PAJA_BASE_URL") or cfg.get("PAJA_LAN_URL") or request.host_url).rstrip("/")


def join_url(session: Session) -> str:
    return f"{base_url()}/{session.join_code}" if session.join_code else base_url()


# --- what gets sent --------------------------------------------------------------------------

def phase_payload(session: Session) -> dict:
    return {"phase": session.phase, "seq": session.seq, "open": session.is_open}


def broadcast_phase(session: Session) -> None:
    payload = phase_payload(session)
    for room in (f"s{session.id}", f"s{session.id}:screen", f"s{session.id}:fac"):
        socketio.emit("phase", payload, to=room)


def broadcast_lobby(session: Session) -> None:
    counts = sessions.lobby_counts(get_db(), session, away_after())
    counts["seq"] = session.seq
    for room in (f"s{session.id}:screen", f"s{session.id}:fac"):
        socketio.emit("lobby", counts, to=room)


def broadcast_session(session: Session) -> None:
    """After an edit: everyone re-reads the session (titles, municipalities, phase)."""
    broadcast_phase(session)
    broadcast_lobby(session)


def close_facilitator_sockets(facilitator_id: int) -> None:
    """At logout the facilitator's open pages lose their live connection at once."""
    room = f"fac{facilitator_id}"
    socketio.emit("logged_out", {}, to=room)
    for sid, conn in list(_conns().items()):
        if conn.facilitator_id == facilitator_id:
            socketio.server.disconnect(sid, namespace="/")


# --- handlers ----------------------------------------------------------------------------------

def _authenticate(auth) -> Conn | None:
    if not isinstance(auth, dict):
        return None
    role = auth.get("role")
    db = get_db()
    if role == "screen":
        token = auth.get("token")
        session = sessions.session_by_screen_token(db, token) if isinstance(token, str) else None
        return Conn("screen", session.id) if session else None
    session_id = auth.get("session")
    if not isinstance(session_id, int) or isinstance(session_id, bool):
        return None
    if role == "participant":
        token = request.cookies.get(participant_cookie_name(session_id))
        p = sessions.participant_by_token(db, session_id, token)
        return Conn("participant", session_id, participant_id=p.id) if p else None
    if role == "facilitator":
        fid = cookie_session.get("fid")
        from .auth import current_facilitator
        fac = current_facilitator() if fid is not None else None
        if fac and sessions.session_for_facilitator(db, session_id, fac.id):
            return Conn("facilitator", session_id, facilitator_id=fac.id)
    return None


@socketio.on("connect")
def on_connect(auth=None):
    conn = _authenticate(auth)
    if conn is None:
        return False  # refused: no valid participant, screen or facilitator credential
    _conns()[request.sid] = conn
    db = get_db()
    session = db.get(Session, conn.session_id)
    if conn.role == "participant":
        join_room(f"s{conn.session_id}")
        join_room(f"p{conn.participant_id}")
        from .models import Participant
        was_away = db.get(Participant, conn.participant_id).left_at is not None
        sessions.mark_present(db, db.get(Participant, conn.participant_id))
        if was_away:
            broadcast_lobby(session)
    elif conn.role == "screen":
        join_room(f"s{conn.session_id}:screen")
    else:
        join_room(f"s{conn.session_id}:fac")
        join_room(f"fac{conn.facilitator_id}")
    socketio.emit("phase", phase_payload(session), to=request.sid)
    if conn.role != "participant":
        counts = sessions.lobby_counts(db, session, away_after())
        counts["seq"] = session.seq
        socketio.emit("lobby", counts, to=request.sid)
    return True


@socketio.on("disconnect")
def on_disconnect(*_args):
    conn = _conns().pop(request.sid, None)
    if conn is None or conn.role != "participant":
        return
    if any(c.participant_id == conn.participant_id for c in _conns().values()):
        return  # another tab or phone of the same participant is still here
    from .models import Participant
    db = get_db()
    p = db.get(Participant, conn.participant_id)
    if p is None:
        return
    sessions.mark_left(db, p)
    app = current_app._get_current_object()
    socketio.start_background_task(_announce_away, app, conn.session_id, conn.participant_id)


def _announce_away(app, session_id: int, participant_id: int) -> None:
    """After the grace period, tell the projector if the participant did not come back."""
    socketio.sleep(app.config["AWAY_AFTER_SECONDS"] + 0.2)
    with app.app_context():
        from .models import Participant
        db = get_db()
        p = db.get(Participant, participant_id)
        if p is not None and p.left_at is not None:
            broadcast_lobby(db.get(Session, session_id))


@socketio.on("ping_here")
def on_ping_here(*_args):
    """Phones say they are still here; the answer carries the current phase."""
    conn = _conns().get(request.sid)
    if conn is None:
        return {"ok": False}
    session = get_db().get(Session, conn.session_id)
    return {"ok": True, **phase_payload(session)}
