"""SQLAlchemy 2 typed models: the whole schema of Paja."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from workshop.core.time import UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PHASES = ("lobby", "info", "qa", "grouping", "groupwork", "voting", "presentation", "plan", "feedback", "closed")
BACKGROUNDS = ("ngo", "officer", "elected", "parish", "business", "resident", "other")
OTHER_MUNICIPALITY = "other"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Facilitator(Base):
    __tablename__ = "facilitator"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sessions: Mapped[list[Session]] = relationship(back_populates="facilitator")


class Session(Base):
    """One workshop evening."""
    __tablename__ = "session"
    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    host_municipality: Mapped[str | None] = mapped_column(String(3))
    # Unique among open sessions; a closed session gives its code up (set to NULL).
    join_code: Mapped[str | None] = mapped_column(String(6), unique=True)
    screen_token: Mapped[str] = mapped_column(String(64), unique=True)
    phase: Mapped[str] = mapped_column(String(20), default="lobby")
    seq: Mapped[int] = mapped_column(Integer, default=0)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="SET NULL"), index=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)  # the room takes no new participants
    max_participants: Mapped[int | None] = mapped_column(Integer)  # None: the server-wide limit
    # The human participants can call (None: the operator's contact) and the language the workshop's own
    # content is written in: "fi", "sv" or "both" (marked with lang= where the UI language differs).
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    content_language: Mapped[str] = mapped_column(String(4), default="fi", server_default="fi")

    facilitator: Mapped[Facilitator] = relationship(back_populates="sessions")
    municipalities: Mapped[list[SessionMunicipality]] = relationship(
        order_by="SessionMunicipality.position", cascade="all, delete-orphan")
    themes: Mapped[list[Theme]] = relationship(order_by="Theme.position", cascade="all, delete-orphan")
    agenda: Mapped[list[AgendaItem]] = relationship(order_by="AgendaItem.position", cascade="all, delete-orphan")
    participants: Mapped[list[Participant]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True)


CONTENT_LANGUAGES = ("fi", "sv", "both")


class SessionMunicipality(Base):
    __tablename__ = "session_municipality"
    __table_args__ = (UniqueConstraint("session_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(3))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Theme(Base):
    __tablename__ = "theme"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    questions: Mapped[list[Question]] = relationship(order_by="Question.position", cascade="all, delete-orphan")


class Question(Base):
    __tablename__ = "question"
    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(500))


class AgendaItem(Base):
    __tablename__ = "agenda_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer)


TEAM_ROLES = ("facilitator", "assistant", "observer")  # the owner is Session.facilitator_id


class SessionMember(Base):
    """A co-facilitator of a workshop: `facilitator` (everything but deleting it and its team),
    `assistant` (the door, moderation, the timer) or `observer` (reads the run sheet and exports)."""
    __tablename__ = "session_member"
    __table_args__ = (UniqueConstraint("session_id", "facilitator_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    facilitator: Mapped[Facilitator] = relationship()


class AuditLine(Base):
    """Who changed what in a workshop, and when: one line per facilitator action that changed state."""
    __tablename__ = "audit_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    facilitator: Mapped[Facilitator | None] = relationship()


class Participant(Base):
    """An anonymous phone user inside one session, known by a random token."""
    __tablename__ = "participant"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the cookie token: a leaked database does not leak working cookies.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    municipality: Mapped[str] = mapped_column(String(5))
    background: Mapped[str] = mapped_column(String(20))
    first_name: Mapped[str | None] = mapped_column(String(60))
    organisation: Mapped[str | None] = mapped_column(String(120))
    is_contact_person: Mapped[bool] = mapped_column(Boolean, default=False)
    names_consented: Mapped[bool] = mapped_column(Boolean, default=False)  # may exports show the first name
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # NULL while a phone is connected (or never disconnected); set when its last socket left.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    absent: Mapped[bool] = mapped_column(Boolean, default=False)  # marked by the facilitator
    # Only whether this phone has answered the feedback survey: answers carry no participant.
    gave_feedback: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Added at the door by the facilitator for someone without a phone: mixed like everyone, no cookie.
    without_phone: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    session: Mapped[Session] = relationship(back_populates="participants")


STRATEGIES = ("mixed", "home", "random", "manual")

# Group colours: a name is always shown with the colour, so colour is never the only cue.
# Each colour has enough contrast against white text (≥ 4.5:1).
GROUP_COLOURS = (
    ("green", "#1b6e3a"), ("blue", "#1f4e9c"), ("red", "#b3261e"), ("purple", "#6a3d9a"),
    ("orange", "#a84300"), ("brown", "#6d4c2f"), ("teal", "#00665e"), ("pink", "#a3195b"),
    ("grey", "#4a4a4a"), ("navy", "#1a2d5a"), ("olive", "#5b6115"), ("black", "#111111"),
)


class Round(Base):
    """One grouping round of an evening (e.g. a mixed round, then home groups)."""
    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("session_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    strategy: Mapped[str] = mapped_column(String(10))
    group_size: Mapped[int | None] = mapped_column(Integer)
    group_count: Mapped[int | None] = mapped_column(Integer)
    merge_small: Mapped[bool] = mapped_column(Boolean, default=False)
    question_mode: Mapped[str] = mapped_column(String(10), default="same")
    seed: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    groups: Mapped[list[Group]] = relationship(order_by="Group.number", cascade="all, delete-orphan",
                                                 back_populates="round")


class Group(Base):
    __tablename__ = "group"
    __table_args__ = (UniqueConstraint("round_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str] = mapped_column(String(12))
    table_label: Mapped[str | None] = mapped_column(String(60))
    municipality: Mapped[str | None] = mapped_column(String(5))  # home groups: whose plan this is
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="SET NULL"))
    voting: Mapped[str] = mapped_column(String(12), default="not_started")

    round: Mapped[Round] = relationship(back_populates="groups")
    members: Mapped[list[GroupMember]] = relationship(cascade="all, delete-orphan", back_populates="group",
                                                        order_by="GroupMember.id")


class GroupMember(Base):
    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("round_id", "participant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)  # placed after publishing

    group: Mapped[Group] = relationship(back_populates="members")
    participant: Mapped[Participant] = relationship()


QUESTION_MODES = ("same", "per_group", "rotating")
VOTING_STATES = ("not_started", "open", "closed")


class Note(Base):
    """A flipchart note written by a participant in a group."""
    __tablename__ = "note"
    __table_args__ = (UniqueConstraint("participant_id", "client_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"), index=True)
    # A group member who wrote this note on their phone for the author, a member without a phone (the
    # scribe's phone may edit it); NULL when the author wrote it.
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    # Generated by the phone: a re-sent note (after a lost acknowledgement) is recognised, not doubled.
    client_id: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(280))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # Hidden by the word filter until the facilitator approves it (core/wordfilter.py).
    held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("note.id", ondelete="SET NULL"))
    edited_by_facilitator: Mapped[bool] = mapped_column(Boolean, default=False)
    top_rank: Mapped[int | None] = mapped_column(Integer)  # 1–3 once voting has closed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[Group] = relationship()


class Vote(Base):
    """One of a participant's three votes for a note of their own group."""
    __tablename__ = "vote"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("note.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Poll(Base):
    """A multiple-choice poll or a word-cloud question for the info part."""
    __tablename__ = "poll"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "choice" or "words"
    question: Mapped[str] = mapped_column(String(300))
    options: Mapped[list] = mapped_column(JSON, default=list)
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "reveal": the projector shows only how many have answered until the facilitator reveals the
    # results (against group-think); "live": the running results (polls/service.RESULTS_MODES).
    show_results: Mapped[str] = mapped_column(String(6), default="reveal", server_default="reveal")
    revealed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PollAnswer(Base):
    __tablename__ = "poll_answer"
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    choice: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(String(60))
    # A word-cloud answer the word filter holds: counted nowhere until the facilitator approves it.
    held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


PLAN_STATUSES = ("not_started", "in_progress", "done", "dropped")


class Series(Base):
    """2–3 workshops of one area that follow each other up (e.g. "Itä-Lappi 2026–2027")."""
    __tablename__ = "series"
    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanItem(Base):
    """An action in a municipality's cooperation plan: what, who owns it, by when, how it is going."""
    __tablename__ = "plan_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    municipality: Mapped[str] = mapped_column(String(5), index=True)
    what: Mapped[str] = mapped_column(String(500))
    owner: Mapped[str | None] = mapped_column(String(200))  # an organisation or role, no personal data needed
    due: Mapped[str | None] = mapped_column(String(60))  # a date or a term, e.g. "kevät 2027"
    status: Mapped[str] = mapped_column(String(12), default="not_started")
    source_note_id: Mapped[int | None] = mapped_column(ForeignKey("note.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    updates: Mapped[list[PlanUpdate]] = relationship(order_by="PlanUpdate.id", cascade="all, delete-orphan")


class PlanUpdate(Base):
    """History of a plan action: every status change and comment, and in which workshop it was made."""
    __tablename__ = "plan_update"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_item_id: Mapped[int] = mapped_column(ForeignKey("plan_item.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("session.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str | None] = mapped_column(String(500))
    by_facilitator: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- before and after the evening: registrations, feedback, campaigns -------------------------------

REGISTRATION_STATUSES = ("confirmed", "waiting", "cancelled")
DIETS = ("lactose_free", "milk_free", "gluten_free", "vegetarian", "vegan")
SCREEN_PANELS = ("feedback_results", "carpool", "good_deed")


class Registration(Base):
    """A pre-registration: who is coming, for catering and the door. Cancelled rows are kept for the count."""
    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("session_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the secret in the registrant's own link (view, cancel); the link itself is not stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code: Mapped[str] = mapped_column(String(8))  # short code shown to the registrant, matched at the door
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), index=True)  # lower-cased
    phone: Mapped[str | None] = mapped_column(String(40))
    municipality: Mapped[str] = mapped_column(String(5))
    organisation: Mapped[str | None] = mapped_column(String(120))
    background: Mapped[str] = mapped_column(String(20))
    diets: Mapped[list] = mapped_column(JSON, default=list)
    diet_other: Mapped[str | None] = mapped_column(String(200))
    accessibility: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), default="confirmed")
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FeedbackAnswer(Base):
    """One anonymous feedback answer: deliberately no participant id and no time."""
    __tablename__ = "feedback_answer"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    overall: Mapped[int | None] = mapped_column(Integer)  # 1–5
    most_useful: Mapped[str | None] = mapped_column(String(1000))
    should_change: Mapped[str | None] = mapped_column(String(1000))
    come_again: Mapped[str | None] = mapped_column(String(5))  # yes / maybe / no
    extra: Mapped[str | None] = mapped_column(String(1000))
    via_link: Mapped[bool] = mapped_column(Boolean, default=False)  # after the event, by the feedback link


class Carpool(Base):
    """A car that came to the evening together (the carpool contest)."""
    __tablename__ = "carpool"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    municipality: Mapped[str | None] = mapped_column(String(5))
    passengers: Mapped[int] = mapped_column(Integer)  # everyone in the car, the driver included
    kilometres: Mapped[int] = mapped_column(Integer)  # the trip to the venue
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Nomination(Base):
    """A "good deed" award nomination: a person or deed that advanced NGO–municipality cooperation."""
    __tablename__ = "nomination"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    nominee: Mapped[str] = mapped_column(String(120))
    deed: Mapped[str] = mapped_column(String(1000))
    municipality: Mapped[str | None] = mapped_column(String(5))  # the nominator's
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    picked: Mapped[bool] = mapped_column(Boolean, default=False)  # the award winner
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NominationVote(Base):
    """A participant's one vote among the nominations at the event."""
    __tablename__ = "nomination_vote"
    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
