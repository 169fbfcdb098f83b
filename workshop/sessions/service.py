"""Session domain: create, edit, close, change phase, join, presence and lobby counts.

The only place that changes a session's state. Each change bumps the session's sequence number,
is committed, and is then published as a domain event (sessions/events.py sends it to the rooms).
"""
from __future__ import annotations

import hashlib
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DB
from sqlalchemy.orm import object_session
from sqlalchemy.orm.attributes import set_committed_value

from workshop.core import municipalities
from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.rows import columns
from workshop.core.text import TextError, clean_text
from workshop.core.time import aware
from workshop.models import (
    BACKGROUNDS,
    CONTENT_LANGUAGES,
    OTHER_MUNICIPALITY,
    PHASES,
    AgendaItem,
    Participant,
    Question,
    Series,
    Session,
    SessionMember,
    SessionMunicipality,
    Theme,
    utcnow,
)

JOIN_CODE_RE = re.compile(r"^\d{6}$")


class SessionError(DomainError):
    """A request the session refuses: "closed", "unknown_phase", "locked", "full", "bad_municipality",
    "bad_background", "name_too_long", "organisation_too_long", "control"."""


# --- domain events ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionEdited(DomainEvent):
    """Titles, municipalities, themes or agenda changed: every page re-reads the session."""
    session: Session


@dataclass(frozen=True)
class PhaseChanged(DomainEvent):
    session: Session


@dataclass(frozen=True)
class SessionClosed(DomainEvent):
    """Closed for good: the join code no longer works."""
    session: Session


@dataclass(frozen=True)
class RoomLocked(DomainEvent):
    """The room was locked (locked=True) or opened again for joining."""
    session: Session
    locked: bool


@dataclass(frozen=True)
class ParticipantJoined(DomainEvent):
    session: Session
    participant: Participant


@dataclass(frozen=True)
class ParticipantReturned(DomainEvent):
    """A participant shown as away has a phone connected again."""
    session_id: int
    participant_id: int


@dataclass(frozen=True)
class ParticipantLeft(DomainEvent):
    """The participant's last phone disconnected; they count as away unless back within the grace period."""
    session_id: int
    participant_id: int


@dataclass
class ThemeSpec:
    title: str
    questions: list[str] = field(default_factory=list)


@dataclass
class SessionSpec:
    """Everything the facilitator edits about a session."""
    title: str
    starts_at: datetime | None
    host_municipality: str | None
    municipalities: list[str]
    themes: list[ThemeSpec]
    agenda: list[tuple[str, int]]
    series_id: int | None = None
    max_participants: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    content_language: str = "fi"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_join_code(db: DB) -> str:
    """A random 6-digit code no open session uses."""
    for _ in range(100):
        code = f"{secrets.randbelow(1_000_000):06d}"
        if db.scalar(select(Session.id).where(Session.join_code == code)) is None:
            return code
    raise RuntimeError("no free join code")  # 1e6 codes: only with absurdly many open sessions


# A plain UPDATE of the table (the ORM's UPDATE runs its bulk-update machinery: a third of a phase
# change's own CPU for one integer). What the session has pending is flushed at its commit.
_SESSION = Session.__table__
_BUMP = (update(_SESSION).where(_SESSION.c.id == bindparam("session_id")).values(seq=_SESSION.c.seq + 1)
         .returning(_SESSION.c.seq))
_SET_PHASE = _BUMP.values(phase=bindparam("new_phase"))


def bump(session: Session) -> int:
    """The session's next sequence number, taken by one atomic UPDATE … RETURNING: changes made at the
    same time on other connections or workers each get their own number, and it never goes back.
    Pages drop a phase, lobby, timer or poll message older than one they have. (Notes and votes
    take none: their order is their group's, and they must not queue on the session's row.)"""
    db = object_session(session)
    if db is None or session.id is None:  # not stored yet
        session.seq = (session.seq or 0) + 1
        return session.seq
    seq = columns(db, _BUMP, {"session_id": session.id}).scalar_one()
    set_committed_value(session, "seq", seq)
    return seq


