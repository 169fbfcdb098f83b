"""The feedback feature's own table: its settings, one row per workshop (none until first changed)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from workshop.models import Base, Session


class FeedbackSettings(Base):
    """The survey of one workshop: its questions (see feedback.service.config; NULL = the defaults) and
    the feedback link for those who left early, open while `token` is set until `closes_at` (local
    wall-clock time, like Session.starts_at)."""
    __tablename__ = "feedback_settings"
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    questions: Mapped[dict | None] = mapped_column(JSON)

    session: Mapped[Session] = relationship(backref=backref(
        "feedback_settings", uselist=False, cascade="all, delete-orphan", passive_deletes=True))
