"""The room-wide Q&A: participants ask the panel and upvote each other's questions; the facilitator
pins, marks answered, hides, merges and approves what the word filter held; counts show live or only
once revealed (the results-visibility setting shared with polls and votes: "live" or "reveal").

Each change bumps the session's sequence number, commits, then publishes a QaChanged event that
qa/events.py sends to the rooms. `board` is the one read of the questions (live pages and exports).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session as DB

from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.ids import row_id
from workshop.core.text import TextError, clean_text
from workshop.core.visibility import RESULTS_MODES
from workshop.flipchart.service import held_by_filter
from workshop.models import Participant, Session
from workshop.qa.models import QaQuestion, QaSettings, QaUpvote
from workshop.sessions.service import bump

QA_PHASES = ("info", "qa")  # questions come up during the talks too; the "qa" step puts them on the projector
MAX_QUESTION = 300
MAX_NAME = 60
SCREEN_TOP = 6
MODERATIONS = ("pin", "unpin", "answer", "unanswer", "hide", "unhide", "approve", "merge")

TEXT_ERRORS = {"empty": "empty", "type": "empty", "too_long": "too_long", "control": "control"}
NAME_ERRORS = {"empty": "name_too_long", "type": "name_too_long", "too_long": "name_too_long", "control": "control"}


class QaError(DomainError):
    """args[0]: "closed", "empty", "too_long", "control", "name_too_long", "not_found", "own_question",
    "bad_merge", "bad_setting"."""


# --- domain events: published after each commit, sent to the rooms by qa/events.py ------------------

@dataclass(frozen=True)
class QaChanged(DomainEvent):
    """The room's questions or the Q&A's settings changed; `participant_id`: whose own view changed too."""
    session: Session
    participant_id: int | None = None


@dataclass(frozen=True)
class QuestionAsked(QaChanged):
    held: bool = False


@dataclass(frozen=True)
class QuestionUpvoted(QaChanged):
    question_id: int = 0
    upvoted: bool = True


@dataclass(frozen=True)
class QuestionModerated(QaChanged):
    question_id: int = 0
    action: str = ""
    voters: tuple[int, ...] = ()  # a merge: the duplicate's upvoters, whose upvote is the target's now


@dataclass(frozen=True)
class QaSettingsChanged(QaChanged):
    """Anonymous or named, results live or on reveal, or the facilitator revealed the results."""


# --- what pages read ------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuestionView:
    id: int
    text: str
    name: str | None
    votes: int
    pinned: bool
    answered: bool
    hidden: bool
    held: bool
    merged_into: int | None
    participant_id: int | None
    upvoted: bool  # by the participant the board was read for

    @property
    def shown(self) -> bool:
        """Whether phones and the projector see it at all (never hidden, held or merged ones)."""
        return not (self.hidden or self.held or self.merged_into)

    def public(self, with_votes: bool) -> dict:
        data = {"id": self.id, "text": self.text, "name": self.name, "pinned": self.pinned, "answered": self.answered}
        if with_votes:
            data["votes"] = self.votes
        return data


@dataclass(frozen=True)
class Mine:
    """One participant's part: their questions shown, their upvotes, their questions waiting for approval."""
    asked: list[int]
    upvoted: list[int]
    waiting: list[str]

    def as_dict(self) -> dict:
        return {"asked": self.asked, "upvoted": self.upvoted, "waiting": self.waiting}


def settings_of(session: Session) -> QaSettings:
    return session.qa_settings or QaSettings(session_id=session.id, named=False, results="reveal", revealed=False)


def editable_settings(session: Session) -> QaSettings:
    if session.qa_settings is None:
        session.qa_settings = QaSettings(named=False, results="reveal", revealed=False)
    return session.qa_settings


def results_visible(session: Session) -> bool:
    """Whether phones and the projector see the counts (and the order by count) now."""
    settings = settings_of(session)
    return settings.results == "live" or bool(settings.revealed)


def is_open(session: Session) -> bool:
    return session.is_open and session.phase in QA_PHASES


def board(db: DB, session: Session, participant_id: int | None = None) -> list[QuestionView]:
    """Every question of the session with its count, in the order of `ordered` by votes; one query. A
    participant the facilitator removed has their questions hidden, as their notes are."""
    votes = func.count(QaUpvote.id)
    mine = func.coalesce(func.sum(case((QaUpvote.participant_id == (participant_id or 0), 1), else_=0)), 0)
    rows = db.execute(select(QaQuestion, votes, mine, Participant.removed)
                      .outerjoin(QaUpvote, QaUpvote.question_id == QaQuestion.id)
                      .outerjoin(Participant, Participant.id == QaQuestion.participant_id)
                      .where(QaQuestion.session_id == session.id).group_by(QaQuestion.id, Participant.removed))
    views = [QuestionView(q.id, q.text, q.name, int(n), bool(q.pinned), bool(q.answered), bool(q.hidden or removed),
                          bool(q.held), q.merged_into_id, q.participant_id, bool(m)) for q, n, m, removed in rows]
    return ordered(views, by_votes=True)


def ordered(views: list[QuestionView], by_votes: bool) -> list[QuestionView]:
    """Pinned first, answered last; between them by votes (then the older first), or newest first while
    the results are not visible (no order by count gives the counts away)."""
    if by_votes:
        return sorted(views, key=lambda v: (not v.pinned, v.answered, -v.votes, v.id))
    return sorted(views, key=lambda v: (not v.pinned, v.answered, -v.id))


def public_questions(views: list[QuestionView], session: Session) -> list[QuestionView]:
    """What phones and the projector may see, in the order they may see it."""
    return ordered([v for v in views if v.shown], by_votes=results_visible(session))