def create_session(db: DB, facilitator_id: int, spec: SessionSpec) -> Session:
    for _attempt in range(5):
        session = Session(facilitator_id=facilitator_id, join_code=new_join_code(db),
                          screen_token=secrets.token_urlsafe(24), phase="lobby", seq=0)
        _apply_spec(session, spec)
        db.add(session)
        try:
            db.commit()
            return session
        except IntegrityError:  # a concurrent session took the same code
            db.rollback()
    raise RuntimeError("could not allocate a join code")


def update_session(db: DB, session: Session, spec: SessionSpec) -> Session:
    # Old rows go first, so unique (session, municipality) pairs can be written again.
    session.municipalities, session.themes, session.agenda = [], [], []
    db.flush()
    _apply_spec(session, spec)
    bump(session)
    db.commit()
    publish(SessionEdited(session))
    return session


def _apply_spec(session: Session, spec: SessionSpec) -> None:
    session.title = spec.title
    session.starts_at = spec.starts_at
    session.host_municipality = spec.host_municipality
    session.series_id = spec.series_id
    session.max_participants = spec.max_participants
    session.contact_name = spec.contact_name or None
    session.contact_phone = spec.contact_phone or None
    session.contact_email = spec.contact_email or None
    session.content_language = spec.content_language if spec.content_language in CONTENT_LANGUAGES else "fi"
    codes = list(dict.fromkeys(spec.municipalities))
    if spec.host_municipality and spec.host_municipality not in codes:
        codes.insert(0, spec.host_municipality)
    session.municipalities = [SessionMunicipality(code=c, position=i) for i, c in enumerate(codes)]
    session.themes = [
        Theme(title=t.title, position=i,
              questions=[Question(text=q, position=j) for j, q in enumerate(t.questions)])
        for i, t in enumerate(spec.themes)
    ]
    session.agenda = [AgendaItem(title=title, minutes=minutes, position=i)
                      for i, (title, minutes) in enumerate(spec.agenda)]


def spec_of(session: Session) -> SessionSpec:
    return SessionSpec(
        title=session.title, starts_at=session.starts_at, host_municipality=session.host_municipality,
        municipalities=[m.code for m in session.municipalities],
        themes=[ThemeSpec(t.title, [q.text for q in t.questions]) for t in session.themes],
        agenda=[(a.title, a.minutes) for a in session.agenda],
        series_id=session.series_id,
        max_participants=session.max_participants,
        contact_name=session.contact_name, contact_phone=session.contact_phone,
        contact_email=session.contact_email, content_language=session.content_language or "fi",
    )


def set_phase(db: DB, session: Session, phase: str) -> Session:
    if not session.is_open:
        raise SessionError("closed")
    if phase not in PHASES:
        raise SessionError("unknown_phase")
    if phase == "closed":
        return close_session(db, session)
    # The phase and the next sequence number in one plain UPDATE (no unit of work for one column).
    seq = columns(db, _SET_PHASE, {"session_id": session.id, "new_phase": phase}).scalar_one()
    set_committed_value(session, "phase", phase)
    set_committed_value(session, "seq", seq)
    db.commit()
    publish(PhaseChanged(session))
    return session


def set_locked(db: DB, session: Session, locked: bool) -> Session:
    """A locked room admits nobody new; people already in stay in."""
    session.locked = locked
    bump(session)
    db.commit()
    publish(RoomLocked(session, locked))
    return session


def capacity(session: Session, server_limit: int | None = None) -> int | None:
    """How many may join: the session's own limit within the server's (None: no limit at all)."""
    limits = [n for n in (session.max_participants, server_limit) if n]
    return min(limits) if limits else None


