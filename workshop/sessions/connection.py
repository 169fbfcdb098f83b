"""A socket's life: authenticate at connect, send the whole state (again on "sync"), mark away.

Each feature's events.py adds what its pages need through `LiveHandlers.on_sync`. Presence is the
sessions service's: it publishes ParticipantReturned and ParticipantLeft, whose fan-out tells the
projector.
"""
from __future__ import annotations

import logging

from flask import current_app, request
from flask import session as cookie_session
from flask_socketio import join_room

from workshop.core.ids import row_id
from workshop.db import get_db
from workshop.live.handlers import LiveHandlers, State, sync_senders
from workshop.live.registry import Conn, add_conn, conns, remove_conn, state_gate
from workshop.models import Participant, Session
from workshop.sessions import events as session_events
from workshop.sessions import service as sessions
from workshop.sessions.guards import participant_cookie_name
from workshop.web.guards import current_facilitator

handlers = LiveHandlers()
log = logging.getLogger(__name__)


def _authenticate(auth) -> tuple[Conn, Session, Participant | None] | None:
    """Who is connecting, with their workshop and (for a phone) participant row, loaded once: the
    caller keeps them referenced, so every later lookup of the same rows in this event is free."""
    if not isinstance(auth, dict):
        return None
    role = auth.get("role")
    db = get_db()
    if role == "screen":
        token = auth.get("token")
        session = sessions.session_by_screen_token(db, token) if isinstance(token, str) else None
        return (Conn("screen", session.id), session, None) if session and session.is_open else None  # closed: refused
    session_id = auth.get("session")
    if not isinstance(session_id, int) or row_id(session_id) is None:  # a JSON number, not "1" or true
        return None
    if role == "participant":  # the phone's row and its workshop in one query
        found = sessions.participant_with_session(db, session_id,
                                                  request.cookies.get(participant_cookie_name(session_id)))
        if found is None:
            return None
        p, session = found
        return Conn("participant", session_id, participant_id=p.id), session, p
    session = db.get(Session, session_id)
    if session is None:
        return None
    if role == "facilitator":
        fac = current_facilitator() if cookie_session.get("fid") is not None else None
        if fac and sessions.session_for_facilitator(db, session_id, fac.id):
            return Conn("facilitator", session_id, facilitator_id=fac.id), session, None
    return None


@handlers.on("connect")
def on_connect(auth=None):
    with state_gate():  # a reconnect storm takes turns (registry.state_gate)
        return _connect(auth)


def _connect(auth) -> bool:
    who = _authenticate(auth)
    if who is None:
        log.warning("Socket.IO connection refused from %s: no valid credential", request.remote_addr)
        return False  # refused: no valid participant, screen or facilitator credential
    conn, session, participant = who
    add_conn(request.sid, conn)
    if participant is not None:
        join_room(f"s{conn.session_id}")
        join_room(f"p{conn.participant_id}")
        sessions.mark_present(get_db(), participant)
    elif conn.role == "screen":
        join_room(f"s{conn.session_id}:screen")
    else:
        join_room(f"s{conn.session_id}:fac")
        join_room(f"fac{conn.facilitator_id}")
    send_state(session, conn, request.sid)
    return True


def send_state(session: Session, conn: Conn, sid: str) -> None:
    """Everything a freshly (re)connected page needs, feature by feature in registration order, as one
    "state" message (live.handlers.State)."""
    with State(sid) as state:
        for fn in sync_senders(current_app):
            fn(session, conn, state)


@handlers.on("sync")
def on_sync_request(*_args):
    """A page asks for the whole state again (after a reload-free change such as a new group)."""
    conn = conns().get(request.sid)
    if conn is None:
        return {"ok": False}
    with state_gate():
        send_state(get_db().get(Session, conn.session_id), conn, request.sid)
    return {"ok": True}


@handlers.on("disconnect")
def on_disconnect(*_args):
    conn, last = remove_conn(request.sid)
    if conn is None or conn.role != "participant" or not last:
        return  # not a phone, or another tab or phone of the same participant is still here
    db = get_db()
    p = db.get(Participant, conn.participant_id)
    if p is not None:
        sessions.mark_left(db, p)


@handlers.on("ping_here")
def on_ping_here(*_args):
    """Phones say they are still here; the answer carries the current phase."""
    conn = conns().get(request.sid)
    if conn is None:
        return {"ok": False}
    session = get_db().get(Session, conn.session_id)
    return {"ok": True, **session_events.phase_payload(session)}
