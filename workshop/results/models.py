"""The results feature's own tables (its settings live here, not on the core Session model)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from workshop.models import Base, Session


class ResultsSettings(Base):
    """Whether a session's read-only results page is shared: a row exists once it was shared."""
    __tablename__ = "results_settings"
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), primary_key=True)
    # Secret of the shareable read-only results page; NULL = revoked.
    token: Mapped[str | None] = mapped_column(String(64), unique=True)

    session: Mapped[Session] = relationship(backref=backref(
        "results_settings", uselist=False, cascade="all, delete-orphan", passive_deletes=True))
