"""Live fan-out of the session itself: its phase to everyone, lobby counts to projector and facilitator."""
from __future__ import annotations

import time

from flask import current_app

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.live.handlers import LiveHandlers, State
from workshop.live.registry import Conn, away_after, close_screen_sockets
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
    """Lobby counts to the projector and the facilitator: at once when none went out in the last
    LOBBY_EVERY_SECONDS, otherwise once at the end of that window (counted then, so it includes every
    change since). Per workshop and per worker process; each worker counts from the database."""
    app = current_app._get_current_object()
    every = app.config["LOBBY_EVERY_SECONDS"]
    state = app.extensions.setdefault("paja_lobby", {"sent": {}, "pending": set()})
    now = time.monotonic()
    last = state["sent"].get(session.id)
    if every <= 0 or last is None or now - last >= every:
        state["sent"][session.id] = now
        _send_lobby(session)
    elif session.id not in state["pending"]:
        state["pending"].add(session.id)
        socketio.start_background_task(_send_lobby_later, app, session.id, last + every - now)


def _send_lobby(session: Session) -> None:
    counts = lobby_payload(session)
    for room in (f"s{session.id}:screen", f"s{session.id}:fac"):
        socketio.emit("lobby", counts, to=room)


def _send_lobby_later(app, session_id: int, delay: float) -> None:
    socketio.sleep(max(delay, 0))
    with app.app_context():
        state = app.extensions["paja_lobby"]
        state["pending"].discard(session_id)
        state["sent"][session_id] = time.monotonic()
        session = get_db().get(Session, session_id)
        if session is not None:
            _send_lobby(session)


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
    when the participant is still gone after the grace period. One check per workshop at a time,
    however many phones leave (a network blip drops them all at once); each check schedules the next
    for whoever is still within the grace period."""
    _check_away_later(current_app._get_current_object(), event.session_id, away_after() + 0.2)


def _check_away_later(app, session_id: int, delay: float) -> None:
    pending = app.extensions.setdefault("paja_away_checks", set())
    if session_id not in pending:
        pending.add(session_id)
        socketio.start_background_task(_announce_away, app, session_id, delay)


def _announce_away(app, session_id: int, delay: float) -> None:
    socketio.sleep(delay)
    app.extensions["paja_away_checks"].discard(session_id)
    with app.app_context():
        db = get_db()
        session = db.get(Session, session_id)
        if session is None:
            return
        broadcast_lobby(session)
        wait = sessions.seconds_until_next_away(db, session, away_after())
        if wait is not None:
            _check_away_later(app, session_id, wait + 0.2)


@handlers.on_sync
def send_session_state(session: Session, conn: Conn, state: State) -> None:
    state.emit("phase", phase_payload(session))
    if conn.role != "participant":
        state.emit("lobby", lobby_payload(session))
