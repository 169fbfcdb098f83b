"""Countdown timer of a session: start, pause, resume, extend and reset.

A timer is idle (no columns set), running (``timer_ends_at``) or paused (``timer_remaining``
seconds left). A running timer whose end has passed shows 0 until the facilitator extends or
resets it. Each change bumps the session's sequence and commits; the caller broadcasts.
"""
from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session as DB

from workshop.models import AgendaItem, Session, utcnow
from workshop.sessions.service import bump

MAX_MINUTES = 600
MAX_LABEL = 200
WARNING_SECONDS = 60  # "1 minute left"
# Control characters (a NUL cannot even be stored in PostgreSQL) and lone surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class TimerError(ValueError):
    """A facilitator's request that cannot be done; args[0] is a message key for the view."""


# --- reading -----------------------------------------------------------------------------------

def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value  # SQLite: naive UTC


def iso(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, the form every browser's Date.parse accepts."""
    return _aware(value).astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def is_running(session: Session) -> bool:
    return session.timer_ends_at is not None


def is_paused(session: Session) -> bool:
    return session.timer_ends_at is None and session.timer_remaining is not None


def is_active(session: Session) -> bool:
    return is_running(session) or is_paused(session)


def remaining_seconds(session: Session, now: datetime | None = None) -> int | None:
    """Whole seconds left (rounded up, never below 0); None when no timer is set."""
    if session.timer_ends_at is not None:
        left = (_aware(session.timer_ends_at) - (now or utcnow())).total_seconds()
        return max(0, math.ceil(left))
    return session.timer_remaining


def state(session: Session, now: datetime | None = None) -> dict:
    """What phones, projector and facilitator get; server_now lets them correct their clock."""
    now = now or utcnow()
    shown = session.is_open is not False  # a closed workshop shows no timer
    return {
        "running": shown and is_running(session),
        "ends_at": iso(session.timer_ends_at) if shown and session.timer_ends_at is not None else None,
        "remaining": session.timer_remaining if shown and is_paused(session) else None,
        "label": session.timer_label if shown else None,
        "server_now": iso(now),
        "seq": session.seq,
    }


def clock(seconds: int | None) -> str:
    """mm:ss (minutes may exceed 59: 90:00)."""
    seconds = max(0, seconds or 0)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


# --- changing ----------------------------------------------------------------------------------

def _check_minutes(minutes: int) -> None:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        raise TimerError("bad_minutes")


def _commit(db: DB, session: Session) -> Session:
    bump(session)
    db.commit()
    return session


def start(db: DB, session: Session, minutes: int, label: str | None = None,
          now: datetime | None = None) -> Session:
    """Start a fresh countdown (replacing any running one)."""
    _check_minutes(minutes)
    label = (label or "").strip() or None
    if label is not None and len(label) > MAX_LABEL:
        raise TimerError("label_too_long")
    if label is not None and _CONTROL.search(label):
        raise TimerError("control")
    session.timer_ends_at = (now or utcnow()) + timedelta(minutes=minutes)
    session.timer_remaining = None
    session.timer_label = label
    return _commit(db, session)


def start_agenda_item(db: DB, session: Session, item_id: int | None, now: datetime | None = None) -> Session:
    """Start the countdown of one of this session's agenda items: its title and planned minutes."""
    item = db.get(AgendaItem, item_id) if item_id is not None else None
    if item is None or item.session_id != session.id:
        raise TimerError("unknown_item")
    return start(db, session, item.minutes, item.title, now)


def pause(db: DB, session: Session, now: datetime | None = None) -> Session:
    if not is_running(session):
        raise TimerError("not_running")
    session.timer_remaining = remaining_seconds(session, now)
    session.timer_ends_at = None
    return _commit(db, session)


def resume(db: DB, session: Session, now: datetime | None = None) -> Session:
    if not is_paused(session):
        raise TimerError("not_paused")
    session.timer_ends_at = (now or utcnow()) + timedelta(seconds=session.timer_remaining)
    session.timer_remaining = None
    return _commit(db, session)


def extend(db: DB, session: Session, minutes: int, now: datetime | None = None) -> Session:
    """Add minutes; a timer whose time is up counts again from now."""
    _check_minutes(minutes)
    if not is_active(session):
        raise TimerError("no_timer")
    now = now or utcnow()
    left = remaining_seconds(session, now) + minutes * 60
    if left > MAX_MINUTES * 60:
        raise TimerError("too_long")
    if is_running(session):
        session.timer_ends_at = max(_aware(session.timer_ends_at), now) + timedelta(minutes=minutes)
    else:
        session.timer_remaining = left
    return _commit(db, session)


def reset(db: DB, session: Session) -> Session:
    """Clear the timer; phones and projector hide it."""
    if not is_active(session) and session.timer_label is None:
        return session  # nothing to clear
    session.timer_ends_at = session.timer_remaining = session.timer_label = None
    return _commit(db, session)
