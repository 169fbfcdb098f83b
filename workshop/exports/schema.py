"""The declared shape of the JSON import: version 1 of the session document (README "JSON export format").

Strict pydantic models: JSON types exactly as `document.load_session` writes them, texts no longer
than their database columns, enumerations from `workshop.models`. Unknown fields are ignored (a
newer export may add optional ones). `Document` also checks every cross-reference — participant
and note keys, question positions — so importer.py can build the workshop without second-guessing.
A broken rule raises ValueError with the sentence the importer shows (e.g. "unknown phase: 'x'");
a file that is no Paja session at all is a NOT_A_SESSION error, told apart from a damaged one.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from workshop.core.visibility import RESULTS_MODES
from workshop.exports.document import SCHEMA, VERSION
from workshop.feedback.service import COME_AGAIN
from workshop.models import (
    BACKGROUNDS,
    CONTENT_LANGUAGES,
    DIETS,
    GROUP_COLOURS,
    PHASES,
    PLAN_STATUSES,
    QUESTION_MODES,
    REGISTRATION_STATUSES,
    STRATEGIES,
    VOTING_STATES,
    AgendaItem,
    Carpool,
    FeedbackAnswer,
    Group,
    Nomination,
    Note,
    Participant,
    PlanItem,
    PlanUpdate,
    Poll,
    PollAnswer,
    Question,
    Registration,
    Series,
    Session,
    SessionMunicipality,
    Theme,
)
from workshop.polls.service import KINDS as POLL_KINDS
from workshop.qa.models import QaQuestion
from workshop.themes.models import CommonTheme


def _text(column) -> Any:
    """A string that fits its database column (PostgreSQL refuses longer ones)."""
    return Annotated[str, StringConstraints(max_length=column.type.length)]


def _one_of(allowed, what: str) -> Any:
    """One of the allowed names, refused with today's sentence ("unknown phase: 'x'")."""
    allowed = tuple(allowed)  # compared with ==: a list or a dict in the file cannot break the check

    def check(value):
        if value not in allowed:
            raise ValueError(f"unknown {what}: {value!r}")
        return value
    return Annotated[str, BeforeValidator(check)]


def _instant(value):
    """An ISO 8601 time; one without a zone is UTC (as the database takes it)."""
    if value is None or isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a time: {value!r}")
    return datetime.fromisoformat(value)  # its ValueError names the bad text


def _wall_clock(value):
    """A local wall-clock time without a zone (the session's start)."""
    value = _instant(value)
    if value is not None and value.tzinfo is not None:
        raise ValueError("starts_at is a wall-clock time without a time zone")
    return value


Time = Annotated[datetime, BeforeValidator(_instant)]
WallClock = Annotated[datetime, BeforeValidator(_wall_clock)]
Key = Annotated[int, Field(ge=1)]  # a participant's or a note's local key
NOT_A_SESSION = "not_a_session"


