"""Countdown timer of a session: start, pause, resume, extend and reset.

A timer is idle (no row, or nothing set), running (``ends_at``) or paused (``remaining`` seconds
left); its row lives in the timer's own table (models.TimerState). A running timer whose end has
passed shows 0 until the facilitator extends or resets it. Each change bumps the session's
sequence, is committed and published as TimerChanged; a closed workshop's timer no longer changes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as DB

from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.text import TextError, clean_text
from workshop.models import AgendaItem, Session, utcnow
from workshop.sessions.service import bump
from workshop.timer.models import TimerState

MAX_MINUTES = 600
MAX_LABEL = 200
WARNING_SECONDS = 60  # "1 minute left"


class TimerError(DomainError):
    """A facilitator's request that cannot be done; `key` names the message."""


@dataclass(frozen=True)
class TimerChanged(DomainEvent):
    session: Session


# --- reading -----------------------------------------------------------------------------------

def iso(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, the form every browser's Date.parse accepts."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ends_at(session: Session) -> datetime | None:
    return session.timer_state.ends_at if session.timer_state else None


def paused_remaining(session: Session) -> int | None:
    return session.timer_state.remaining if session.timer_state else None


def label(session: Session) -> str | None:
    return session.timer_state.label if session.timer_state else None


def is_running(session: Session) -> bool:
    return ends_at(session) is not None


def is_paused(session: Session) -> bool:
    return ends_at(session) is None and paused_remaining(session) is not None


def is_active(session: Session) -> bool:
    return is_running(session) or is_paused(session)


def started_in(session: Session) -> str | None:
    """The phase the timer was started in (None: before timers remembered it)."""
    return session.timer_state.phase if session.timer_state else None


def belongs(session: Session, now: datetime | None = None) -> bool:
    """Whether pages show the timer: set, and either time is left or its own phase still runs, so a
    finished "00:00" does not stay through the next phases."""
    if not is_active(session) or not session.is_open:
        return False
    phase = started_in(session)
    return phase is None or phase == session.phase or (remaining_seconds(session, now) or 0) > 0


def remaining_seconds(session: Session, now: datetime | None = None) -> int | None:
    """Whole seconds left (rounded up, never below 0); None when no timer is set."""
    if is_running(session):
        left = (ends_at(session) - (now or utcnow())).total_seconds()
        return max(0, math.ceil(left))
    return paused_remaining(session)


def state(session: Session, now: datetime | None = None) -> dict:
    """What phones, projector and facilitator get; server_now lets them correct their clock."""
    now = now or utcnow()
    shown = session.is_open is not False  # a closed workshop shows no timer
    return {
        "running": shown and is_running(session),
        "ends_at": iso(ends_at(session)) if shown and is_running(session) else None,
        "remaining": paused_remaining(session) if shown and is_paused(session) else None,
        "label": label(session) if shown else None,
        "phase": started_in(session),
        "server_now": iso(now),
        "seq": session.seq,
    }


def clock(seconds: int | None) -> str:
    """mm:ss (minutes may exceed 59: 90:00)."""
    seconds = max(0, seconds or 0)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


# --- changing ----------------------------------------------------------------------------------

def _check_open(session: Session) -> None:
    if not session.is_open:
        raise TimerError("closed")


def _check_minutes(minutes: int) -> None:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        raise TimerError("bad_minutes")


def _clean_label(value: str | None) -> str | None:
    try:
        return clean_text(value, MAX_LABEL, required=False, collapse=True)
    except TextError as exc:
        raise TimerError("label_too_long" if exc.reason == "too_long" else "control") from None


def _timer(db: DB, session: Session) -> TimerState:
    """The session's timer row, created on its first change.

    Two first changes at once (a double click) both find no row: INSERT … ON CONFLICT DO NOTHING
    lets the second one update the row the first created instead of failing on the primary key.
    """
    if session.timer_state is None:
        dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
        db.execute(dialect.insert(TimerState).values(session_id=session.id).on_conflict_do_nothing())
        db.refresh(session, ["timer_state"])
    return session.timer_state


def _commit(db: DB, session: Session) -> Session:
    bump(session)
    db.commit()
    publish(TimerChanged(session))
    return session


def start(db: DB, session: Session, minutes: int, label: str | None = None,
          now: datetime | None = None) -> Session:
    """Start a fresh countdown (replacing any running one)."""
    _check_open(session)
    _check_minutes(minutes)
    label = _clean_label(label)
    timer = _timer(db, session)
    timer.ends_at = (now or utcnow()) + timedelta(minutes=minutes)
    timer.remaining = None
    timer.label = label
    timer.phase = session.phase
    return _commit(db, session)


def start_agenda_item(db: DB, session: Session, item_id: int | None, now: datetime | None = None) -> Session:
    """Start the countdown of one of this session's agenda items: its title and planned minutes."""
    _check_open(session)
    item = db.get(AgendaItem, item_id) if item_id is not None else None
    if item is None or item.session_id != session.id:
        raise TimerError("unknown_item")
    return start(db, session, item.minutes, item.title, now)


def pause(db: DB, session: Session, now: datetime | None = None) -> Session:
    _check_open(session)
    if not is_running(session):
        raise TimerError("not_running")
    timer = _timer(db, session)
    timer.remaining = remaining_seconds(session, now)
    timer.ends_at = None
    return _commit(db, session)


def resume(db: DB, session: Session, now: datetime | None = None) -> Session:
    _check_open(session)
    if not is_paused(session):
        raise TimerError("not_paused")
    timer = _timer(db, session)
    timer.ends_at = (now or utcnow()) + timedelta(seconds=timer.remaining)
    timer.remaining = None
    return _commit(db, session)


def extend(db: DB, session: Session, minutes: int, now: datetime | None = None) -> Session:
    """Add minutes; a timer whose time is up counts again from now."""
    _check_open(session)
    _check_minutes(minutes)
    if not is_active(session):
        raise TimerError("no_timer")
    now = now or utcnow()
    left = remaining_seconds(session, now) + minutes * 60
    if left > MAX_MINUTES * 60:
        raise TimerError("too_long")
    timer = _timer(db, session)
    if is_running(session):
        timer.ends_at = max(timer.ends_at, now) + timedelta(minutes=minutes)
    else:
        timer.remaining = left
    return _commit(db, session)


def reset(db: DB, session: Session) -> Session:
    """Clear the timer; phones and projector hide it."""
    _check_open(session)
    if not is_active(session) and label(session) is None:
        return session  # nothing to clear
    timer = _timer(db, session)
    timer.ends_at = timer.remaining = timer.label = None
    return _commit(db, session)
