"""The common themes' own tables: the facilitator's edited clusters and whether the projector shows them."""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from workshop.models import Base, Session


class CommonTheme(Base):
    """One theme of a session's round: a label and the notes it gathers (ids; a note hidden or merged
    later drops out when shown). Made by themes.service.find_themes, then renamed, merged, dropped."""
    __tablename__ = "common_theme"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(120))
    note_ids: Mapped[list] = mapped_column(JSON, default=list)
    related: Mapped[list] = mapped_column(JSON, default=list)  # other shared words, for the facilitator


class CommonThemeSettings(Base):
    """Which round the themes were found in, and whether the projector shows them (no row: none yet)."""
    __tablename__ = "common_theme_settings"
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="SET NULL"))
    shown: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    session: Mapped[Session] = relationship(backref=backref(
        "common_theme_settings", uselist=False, cascade="all, delete-orphan", passive_deletes=True))