class Part(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


# --- the session --------------------------------------------------------------------------------

class Agenda(Part):
    title: _text(AgendaItem.title)
    minutes: int


class ThemeData(Part):
    title: _text(Theme.title)
    questions: list[_text(Question.text)]


class SessionData(Part):
    title: _text(Session.title)
    starts_at: WallClock | None
    host_municipality: _text(Session.host_municipality) | None
    municipalities: list[_text(SessionMunicipality.code)]
    series: _text(Series.name) | None
    phase: _one_of(PHASES, "phase")
    open: bool
    created_at: Time
    closed_at: Time | None
    allow_vote_stacking: bool
    presenting_group: int | None
    content_language: _one_of(CONTENT_LANGUAGES, "content language") = "fi"  # absent in files before 0015
    vote_results: _one_of(RESULTS_MODES, "vote results") = "reveal"  # absent in files before 0025
    votes_revealed: bool = False
    agenda: list[Agenda]
    themes: list[ThemeData]


class ParticipantData(Part):
    key: Key
    municipality: _text(Participant.municipality)
    background: _one_of(BACKGROUNDS, "background")
    organisation: _text(Participant.organisation) | None
    contact_person: bool
    first_name: _text(Participant.first_name) | None
    names_consented: bool
    joined_at: Time
    absent: bool
    removed: bool
    without_phone: bool = False


# --- rounds, groups, notes ----------------------------------------------------------------------

class QuestionRef(Part):
    theme: Annotated[int, Field(ge=0)]
    question: Annotated[int, Field(ge=0)]


class Member(Part):
    participant: Key
    late: bool


class NoteData(Part):
    key: Key
    author: Key | None
    # A member without a phone's note: the group member whose phone wrote it (their scribe).
    written_by: Key | None = None
    text: _text(Note.text)
    hidden: bool
    held: bool = False
    merged_into: Key | None
    edited: bool
    top_rank: int | None
    created_at: Time
    updated_at: Time
    votes: list[Key]


class GroupData(Part):
    number: int
    colour: _one_of(dict(GROUP_COLOURS), "colour")
    table: _text(Group.table_label) | None
    municipality: _text(Group.municipality) | None
    question: QuestionRef | None
    voting: _one_of(VOTING_STATES, "voting state")
    members: list[Member]
    notes: list[NoteData]


class RoundData(Part):
    number: int
    strategy: _one_of(STRATEGIES, "strategy")
    group_size: int | None
    group_count: int | None
    merge_small: bool
    question_mode: _one_of(QUESTION_MODES, "question mode")
    seed: int
    created_at: Time
    published_at: Time | None
    groups: list[GroupData]


# --- polls and plans ----------------------------------------------------------------------------

class Answer(Part):
    participant: Key
    choice: int | None
    text: _text(PollAnswer.text) | None
    created_at: Time
    held: bool = False


class PollData(Part):
    kind: _one_of(POLL_KINDS, "poll kind")
    question: _text(Poll.question)
    options: list[str]
    open: bool
    created_at: Time
    closed_at: Time | None
    answers: list[Answer]
    show_results: _one_of(RESULTS_MODES, "poll results") = "live"  # absent in files before 0025: shown live
    revealed: bool = False


class Follow(Part):
    status: _one_of(PLAN_STATUSES, "plan status")
    comment: _text(PlanUpdate.comment) | None
    by_facilitator: bool
    in_this_workshop: bool
    created_at: Time


class PlanData(Part):
    municipality: _text(PlanItem.municipality)
    what: _text(PlanItem.what)
    owner: _text(PlanItem.owner) | None
    due: _text(PlanItem.due) | None
    status: _one_of(PLAN_STATUSES, "plan status")
    source_note: Key | None
    created_at: Time
    updated_at: Time
    history: list[Follow]


# --- before and after the evening (optional fields of version 1) -----------------------------------

class RegistrationData(Part):
    name: _text(Registration.name)
    email: _text(Registration.email) | None
    phone: _text(Registration.phone) | None
    municipality: _text(Registration.municipality)
    organisation: _text(Registration.organisation) | None
    background: _one_of(BACKGROUNDS, "background")
    diets: list[_one_of(DIETS, "diet")]
    diet_other: _text(Registration.diet_other) | None
    accessibility: _text(Registration.accessibility) | None
    status: _one_of(REGISTRATION_STATUSES, "registration status")
    participant: Key | None
    created_at: Time
    cancelled_at: Time | None


class FeedbackAnswerData(Part):
    overall: Annotated[int, Field(ge=1, le=5)] | None
    most_useful: _text(FeedbackAnswer.most_useful) | None
    should_change: _text(FeedbackAnswer.should_change) | None
    come_again: _one_of(COME_AGAIN, "come-again answer") | None
    extra: _text(FeedbackAnswer.extra) | None
    via_link: bool


class FeedbackData(Part):
    questions: dict[str, Any] | None = None  # the organiser's wording, stored as it is
    answers: list[FeedbackAnswerData] = []


class CarpoolData(Part):
    name: _text(Carpool.name)
    municipality: _text(Carpool.municipality) | None
    passengers: int
    kilometres: int
    created_at: Time


class NominationData(Part):
    nominee: _text(Nomination.nominee)
    deed: _text(Nomination.deed)
    municipality: _text(Nomination.municipality) | None
    hidden: bool
    picked: bool
    votes: list[Key]
    created_at: Time


class AuditData(Part):
    who: str | None
    action: str
    at: Time


class CommonThemeData(Part):
    label: _text(CommonTheme.label)
    notes: list[Key]
    related: list[Annotated[str, Field(max_length=120)]] = []


class CommonThemesData(Part):
    shown: bool = False
    themes: list[CommonThemeData] = []


class QaQuestionData(Part):
    key: Key
    author: Key | None = None
    text: _text(QaQuestion.text)
    name: _text(QaQuestion.name) | None = None
    pinned: bool = False
    answered: bool = False
    hidden: bool = False
    held: bool = False
    merged_into: Key | None = None
    created_at: Time
    votes: list[Key] = []  # who upvoted (participants' keys), one each


class QaData(Part):
    named: bool = False
    results: _one_of(RESULTS_MODES, "results setting") = "reveal"
    revealed: bool = False
    questions: list[QaQuestionData] = []


# --- the whole document -------------------------------------------------------------------------

class Document(Part):
    session: SessionData
    participants: list[ParticipantData]
    rounds: list[RoundData]
    polls: list[PollData]
    plan: list[PlanData]
    registrations: list[RegistrationData] = []
    feedback: FeedbackData | None = None
    carpools: list[CarpoolData] = []
    nominations: list[NominationData] = []
    common_themes: CommonThemesData | None = None
    qa: QaData | None = None
    audit: list[AuditData] = []  # read, not imported: the history names another installation's people

    @model_validator(mode="before")
    @classmethod
    def a_whole_paja_session(cls, data):
        """The header first: what this file is, before anything inside it."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            reason = f'not a Paja session export (no "schema": "{SCHEMA}")'
        elif data.get("version") != VERSION:
            reason = f"export format version {data.get('version')!r}; this Paja reads version {VERSION}"
        elif "municipality" in data:
            reason = "a one-municipality export cannot be imported; export the whole workshop"
        else:
            return data
        raise PydanticCustomError(NOT_A_SESSION, reason)

    @model_validator(mode="after")
    def references_resolve(self):
        """Every key and position points at something in the file, and nothing is there twice."""
        people = _unique([p.key for p in self.participants], "participant", "participants")
        note_keys = [n.key for r in self.rounds for g in r.groups for n in g.notes]
        notes = _unique(note_keys, "note", "rounds[].groups[].notes")
        _unique([r.number for r in self.rounds], "round number", "rounds")
        themes = self.session.themes

        for i, r in enumerate(self.rounds):
            _unique([g.number for g in r.groups], "group number", f"rounds[{i}].groups")
            members = [m.participant for g in r.groups for m in g.members]
            _unique(members, "participant", f"rounds[{i}].groups[].members")  # one group a round
            for j, g in enumerate(r.groups):
                where = f"rounds[{i}].groups[{j}]"
                q = g.question
                if q is not None and not (q.theme < len(themes) and q.question < len(themes[q.theme].questions)):
                    raise ValueError(f"no question {q.question} in theme {q.theme} (at {where}.question)")
                _known([m.participant for m in g.members], people, "participant", f"{where}.members")
                for k, n in enumerate(g.notes):
                    _known([n.author], people, "participant", f"{where}.notes[{k}].author")
                    _known([n.written_by], people, "participant", f"{where}.notes[{k}].written_by")
                    _known(n.votes, people, "participant", f"{where}.notes[{k}].votes")
                    _known([n.merged_into], notes, "note", f"{where}.notes[{k}].merged_into")
        for i, p in enumerate(self.polls):
            _known([a.participant for a in p.answers], people, "participant", f"polls[{i}].answers")
        for i, item in enumerate(self.plan):
            _known([item.source_note], notes, "note", f"plan[{i}].source_note")
        for i, reg in enumerate(self.registrations):
            _known([reg.participant], people, "participant", f"registrations[{i}].participant")
        for i, n in enumerate(self.nominations):
            _known(n.votes, people, "participant", f"nominations[{i}].votes")
        for i, t in enumerate(self.common_themes.themes if self.common_themes else []):
            _known(t.notes, notes, "note", f"common_themes.themes[{i}].notes")
        _unique([v for n in self.nominations for v in n.votes], "voter", "nominations[].votes")
        questions = _unique([q.key for q in self.qa.questions] if self.qa else [], "question", "qa.questions")
        for i, q in enumerate(self.qa.questions if self.qa else []):
            _known([q.author], people, "participant", f"qa.questions[{i}].author")
            _known(q.votes, people, "participant", f"qa.questions[{i}].votes")
            _known([q.merged_into], questions, "question", f"qa.questions[{i}].merged_into")
            _unique(q.votes, "voter", f"qa.questions[{i}].votes")
        return self


def _unique(values: list, what: str, where: str) -> set:
    seen: set = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} twice (at {where})")
        seen.add(value)
    return seen


def _known(refs: list, keys: set, what: str, where: str) -> None:
    for ref in refs:
        if ref is not None and ref not in keys:
            raise ValueError(f"unknown {what} {ref!r} (at {where})")