def close_session(db: DB, session: Session) -> Session:
    """Close for good: the join code expires and is free for other sessions."""
    session.is_open = False
    session.phase = "closed"
    session.join_code = None
    session.closed_at = utcnow()
    bump(session)
    db.commit()
    publish(SessionClosed(session))
    return session


def sessions_of(db: DB, facilitator_id: int) -> list[Session]:
    """The facilitator's own workshops and those of teams they are in."""
    shared = select(SessionMember.session_id).where(SessionMember.facilitator_id == facilitator_id)
    return list(db.scalars(select(Session).where((Session.facilitator_id == facilitator_id) | Session.id.in_(shared))
                           .order_by(Session.is_open.desc(), Session.starts_at.desc(), Session.id.desc())))


def role_in(db: DB, session: Session, facilitator_id: int) -> str | None:
    """"owner", a team role of models.TEAM_ROLES, or None (not this facilitator's workshop)."""
    if session.facilitator_id == facilitator_id:
        return "owner"
    return db.scalar(select(SessionMember.role).where(SessionMember.session_id == session.id,
                                                      SessionMember.facilitator_id == facilitator_id))


def session_for_facilitator(db: DB, session_id: int, facilitator_id: int) -> Session | None:
    """The workshop if this facilitator owns it or is in its team (any role), else None."""
    session = db.get(Session, session_id)
    if session is None or role_in(db, session, facilitator_id) is None:
        return None
    return session


def open_session_by_code(db: DB, code: str) -> Session | None:
    if not JOIN_CODE_RE.match(code or ""):
        return None
    return db.scalar(select(Session).where(Session.join_code == code, Session.is_open.is_(True)))


def session_by_screen_token(db: DB, token: str) -> Session | None:
    if not token or len(token) > 64:
        return None
    return db.scalar(select(Session).where(Session.screen_token == token))


# --- participants -------------------------------------------------------------------------

@dataclass
class JoinData:
    municipality: str
    background: str
    first_name: str | None = None
    organisation: str | None = None
    is_contact_person: bool = False
    names_consented: bool = False
    without_phone: bool = False  # added at the door by the facilitator; the token goes to nobody


def allowed_municipalities(session: Session) -> list[str]:
    return [m.code for m in session.municipalities] + [OTHER_MUNICIPALITY]


def join(db: DB, session: Session, data: JoinData, server_limit: int | None = None) -> tuple[Participant, str]:
    """Add a participant unless the room is locked or full; returns it with the cookie token (only its
    hash is stored)."""
    if not session.is_open:
        raise SessionError("closed")
    if session.locked:
        raise SessionError("locked")
    limit = capacity(session, server_limit)
    if limit is not None and participant_count(db, session) >= limit:
        raise SessionError("full")
    if data.municipality not in allowed_municipalities(session):
        raise SessionError("bad_municipality")
    if data.background not in BACKGROUNDS:
        raise SessionError("bad_background")
    first_name = _optional_text(data.first_name, 60, "name_too_long")
    organisation = _optional_text(data.organisation, 120, "organisation_too_long")
    token = secrets.token_urlsafe(32)  # 256 bits
    participant = Participant(
        session_id=session.id, token_hash=hash_token(token), municipality=data.municipality,
        background=data.background, first_name=first_name, organisation=organisation,
        is_contact_person=data.is_contact_person, names_consented=data.names_consented and bool(first_name),
        without_phone=data.without_phone)
    db.add(participant)
    bump(session)
    db.commit()
    publish(ParticipantJoined(session, participant))
    return participant, token


def _optional_text(value: str | None, limit: int, too_long: str) -> str | None:
    try:
        return clean_text(value, limit, required=False, collapse=True)
    except TextError as exc:
        raise SessionError(too_long if exc.reason == "too_long" else "control") from None


def participant_count(db: DB, session: Session) -> int:
    return db.scalar(select(func.count(Participant.id)).where(
        Participant.session_id == session.id, Participant.removed.is_(False))) or 0


