"""Results and retention: share or revoke the read-only results page, remove names, delete and purge.

No live view shows any of this: the events are published for completeness and have no fan-out.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DB

from workshop.core.events import DomainEvent, publish
from workshop.core.time import from_local, utcnow
from workshop.models import Participant, Session
from workshop.results.models import ResultsSettings
from workshop.sessions.service import bump

MAX_TOKEN = 64


@dataclass(frozen=True)
class ResultsShared(DomainEvent):
    session_id: int


@dataclass(frozen=True)
class ResultsRevoked(DomainEvent):
    session_id: int


@dataclass(frozen=True)
class NamesRemoved(DomainEvent):
    session_id: int
    count: int


@dataclass(frozen=True)
class SessionDeleted(DomainEvent):
    session_id: int


def results_token(session: Session) -> str | None:
    """The secret of the session's shared results page; None while it is not shared."""
    settings = session.results_settings
    return settings.token if settings is not None else None


def session_by_results_token(db: DB, token) -> Session | None:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        return None
    return db.scalar(select(Session).join(ResultsSettings).where(ResultsSettings.token == token))


def share(db: DB, session: Session) -> str:
    """A new secret link (an earlier one stops working)."""
    if session.results_settings is None:
        session.results_settings = ResultsSettings()
    session.results_settings.token = secrets.token_urlsafe(24)
    db.commit()
    publish(ResultsShared(session.id))
    return session.results_settings.token


def revoke(db: DB, session: Session) -> None:
    if session.results_settings is not None:
        session.results_settings.token = None
    db.commit()
    publish(ResultsRevoked(session.id))


def remove_names(db: DB, session: Session) -> int:
    """Forget participants' first names; their notes, votes and plans stay."""
    result = db.execute(update(Participant).where(Participant.session_id == session.id)
                        .values(first_name=None, names_consented=False))
    bump(session)
    db.commit()
    publish(NamesRemoved(session.id, result.rowcount))
    return result.rowcount


def delete_session(db: DB, session: Session) -> None:
    """The workshop and all its data."""
    session_id = session.id
    db.delete(session)
    db.commit()
    publish(SessionDeleted(session_id))


def old_sessions(db: DB, months: int) -> list[Session]:
    """Sessions that started (or, without a date, were created) more than `months` months ago."""
    cutoff = utcnow() - timedelta(days=round(months * 30.44))
    found = []
    for s in db.scalars(select(Session)):
        when = from_local(s.starts_at) if s.starts_at else s.created_at
        if when < cutoff:
            found.append(s)
    return found


def purge(db: DB, sessions: list[Session]) -> int:
    """Delete these workshops (the CLI's `purge` after it listed them)."""
    for s in sessions:
        delete_session(db, s)
    return len(sessions)
