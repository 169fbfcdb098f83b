"""Socket.IO for polls: phones answer with an acknowledgement; projector and facilitator follow results.

Events to clients: ``poll`` (phones: the open poll or null, and the phone's own answers) and
``poll_results`` (projector and facilitator: counts or the word cloud, never who answered; the
projector's copy of a poll whose results are not revealed yet has only how many have answered).
Events from clients: ``poll_answer`` {poll, choice | text} → {ok, mine} or {ok: false, error};
``poll_state`` → the same state the page gets on connect.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.live.handlers import LiveContext, LiveHandlers, State
from workshop.live.registry import Conn
from workshop.models import Poll, Session
from workshop.polls import service as polls
from workshop.web.labels import POLL_ERRORS

handlers = LiveHandlers()

ANSWER_ERRORS = {**POLL_ERRORS, "bad_request": POLL_ERRORS["no_poll"],
                 "forbidden": _l("Only participants can answer polls.")}


class AnswerPayload(BaseModel):
    """The poll's id; the choice or the text is checked by the service, as for the no-JS form."""
    model_config = ConfigDict(extra="ignore")
    poll: StrictInt | StrictStr | None = None
    choice: Any = None
    text: Any = None


def phone_payload(session: Session, poll: Poll | None, mine: polls.Mine | None = None) -> dict:
    data = {"poll": polls.phone_view(poll), "seq": session.seq}
    if poll is not None:
        data["mine"] = (mine or polls.Mine(None, [])).as_dict()
    return data


def results_payload(session: Session, poll: Poll | None, facilitator: bool = False) -> dict:
    """The facilitator's copy has the running results always; the projector's only once visible."""
    if poll is None:
        return {"poll": None, "seq": session.seq}
    view = polls.results if facilitator else polls.shown_results
    return {"poll": view(get_db(), poll), "seq": session.seq}


def own_phone_payload(session: Session, participant_id: int) -> dict:
    db = get_db()
    poll = polls.open_poll_of(db, session)
    return phone_payload(session, poll, polls.mine(db, poll, participant_id) if poll else None)


# --- fan-out: committed changes to the rooms that may see them -------------------------------------

def broadcast_results(session: Session, poll: Poll | None = None) -> None:
    """Projector and facilitator: results of what the projector shows (and of `poll`, if another)."""
    shown = polls.shown_poll(get_db(), session)
    socketio.emit("poll_results", results_payload(session, shown), to=f"s{session.id}:screen")
    socketio.emit("poll_results", results_payload(session, shown, facilitator=True), to=f"s{session.id}:fac")
    if poll is not None and (shown is None or shown.id != poll.id):
        socketio.emit("poll_results", results_payload(session, poll, facilitator=True), to=f"s{session.id}:fac")


@handlers.fanout(polls.PollOpened)
@handlers.fanout(polls.PollClosed)
@handlers.fanout(polls.PollDeleted)
def broadcast_poll(event: polls.PollOpened | polls.PollClosed | polls.PollDeleted) -> None:
    """Phones show the open poll (or none), the projector its results."""
    db, session = get_db(), event.session
    poll = polls.open_poll_of(db, session)
    socketio.emit("poll", phone_payload(session, poll), to=f"s{session.id}")
    if poll is not None:  # a re-opened poll: those who answered before see their answers again
        for pid in polls.participants_with_answers(db, poll):
            socketio.emit("poll", phone_payload(session, poll, polls.mine(db, poll, pid)), to=f"p{pid}")
    broadcast_results(session)


@handlers.fanout(polls.PollWordRemoved)
@handlers.fanout(polls.HeldAnswersReviewed)
@handlers.fanout(polls.PollResultsChanged)
def on_results_changed(event: polls.PollWordRemoved | polls.HeldAnswersReviewed | polls.PollResultsChanged) -> None:
    broadcast_results(event.session, event.poll)


@handlers.fanout(polls.PollAnswered)
def on_answered(event: polls.PollAnswered) -> None:
    """The participant's other tabs, the projector and the facilitator follow."""
    socketio.emit("poll", phone_payload(event.session, event.poll, event.mine), to=f"p{event.participant_id}")
    broadcast_results(event.session, event.poll)


# --- handlers -----------------------------------------------------------------------------------

@handlers.on_sync
def send_poll_state(session: Session, conn: Conn, state: State) -> None:
    if conn.role == "participant":
        state.emit("poll", own_phone_payload(session, conn.participant_id))
    else:
        state.emit("poll_results", results_payload(session, polls.shown_poll(get_db(), session),
                                                   facilitator=conn.role == "facilitator"))


@handlers.on("poll_state", role=("participant", "screen", "facilitator"),
             errors={"bad_request": POLL_ERRORS["not_participant"]})
def on_poll_state(ctx: LiveContext, _payload) -> dict:
    if ctx.participant is not None:
        return {"ok": True, **own_phone_payload(ctx.session, ctx.participant.id)}
    return {"ok": True, **results_payload(ctx.session, polls.shown_poll(ctx.db, ctx.session),
                                          facilitator=ctx.conn.role == "facilitator")}


@handlers.on("poll_answer", role="participant", schema=AnswerPayload, limit="poll", errors=ANSWER_ERRORS)
def on_poll_answer(ctx: LiveContext, payload: AnswerPayload) -> dict:
    answered = polls.answer(ctx.db, ctx.session, ctx.participant, payload.poll,
                            choice=payload.choice, text=payload.text)
    return {"ok": True, "mine": answered.mine.as_dict()}
