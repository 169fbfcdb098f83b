"""Socket.IO for polls: phones answer with an acknowledgement; projector and facilitator follow results.

Events to clients: ``poll`` (phones: the open poll or null, and the phone's own answers) and
``poll_results`` (projector and facilitator: counts or the word cloud, never who answered).
Events from clients: ``poll_answer`` {poll, choice | text} → {ok, mine} or {ok: false, error};
``poll_state`` → the same state the page gets on connect.
"""
from __future__ import annotations

from flask_babel import gettext as _

from workshop.extensions import socketio
from workshop.live import registry as live
from workshop.polls import service as polls
from workshop.db import get_db
from workshop.web.labels import POLL_ERRORS
from workshop.models import Participant, Poll, Session
from workshop.polls.service import PollError
from workshop.live.handlers import LiveHandlers

handlers = LiveHandlers()


def error_message(key: str) -> str:
    return str(POLL_ERRORS[key])


def phone_payload(session: Session, poll: Poll | None, mine: polls.Mine | None = None) -> dict:
    data = {"poll": polls.phone_view(poll), "seq": session.seq}
    if poll is not None:
        data["mine"] = (mine or polls.Mine(None, [])).as_dict()
    return data


def results_payload(session: Session, poll: Poll | None) -> dict:
    return {"poll": polls.results(get_db(), poll) if poll is not None else None, "seq": session.seq}


def own_phone_payload(session: Session, participant_id: int) -> dict:
    db = get_db()
    poll = polls.open_poll_of(db, session)
    return phone_payload(session, poll, polls.mine(db, poll, participant_id) if poll else None)


# --- broadcasts (after the domain call has committed) -------------------------------------------

def broadcast_results(session: Session, poll: Poll | None = None) -> None:
    """Projector and facilitator: results of what the projector shows (and of `poll`, if another)."""
    shown = polls.shown_poll(get_db(), session)
    payload = results_payload(session, shown)
    for room in (f"s{session.id}:screen", f"s{session.id}:fac"):
        socketio.emit("poll_results", payload, to=room)
    if poll is not None and (shown is None or shown.id != poll.id):
        socketio.emit("poll_results", results_payload(session, poll), to=f"s{session.id}:fac")


def broadcast_poll(session: Session) -> None:
    """After open, close or delete: phones show the open poll (or none), the projector its results."""
    db = get_db()
    poll = polls.open_poll_of(db, session)
    socketio.emit("poll", phone_payload(session, poll), to=f"s{session.id}")
    if poll is not None:  # a re-opened poll: those who answered before see their answers again
        for pid in polls.participants_with_answers(db, poll):
            socketio.emit("poll", phone_payload(session, poll, polls.mine(db, poll, pid)), to=f"p{pid}")
    broadcast_results(session)


def after_answer(session: Session, poll: Poll, participant_id: int) -> dict:
    """An answer was saved: the participant's other tabs, the projector and the facilitator follow."""
    mine = polls.mine(get_db(), poll, participant_id)
    socketio.emit("poll", phone_payload(session, poll, mine), to=f"p{participant_id}")
    broadcast_results(session, poll)
    return mine.as_dict()


# --- handlers -----------------------------------------------------------------------------------

@handlers.on_sync
def send_poll_state(session: Session, conn: live.Conn, sid: str) -> None:
    if conn.role == "participant":
        socketio.emit("poll", own_phone_payload(session, conn.participant_id), to=sid)
    else:
        socketio.emit("poll_results", results_payload(session, polls.shown_poll(get_db(), session)), to=sid)


@handlers.on("poll_state")
def on_poll_state(*_args):
    conn = live.current_conn()
    if conn is None:
        return {"ok": False}
    session = get_db().get(Session, conn.session_id)
    if conn.role == "participant":
        return {"ok": True, **own_phone_payload(session, conn.participant_id)}
    return {"ok": True, **results_payload(session, polls.shown_poll(get_db(), session))}


@handlers.on("poll_answer")
def on_poll_answer(data=None, *_args):
    conn = live.current_conn()
    if conn is None or conn.role != "participant":
        return {"ok": False, "error": _("Only participants can answer polls.")}
    if not isinstance(data, dict):
        return {"ok": False, "error": error_message("no_poll")}
    db = get_db()
    session = db.get(Session, conn.session_id)
    participant = db.get(Participant, conn.participant_id)
    if participant is None:
        return {"ok": False, "error": error_message("not_participant")}
    if not live.within_limit("poll", participant.id):
        return {"ok": False, "error": error_message("too_fast")}
    try:
        poll = polls.answer(db, session, participant, data.get("poll"),
                            choice=data.get("choice"), text=data.get("text"))
    except PollError as exc:
        db.rollback()
        return {"ok": False, "error": error_message(exc.args[0])}
    return {"ok": True, "mine": after_answer(session, poll, participant.id)}
