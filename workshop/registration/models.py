"""The registration feature's own table: its settings, one row per workshop (none until first changed)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from workshop.models import Base, Session


class RegistrationSettings(Base):
    """The public sign-up page of one workshop: open while `token` is set (its link), until `closes_at`
    (local wall-clock time, like Session.starts_at); over `capacity` people go on a waiting list."""
    __tablename__ = "registration_settings"
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    capacity: Mapped[int | None] = mapped_column(Integer)

    session: Mapped[Session] = relationship(backref=backref(
        "registration_settings", uselist=False, cascade="all, delete-orphan", passive_deletes=True))