def participant_by_token(db: DB, session_id: int, token: str | None) -> Participant | None:
    """The participant this cookie token admits to this session, if any."""
    if not token or len(token) > 100:
        return None
    p = db.scalar(select(Participant).where(Participant.token_hash == hash_token(token)))
    if p is None or p.session_id != session_id or p.removed:
        return None
    return p


_PHONE_WITH_WORKSHOP = (select(Participant, Session).join(Session, Session.id == Participant.session_id)
                        .where(Participant.token_hash == bindparam("token_hash"),
                               Participant.session_id == bindparam("session_id"), Participant.removed.is_(False)))


def participant_with_session(db: DB, session_id: int, token: str | None) -> tuple[Participant, Session] | None:
    """participant_by_token and the workshop (with its settings) in one query: a phone's connect."""
    if not token or len(token) > 100:
        return None
    row = db.execute(_PHONE_WITH_WORKSHOP, {"token_hash": hash_token(token), "session_id": session_id}).first()
    return (row[0], row[1]) if row is not None else None


def mark_present(db: DB, participant: Participant) -> None:
    if participant.left_at is not None:
        participant.left_at = None
        db.commit()
        publish(ParticipantReturned(participant.session_id, participant.id))


def mark_left(db: DB, participant: Participant) -> None:
    participant.left_at = utcnow()
    db.commit()
    publish(ParticipantLeft(participant.session_id, participant.id))


def seconds_until_next_away(db: DB, session: Session, away_after: float) -> float | None:
    """When the next phone that has left but is not yet counted away will be (None: nobody)."""
    now = utcnow()
    first = db.scalar(select(func.min(Participant.left_at)).where(
        Participant.session_id == session.id, Participant.removed.is_(False),
        Participant.left_at > now - timedelta(seconds=away_after)))
    return None if first is None else max((aware(first) + timedelta(seconds=away_after) - now).total_seconds(), 0)


def lobby_counts(db: DB, session: Session, away_after: float) -> dict:
    """Counts for the projector: by municipality and background, and how many are away.

    One aggregate query (the database counts; no participant is loaded), so a join or a returning
    phone costs the same in a room of 20 as in a room of 2,000."""
    cutoff = utcnow() - timedelta(seconds=away_after)
    away = case((Participant.left_at <= cutoff, 1), else_=0)
    rows = db.execute(select(Participant.municipality, Participant.background, func.count(), func.sum(away))
                      .where(Participant.session_id == session.id, Participant.removed.is_(False))
                      .group_by(Participant.municipality, Participant.background)).all()
    by_muni, by_bg = Counter(), Counter()
    total = away_total = 0
    for municipality, background, count, away_count in rows:
        by_muni[municipality] += count
        by_bg[background] += count
        total += count
        away_total += away_count or 0
    return {
        "total": total,
        "present": total - away_total,
        "away": away_total,
        "municipalities": [{"code": c, "count": by_muni.get(c, 0)} for c in allowed_municipalities(session)],
        "backgrounds": [{"code": b, "count": by_bg.get(b, 0)} for b in BACKGROUNDS],
    }


def valid_municipality(code: str) -> bool:
    return municipalities.exists(code)


def series_of(db: DB, facilitator_id: int) -> list[Series]:
    return list(db.scalars(select(Series).where(Series.facilitator_id == facilitator_id).order_by(Series.id)))


# --- the projector link (appended for issue 13) --------------------------------------------------

@dataclass(frozen=True)
class ScreenLinkRotated(DomainEvent):
    """The projector link was replaced: the old one opens nothing and its sockets are closed."""
    session: Session


def rotate_screen_link(db: DB, session: Session) -> Session:
    """A new secret projector link (and with it a new QR link); the old ones stop working at once."""
    session.screen_token = secrets.token_urlsafe(24)
    bump(session)
    db.commit()
    publish(ScreenLinkRotated(session))
    return session
