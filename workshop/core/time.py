"""Aware time: every timestamp is UTC with its zone, from the database too."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

try:
    LOCAL_TZ = ZoneInfo("Europe/Helsinki")
except ZoneInfoNotFoundError:  # pragma: no cover  (a system without tz data)
    LOCAL_TZ = UTC


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_now() -> datetime:
    """Now as Finnish wall-clock time, naive: closing times are entered and stored that way, like
    Session.starts_at (a deliberate exception to aware UTC)."""
    return datetime.now(LOCAL_TZ).replace(tzinfo=None)


def aware(value: datetime | None) -> datetime | None:
    """A naive datetime is taken as UTC; an aware one is converted to UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UTCDateTime(TypeDecorator):
    """DateTime(timezone=True) that always gives back an aware UTC datetime.

    SQLite stores no zone and returns naive values; PostgreSQL returns the session's zone.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return aware(value)

    def process_result_value(self, value, dialect):
        return aware(value)


def from_local(value: datetime) -> datetime:
    """A naive Finnish wall-clock time (a start or closing time as entered) as an aware UTC datetime."""
    return value.replace(tzinfo=LOCAL_TZ).astimezone(UTC) if value.tzinfo is None else value.astimezone(UTC)