def mine_of(views: list[QuestionView], participant_id: int) -> Mine:
    return Mine([v.id for v in views if v.participant_id == participant_id and v.shown],
                [v.id for v in views if v.upvoted and v.shown],
                [v.text for v in views if v.participant_id == participant_id and v.held and not v.hidden])


def counts(views: list[QuestionView]) -> dict:
    return {"shown": sum(v.shown for v in views), "held": sum(v.held and not v.hidden for v in views),
            "answered": sum(v.shown and v.answered for v in views), "votes": sum(v.votes for v in views if v.shown)}


# --- participants ---------------------------------------------------------------------------------

def _clean(value, limit: int, errors: dict, required: bool = True) -> str | None:
    try:
        return clean_text(value, limit, collapse=True, required=required)
    except TextError as exc:
        raise QaError(errors[exc.reason]) from None


def ask(db: DB, session: Session, participant: Participant, text, name=None) -> QaQuestion:
    """A new question; anonymous unless the workshop allows names and one is given. A question with a
    word of the word filter waits, unseen, for the facilitator's approval."""
    if not is_open(session):
        raise QaError("closed")
    text = _clean(text, MAX_QUESTION, TEXT_ERRORS)
    signed = _clean(name, MAX_NAME, NAME_ERRORS, required=False) if settings_of(session).named else None
    held = held_by_filter(session, text) or held_by_filter(session, signed)
    question = QaQuestion(session_id=session.id, participant_id=participant.id, text=text, name=signed,
                          pinned=False, answered=False, hidden=False, held=held)
    db.add(question)
    bump(session)
    db.commit()
    publish(QuestionAsked(session, participant.id, held=held))
    return question


def _question(db: DB, session: Session, question_id) -> QaQuestion:
    question = db.get(QaQuestion, row_id(question_id) or 0)
    if question is None or question.session_id != session.id:
        raise QaError("not_found")
    return question


def upvote(db: DB, session: Session, participant: Participant, question_id) -> bool:
    """One upvote per participant and question; pressing again takes it back. Not one's own question.
    Returns whether the participant's upvote is on now."""
    if not is_open(session):
        raise QaError("closed")
    question = _question(db, session, question_id)
    if question.hidden or question.held or question.merged_into_id:
        raise QaError("not_found")
    if question.participant_id == participant.id:
        raise QaError("own_question")
    existing = db.scalar(select(QaUpvote).where(QaUpvote.question_id == question.id,
                                                QaUpvote.participant_id == participant.id))
    if existing is None:
        db.add(QaUpvote(question_id=question.id, participant_id=participant.id))
    else:
        db.delete(existing)
    bump(session)
    db.commit()
    publish(QuestionUpvoted(session, participant.id, question_id=question.id, upvoted=existing is None))
    return existing is None


# --- the facilitator team -------------------------------------------------------------------------

def moderate(db: DB, session: Session, question_id, action: str, target_id=None) -> QaQuestion:
    """pin/unpin, answer/unanswer, hide/unhide, approve (a held question shows), merge (into target_id)."""
    if action not in MODERATIONS:
        raise QaError("bad_setting")
    question = _question(db, session, question_id)
    voters: tuple[int, ...] = ()
    if action == "merge":
        try:
            target = _question(db, session, target_id)
        except QaError:
            raise QaError("bad_merge") from None  # the form's choice, not the question acted on
        voters = _merge(db, session, question, target)
    elif action in ("pin", "unpin"):
        question.pinned = action == "pin"
    elif action in ("answer", "unanswer"):
        question.answered = action == "answer"
    elif action in ("hide", "unhide"):
        question.hidden = action == "hide"
        question.held = False  # shown: approved; hidden: the facilitator's own decision
    else:
        question.held = question.hidden = False
    bump(session)
    db.commit()
    publish(QuestionModerated(session, question.participant_id, question_id=question.id, action=action,
                              voters=voters))
    return question


def _merge(db: DB, session: Session, source: QaQuestion, target: QaQuestion) -> tuple[int, ...]:
    """The duplicate disappears into the target: its upvotes move along, each voter counted once (and
    never the target's own asker); what was merged into the duplicate before follows it."""
    if source.id == target.id or target.merged_into_id is not None or source.merged_into_id is not None:
        raise QaError("bad_merge")
    source.merged_into_id = target.id
    for earlier in db.scalars(select(QaQuestion).where(QaQuestion.merged_into_id == source.id)):
        earlier.merged_into_id = target.id
    voters = set(db.scalars(select(QaUpvote.participant_id).where(QaUpvote.question_id == target.id)))
    voters.add(target.participant_id)
    moved = []
    for vote in db.scalars(select(QaUpvote).where(QaUpvote.question_id == source.id)):
        moved.append(vote.participant_id)
        if vote.participant_id in voters:
            db.delete(vote)
        else:
            vote.question_id = target.id
            voters.add(vote.participant_id)
    return tuple(moved)


def set_settings(db: DB, session: Session, named, results) -> QaSettings:
    """Anonymous or named questions; results "live" or on "reveal" (choosing it hides them again)."""
    if results not in RESULTS_MODES:
        raise QaError("bad_setting")
    settings = editable_settings(session)
    if results != settings.results:
        settings.revealed = False
    settings.named = bool(named)
    settings.results = results
    bump(session)
    db.commit()
    publish(QaSettingsChanged(session))
    return settings


def reveal(db: DB, session: Session) -> QaSettings:
    """Phones and the projector see the counts and the order by votes from now on."""
    settings = editable_settings(session)
    settings.revealed = True
    bump(session)
    db.commit()
    publish(QaSettingsChanged(session))
    return settings
