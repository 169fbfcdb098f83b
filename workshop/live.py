"""Socket.IO handlers: authenticate → validate → call the domain → emit to the rooms allowed to see it.

Rooms: ``s<id>`` every phone of a session, ``p<id>`` one participant's phones, ``s<id>:screen``
the projector, ``s<id>:fac`` the facilitator's pages, ``fac<id>`` all of one facilitator's sockets.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request
from flask import session as cookie_session
from flask_socketio import join_room

from limits import parse

from . import limiter, sessions, socketio
from .db import get_db
from .models import Participant, Session
from .rounds import current_round, group_of


@dataclass
class Conn:
    role: str
    session_id: int
    participant_id: int | None = None
    facilitator_id: int | None = None


# Features add a function here that sends their current state to one socket on (re)connect
# and on "sync": fn(session, conn, sid). Each feature module registers itself at import.
ON_SYNC: list = []


def on_sync(fn):
    ON_SYNC.append(fn)
    return fn


def init_app(app) -> None:
    """Handlers are registered on the module-level socketio at import; the app keeps its sockets."""
    app.extensions["paja_conns"] = {}
    from .server import bound_send_queues
    bound_send_queues(socketio.server.eio, app.config["SEND_QUEUE_BYTES"])


def current_conn() -> Conn | None:
    """Who is behind the socket of the current Socket.IO event (None: not authenticated)."""
    return _conns().get(request.sid)


def connections() -> list[tuple[str, Conn]]:
    """This process's authenticated sockets."""
    return list(_conns().items())


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


LIVE_EVENTS_PER_MINUTE = "60/minute"


def within_limit(kind: str, key) -> bool:
    """Flood limit for one participant's live events (votes, plans, polls; notes have their own).

    Counted in the rate-limit storage, so several workers share it when Redis is configured.
    """
    return limiter.limiter.hit(parse(LIVE_EVENTS_PER_MINUTE), "live", kind, str(key))


def disconnect_participant(participant_id: int) -> None:
    """A removed participant's open phones lose their connection at once (this process's sockets)."""
    socketio.emit("removed", {}, to=f"p{participant_id}")
    for sid, conn in list(_conns().items()):
        if conn.participant_id == participant_id:
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
        was_away = db.get(Participant, conn.participant_id).left_at is not None
        sessions.mark_present(db, db.get(Participant, conn.participant_id))
        if was_away:
            broadcast_lobby(session)
    elif conn.role == "screen":
        join_room(f"s{conn.session_id}:screen")
    else:
        join_room(f"s{conn.session_id}:fac")
        join_room(f"fac{conn.facilitator_id}")
    send_state(session, conn, request.sid)
    return True


def send_state(session: Session, conn: Conn, sid: str) -> None:
    """Everything a freshly (re)connected page needs: phase, groups, counts, and each feature's state."""
    db = get_db()
    socketio.emit("phase", phase_payload(session), to=sid)
    if conn.role == "participant":
        send_own_group(session, conn.participant_id, to=sid)
    else:
        socketio.emit("groups", groups_payload(current_round(db, session)), to=sid)
        counts = sessions.lobby_counts(db, session, away_after())
        counts["seq"] = session.seq
        socketio.emit("lobby", counts, to=sid)
    for fn in ON_SYNC:
        fn(session, conn, sid)


@socketio.on("sync")
def on_sync_request(*_args):
    """A page asks for the whole state again (after a reload-free change such as a new group)."""
    conn = _conns().get(request.sid)
    if conn is None:
        return {"ok": False}
    send_state(get_db().get(Session, conn.session_id), conn, request.sid)
    return {"ok": True}


@socketio.on("disconnect")
def on_disconnect(*_args):
    conn = _conns().pop(request.sid, None)
    if conn is None or conn.role != "participant":
        return
    if any(c.participant_id == conn.participant_id for c in _conns().values()):
        return  # another tab or phone of the same participant is still here
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


# --- groups ------------------------------------------------------------------------------------

def group_payload(group, with_members: bool) -> dict:
    data = {"round": group.round.number, "number": group.number, "colour": group.colour,
            "table": group.table_label,
            "municipality": group.municipality, "size": len(group.members)}
    if with_members:
        data["members"] = [{"name": m.participant.first_name, "municipality": m.participant.municipality,
                            "background": m.participant.background, "late": m.late} for m in group.members]
    return data


def groups_payload(round_) -> dict:
    return {"round": round_.number if round_ else None,
            "groups": [group_payload(g, with_members=True) for g in (round_.groups if round_ else [])]}


def broadcast_groups(session: Session, round_, participant_ids=None) -> None:
    """Send each member its own group, and the projector and facilitator all groups.

    `participant_ids` limits the phone messages to those whose group changed (a late arrival).
    """
    for group in round_.groups:
        payload = group_payload(group, with_members=False)
        for m in group.members:
            if participant_ids is None or m.participant_id in participant_ids:
                socketio.emit("group", payload, to=f"p{m.participant_id}")
    from .live_notes import join_group_rooms
    join_group_rooms(session, round_)
    everyone = groups_payload(round_)
    everyone["seq"] = session.seq
    socketio.emit("groups", everyone, to=f"s{session.id}:screen")
    socketio.emit("groups", everyone, to=f"s{session.id}:fac")


def send_own_group(session: Session, participant_id: int, to: str) -> None:
    round_ = current_round(get_db(), session)
    group = group_of(get_db(), round_, participant_id) if round_ else None
    if group is not None:
        socketio.emit("group", group_payload(group, with_members=False), to=to)


def announce_late_arrival(session: Session, group, participant: Participant) -> None:
    """The facilitator sees where a late arrival was placed."""
    socketio.emit("late_arrival", {"round": group.round.number, "group": group.number,
                                   "name": participant.first_name,
                                   "municipality": participant.municipality,
                                   "background": participant.background}, to=f"s{session.id}:fac")
