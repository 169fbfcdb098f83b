"""Live fan-out of campaigns: carpool leaderboard and good-deed nominations to projector and facilitator,
the good-deed vote's state to phones, and which extra panel the projector shows."""
from __future__ import annotations

from workshop.campaigns import service as campaigns
from workshop.db import get_db
from workshop.extensions import socketio
from workshop.live.handlers import LiveHandlers
from workshop.live.registry import Conn
from workshop.models import Session

handlers = LiveHandlers()


def _staff(session: Session) -> tuple[str, str]:
    return f"s{session.id}:screen", f"s{session.id}:fac"


def nominations_payload(db, session: Session) -> dict:
    return {"voting": session.good_deed_voting, "nominations": campaigns.nominations(db, session),
            "seq": session.seq}


def leaderboard_payload(db, session: Session) -> dict:
    return {**campaigns.leaderboard(db, session), "seq": session.seq}


def good_deed_payload(session: Session) -> dict:
    return {"voting": session.good_deed_voting, "seq": session.seq}


def broadcast_leaderboard(session: Session) -> None:
    payload = leaderboard_payload(get_db(), session)
    for room in _staff(session):
        socketio.emit("leaderboard", payload, to=room)


def broadcast_nominations(session: Session) -> None:
    payload = nominations_payload(get_db(), session)
    for room in _staff(session):
        socketio.emit("nominations", payload, to=room)
    socketio.emit("good_deed", good_deed_payload(session), to=f"s{session.id}")


def broadcast_panel(session: Session) -> None:
    socketio.emit("screen_panel", {"panel": session.screen_panel, "seq": session.seq}, to=f"s{session.id}:screen")


@handlers.on_sync
def send_campaign_state(session: Session, conn: Conn, sid: str) -> None:
    db = get_db()
    if conn.role == "participant":
        socketio.emit("good_deed", good_deed_payload(session), to=sid)
        return
    if conn.role == "screen":
        socketio.emit("screen_panel", {"panel": session.screen_panel, "seq": session.seq}, to=sid)
    if session.carpool_enabled:
        socketio.emit("leaderboard", leaderboard_payload(db, session), to=sid)
    if session.good_deed_enabled:
        socketio.emit("nominations", nominations_payload(db, session), to=sid)
