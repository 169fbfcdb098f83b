"""Live updates for registrations, feedback and campaigns.

Server → client: ``registrations`` (headcount; facilitator only), ``feedback`` (answer count and
rating counts; projector and facilitator, never the free texts), ``leaderboard`` (carpool contest)
and ``nominations`` (good deed award; projector and facilitator), ``screen_panel`` (which extra
panel the projector shows), ``good_deed`` (phones: voting opened or closed).
"""
from __future__ import annotations

from . import campaigns, feedback, live, registrations, socketio
from .db import get_db
from .models import Session


def _staff(session: Session) -> tuple[str, str]:
    return f"s{session.id}:screen", f"s{session.id}:fac"


def registrations_payload(db, session: Session) -> dict:
    return {**registrations.headcount(db, session), "seq": session.seq}


def feedback_payload(db, session: Session) -> dict:
    r = feedback.results(db, session)
    return {"count": r["count"], "average": r["average"], "overall": r["overall"], "come_again": r["come_again"],
            "seq": session.seq}


def nominations_payload(db, session: Session) -> dict:
    return {"voting": session.good_deed_voting, "nominations": campaigns.nominations(db, session),
            "seq": session.seq}


def broadcast_registrations(session: Session) -> None:
    socketio.emit("registrations", registrations_payload(get_db(), session), to=f"s{session.id}:fac")


def broadcast_feedback(session: Session) -> None:
    payload = feedback_payload(get_db(), session)
    for room in _staff(session):
        socketio.emit("feedback", payload, to=room)


def broadcast_leaderboard(session: Session) -> None:
    payload = {**campaigns.leaderboard(get_db(), session), "seq": session.seq}
    for room in _staff(session):
        socketio.emit("leaderboard", payload, to=room)


def broadcast_nominations(session: Session) -> None:
    payload = nominations_payload(get_db(), session)
    for room in _staff(session):
        socketio.emit("nominations", payload, to=room)
    socketio.emit("good_deed", {"voting": session.good_deed_voting, "seq": session.seq}, to=f"s{session.id}")


def broadcast_panel(session: Session) -> None:
    socketio.emit("screen_panel", {"panel": session.screen_panel, "seq": session.seq}, to=f"s{session.id}:screen")


@live.on_sync
def send_outreach_state(session: Session, conn: live.Conn, sid: str) -> None:
    db = get_db()
    if conn.role == "participant":
        socketio.emit("good_deed", {"voting": session.good_deed_voting, "seq": session.seq}, to=sid)
        return
    if conn.role == "facilitator":
        socketio.emit("registrations", registrations_payload(db, session), to=sid)
    else:
        socketio.emit("screen_panel", {"panel": session.screen_panel, "seq": session.seq}, to=sid)
    socketio.emit("feedback", feedback_payload(db, session), to=sid)
    if session.carpool_enabled:
        socketio.emit("leaderboard", {**campaigns.leaderboard(db, session), "seq": session.seq}, to=sid)
    if session.good_deed_enabled:
        socketio.emit("nominations", nominations_payload(db, session), to=sid)
