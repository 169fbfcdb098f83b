"""Socket.IO for the Q&A: phones ask and upvote with an acknowledgement; everyone follows the questions.

Events to clients: ``qa`` (phones and projector: the shown questions, with counts only while the results
are visible; facilitator pages: every question with its count and flags) and ``qa_mine`` (one
participant's phones: their own questions, their upvotes, their questions waiting for approval).
Events from clients: ``qa_ask`` {text, name?} → {ok, held} and ``qa_upvote`` {question} → {ok, upvoted},
or {ok: false, error}.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.flipchart import service as flipchart
from workshop.live.handlers import LiveContext, LiveHandlers, State
from workshop.live.registry import Conn
from workshop.models import Session
from workshop.qa import service as qa
from workshop.sessions import service as sessions
from workshop.web.labels import QA_ERRORS

handlers = LiveHandlers()

LIVE_ERRORS = {**QA_ERRORS, "forbidden": _l("Only participants can ask and upvote questions.")}


class AskPayload(BaseModel):
    """The text and the optional name are checked by the service, as for the no-JS form."""
    model_config = ConfigDict(extra="ignore")
    text: Any = None
    name: Any = None


class UpvotePayload(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: StrictInt | StrictStr


def public_payload(session: Session, views: list[qa.QuestionView] | None = None) -> dict:
    """Phones and projector: shown questions only; counts only while the results are visible."""
    visible = qa.results_visible(session)
    if views is None:
        views = qa.board(get_db(), session) if qa.is_open(session) else []
    return {"seq": session.seq, "open": qa.is_open(session), "visible": visible,
            "named": bool(qa.settings_of(session).named),
            "questions": [v.public(visible) for v in qa.public_questions(views, session)]}


def staff_payload(session: Session, views: list[qa.QuestionView]) -> dict:
    settings = qa.settings_of(session)
    return {"seq": session.seq, "results": settings.results, "revealed": bool(settings.revealed),
            "named": bool(settings.named), "counts": qa.counts(views),
            "questions": [{**v.public(True), "hidden": v.hidden, "held": v.held, "merged_into": v.merged_into}
                          for v in views]}


def mine_payload(session: Session, participant_id: int, views: list[qa.QuestionView] | None = None) -> dict:
    if views is None:
        views = qa.board(get_db(), session, participant_id)
    return {"seq": session.seq, **qa.mine_of(views, participant_id).as_dict()}


# --- fan-out: committed changes to the rooms that may see them -------------------------------------

def broadcast(session: Session, participant_id: int | None = None, public: bool = True) -> None:
    """`public`: whether what phones and the projector see changed (else only the facilitators' pages and
    the participant's own view get it)."""
    views = qa.board(get_db(), session, participant_id)  # its `upvoted` is this participant's: one query for all
    if public:
        payload = public_payload(session, views)
        socketio.emit("qa", payload, to=f"s{session.id}")
        socketio.emit("qa", payload, to=f"s{session.id}:screen")
    socketio.emit("qa", staff_payload(session, views), to=f"s{session.id}:fac")
    if participant_id is not None:
        socketio.emit("qa_mine", mine_payload(session, participant_id, views), to=f"p{participant_id}")


@handlers.fanout(qa.QuestionAsked)
@handlers.fanout(qa.QuestionUpvoted)
@handlers.fanout(qa.QaSettingsChanged)
def on_changed(event: qa.QaChanged) -> None:
    broadcast(event.session, event.participant_id, public=changes_the_room(event))


def changes_the_room(event: qa.QaChanged) -> bool:
    """An upvote changes nothing phones and the projector see while the counts are hidden (newest first,
    no counts), nor does a question held for approval: a room of hundreds of phones is not sent the same
    list again for every vote."""
    if isinstance(event, qa.QuestionUpvoted):
        return qa.results_visible(event.session)
    if isinstance(event, qa.QuestionAsked):
        return not event.held
    return True


@handlers.fanout(qa.QuestionModerated)
def on_moderated(event: qa.QuestionModerated) -> None:
    """The asker's own view, and after a merge each upvoter's (their upvote is on the target now)."""
    broadcast(event.session, event.participant_id)
    for pid in event.voters:
        if pid != event.participant_id:
            socketio.emit("qa_mine", mine_payload(event.session, pid), to=f"p{pid}")


@handlers.fanout(flipchart.ParticipantRemoved)
def on_participant_removed(event: flipchart.ParticipantRemoved) -> None:
    """Their questions are hidden now (qa.board): every page's list without them."""
    if qa.is_open(event.session):
        broadcast(event.session)


@handlers.fanout(sessions.PhaseChanged)
def on_phase(event: sessions.PhaseChanged) -> None:
    """Into the phases with questions: phones and the projector get the list (out of them, the pages'
    CSS hides it by phase)."""
    session = event.session
    if not qa.is_open(session):
        return
    public = public_payload(session)
    for room in (f"s{session.id}", f"s{session.id}:screen"):
        socketio.emit("qa", public, to=room)


@handlers.on_sync
def send_qa_state(session: Session, conn: Conn, state: State) -> None:
    """Only while questions are open: any other phase costs a (re)connect no query."""
    if conn.role == "facilitator" or not qa.is_open(session):
        return
    pid = conn.participant_id if conn.role == "participant" else None
    views = qa.board(get_db(), session, pid)
    state.emit("qa", public_payload(session, views))
    if pid is not None:
        state.emit("qa_mine", mine_payload(session, pid, views))


# --- handlers -----------------------------------------------------------------------------------

@handlers.on("qa_ask", role="participant", schema=AskPayload, limit="qa", errors=LIVE_ERRORS)
def on_ask(ctx: LiveContext, payload: AskPayload) -> dict:
    question = qa.ask(ctx.db, ctx.session, ctx.participant, payload.text, payload.name)
    return {"ok": True, "held": question.held}


@handlers.on("qa_upvote", role="participant", schema=UpvotePayload, limit="qa", errors=LIVE_ERRORS)
def on_upvote(ctx: LiveContext, payload: UpvotePayload) -> dict:
    return {"ok": True, "upvoted": qa.upvote(ctx.db, ctx.session, ctx.participant, payload.question)}
