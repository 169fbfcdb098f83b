"""Live fan-out of the session itself: its phase to everyone, lobby counts to projector and facilitator."""
from __future__ import annotations

from flask import current_app

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.live.handlers import LiveHandlers
from workshop.live.registry import Conn, away_after, close_screen_sockets
from workshop.models import Participant, Session
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


@handlers.fanout(sessions.SessionEdited)
def on_session_edited(event: sessions.SessionEdited) -> None:
    """Everyone re-reads the session (titles, municipalities, phase)."""
    broadcast_phase(event.session)
    broadcast_lobby(event.session)


@handlers.fanout(sessions.PhaseChanged)
def on_phase_changed(event: sessions.PhaseChanged) -> None:
    broadcast_phase(event.session)


@handlers.fanout(sessions.SessionClosed)
def on_session_closed(event: sessions.SessionClosed) -> None:
    broadcast_phase(event.session)  # "open": false; pages show the workshop as closed
    close_screen_sockets(event.session.id)  # the projector reloads to its "closed" page; no socket after


@handlers.fanout(sessions.ScreenLinkRotated)
def on_screen_link_rotated(event: sessions.ScreenLinkRotated) -> None:
    close_screen_sockets(event.session.id)  # whoever held the old link hears nothing more


@handlers.fanout(sessions.RoomLocked)
def on_room_locked(event: sessions.RoomLocked) -> None:
    broadcast_lobby(event.session)


@handlers.fanout(sessions.ParticipantJoined)
def on_participant_joined(event: sessions.ParticipantJoined) -> None:
    broadcast_lobby(event.session)


@handlers.fanout(sessions.ParticipantReturned)
def on_participant_returned(event: sessions.ParticipantReturned) -> None:
    broadcast_lobby(get_db().get(Session, event.session_id))


@handlers.fanout(sessions.ParticipantLeft)
def on_participant_left(event: sessions.ParticipantLeft) -> None:
    """A phone dropping for a moment (a tunnel, a reload) is no news: the projector hears of it only
    when the participant is still gone after the grace period."""
    app = current_app._get_current_object()
    socketio.start_background_task(_announce_away, app, event.session_id, event.participant_id)


def _announce_away(app, session_id: int, participant_id: int) -> None:
    socketio.sleep(app.config["AWAY_AFTER_SECONDS"] + 0.2)
    with app.app_context():
        db = get_db()
        p = db.get(Participant, participant_id)
        if p is not None and p.left_at is not None:
            broadcast_lobby(db.get(Session, session_id))


@handlers.on_sync
def send_session_state(session: Session, conn: Conn, sid: str) -> None:
    socketio.emit("phase", phase_payload(session), to=sid)
    if conn.role != "participant":
        socketio.emit("lobby", lobby_payload(session), to=sid)
