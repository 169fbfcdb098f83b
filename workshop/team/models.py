"""The team's invitations by email link: one row per link, only the hash of its secret stored."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.core.time import UTCDateTime, utcnow
from workshop.models import Base, Facilitator, Session

INVITE_STATUSES = ("pending", "accepted", "revoked")  # expired = pending past expires_at


class TeamInvite(Base):
    """An invitation to a workshop's team with a role, sent to an email address. The link's token is
    shown once (and emailed); only its sha256 is kept. Accepted or revoked links stay as a record."""
    __tablename__ = "team_invite"
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # accepted or revoked

    session: Mapped[Session] = relationship()
    invited_by: Mapped[Facilitator | None] = relationship(foreign_keys=[invited_by_id])
