"""The grouping feature's own table: the evening's plan of mixed rounds, one row per workshop."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from workshop.core.time import UTCDateTime, utcnow
from workshop.models import Base, Session


class RoundPlan(Base):
    """Mixed rounds planned together (mixing.plan) and published one at a time.

    `total` is how many mixed rounds the facilitator planned for the evening, `published` how many
    of them are out; `rounds` holds the ones not yet published (lists of groups of participant
    ids), `repeats` their pairs meeting again and `bound` the proven fewest possible. Published
    rounds live in `round` like any other; re-planning (a late arrival, someone absent) rewrites
    only `rounds`, so nobody in a published round moves.
    """
    __tablename__ = "round_plan"
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"), primary_key=True)
    total: Mapped[int] = mapped_column(Integer)
    published: Mapped[int] = mapped_column(Integer, default=0)
    group_size: Mapped[int | None] = mapped_column(Integer)
    group_count: Mapped[int | None] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    rounds: Mapped[list] = mapped_column(JSON)
    repeats: Mapped[list] = mapped_column(JSON)
    bound: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Session.round_plan: None until mixed rounds are planned.
    session: Mapped[Session] = relationship(backref=backref(
        "round_plan", uselist=False, cascade="all, delete-orphan", passive_deletes=True))
