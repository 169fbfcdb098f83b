"""The flipchart's own table: how a session's voting and presentation are set (off the core Session)."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from workshop.models import Base, Session


class FlipchartSettings(Base):
    """One row per session, made at its first change (no row: the defaults)."""
    __tablename__ = "flipchart_settings"
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), primary_key=True)
    allow_vote_stacking: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    presenting_group: Mapped[int | None] = mapped_column(Integer)  # group number; 0 = overview; None = off
    # The word filter (core/wordfilter.py): matching notes and word-cloud answers wait for approval.
    word_filter: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The voting's running counts: "reveal" (phones and projector see only who has voted until the
    # facilitator reveals them, or the presentation starts) or "live" (core/visibility.RESULTS_MODES).
    vote_results: Mapped[str] = mapped_column(String(6), default="reveal", server_default="reveal")
    votes_revealed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    # Session.flipchart_settings: None until the facilitator changes a setting or presents.
    session: Mapped[Session] = relationship(backref=backref(
        "flipchart_settings", uselist=False, lazy="joined", cascade="all, delete-orphan", passive_deletes=True))
