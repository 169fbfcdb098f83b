"""The campaigns feature's own table: its settings, one row per workshop (none until first changed)."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from workshop.models import Base, Session


class CampaignSettings(Base):
    """The campaigns of one workshop: which are on, the public campaign page's link (set while either
    is on), whether phones vote for the good deed award, and the projector's extra panel."""
    __tablename__ = "campaign_settings"
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str | None] = mapped_column(String(64), unique=True)
    carpool_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    good_deed_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    good_deed_voting: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    screen_panel: Mapped[str | None] = mapped_column(String(20))  # see models.SCREEN_PANELS

    session: Mapped[Session] = relationship(backref=backref(
        "campaign_settings", uselist=False, lazy="joined", cascade="all, delete-orphan", passive_deletes=True))
