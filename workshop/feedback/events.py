"""Live fan-out of feedback: the answer count and ratings to projector and facilitator, never free texts."""
from __future__ import annotations

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.feedback import service as feedback
from workshop.live.handlers import LiveHandlers, State
from workshop.live.registry import Conn
from workshop.models import Session

handlers = LiveHandlers()


def feedback_payload(db, session: Session) -> dict:
    r = feedback.results(db, session)
    return {"count": r["count"], "average": r["average"], "overall": r["overall"], "come_again": r["come_again"],
            "seq": session.seq}


@handlers.fanout(feedback.FeedbackGiven)
def count_to_staff(event: feedback.FeedbackGiven) -> None:
    session = event.session
    payload = feedback_payload(get_db(), session)
    for room in (f"s{session.id}:screen", f"s{session.id}:fac"):
        socketio.emit("feedback", payload, to=room)


@handlers.on_sync
def send_feedback_state(session: Session, conn: Conn, state: State) -> None:
    if conn.role != "participant":
        state.emit("feedback", feedback_payload(get_db(), session))
