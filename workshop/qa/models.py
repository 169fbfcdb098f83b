"""The Q&A's own tables: its settings, the room's questions and their upvotes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from workshop.core.time import UTCDateTime, utcnow
from workshop.models import Base, Session


class QaSettings(Base):
    """One row per session, made at its first change (no row: anonymous, results on reveal)."""
    __tablename__ = "qa_settings"
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), primary_key=True)
    named: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # may sign with a name
    results: Mapped[str] = mapped_column(String(10), default="reveal", server_default="reveal")
    revealed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    session: Mapped[Session] = relationship(backref=backref(
        "qa_settings", uselist=False, cascade="all, delete-orphan", passive_deletes=True))


class QaQuestion(Base):
    """A question a participant asked the room (the panel)."""
    __tablename__ = "qa_question"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    name: Mapped[str | None] = mapped_column(String(60))  # signed, where the workshop allows it; else anonymous
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    held: Mapped[bool] = mapped_column(Boolean, default=False)  # by the word filter, until approved
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("qa_question.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QaUpvote(Base):
    """One participant's upvote of one question (one each; pressing again takes it back)."""
    __tablename__ = "qa_upvote"
    __table_args__ = (UniqueConstraint("question_id", "participant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("qa_question.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
