"""Live fan-out of the session itself: its phase to everyone, lobby counts to projector and facilitator."""
from __future__ import annotations

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.live.handlers import LiveHandlers
from workshop.live.registry import Conn, away_after
from workshop.models import Session
from workshop.sessions import service as sessions

handlers = LiveHandlers()


def phase_payload(session: Session) -> dict:
    return {"phase": session.phase, "seq": session.seq, "open": session.is_open}


def lobby_payload(session: Session) -> dict:
    counts = sessions.lobby_counts(get_db(), session, away_after())
    counts["seq"] = session.seq
    return counts


def broadcast_phase(session: Session) -> None:
    payload = phase_payload(session)
    for room in (f"s{session.id}", f"s{session.id}:screen", f"s{session.id}:fac"):
        socketio.emit("phase", payload, to=room)


def broadcast_lobby(session: Session) -> None:
    counts = lobby_payload(session)
    for room in (f"s{session.id}:screen", f"s{session.id}:fac"):
        socketio.emit("lobby", counts, to=room)


def broadcast_session(session: Session) -> None:
    """After an edit: everyone re-reads the session (titles, municipalities, phase)."""
    broadcast_phase(session)
    broadcast_lobby(session)


@handlers.fanout(sessions.ParticipantReturned)
def on_participant_returned(event: sessions.ParticipantReturned) -> None:
    broadcast_lobby(get_db().get(Session, event.session_id))


@handlers.on_sync
def send_session_state(session: Session, conn: Conn, sid: str) -> None:
    socketio.emit("phase", phase_payload(session), to=sid)
    if conn.role != "participant":
        socketio.emit("lobby", lobby_payload(session), to=sid)
