"""The timer feature's own table: one countdown per session, kept off the core Session model."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from workshop.core.time import UTCDateTime
from workshop.models import Base, Session


class TimerState(Base):
    """Running: `ends_at` is set. Paused: `remaining` seconds are left. Idle: neither (or no row)."""
    __tablename__ = "timer_state"
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), primary_key=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remaining: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(200))
    # The phase it was started in: once it has run out, it is shown only while that phase lasts.
    phase: Mapped[str | None] = mapped_column(String(20))

    # Session.timer_state: None until the session's timer is first used.
    session: Mapped[Session] = relationship(backref=backref(
        "timer_state", uselist=False, lazy="joined", cascade="all, delete-orphan", passive_deletes=True))
