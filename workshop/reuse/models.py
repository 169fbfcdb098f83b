"""The reuse feature's own table: workshop templates, shared with every facilitator of the installation."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.core.time import UTCDateTime, utcnow
from workshop.models import Base, Facilitator


class WorkshopTemplate(Base):
    """A workshop's plan without its people: `content` is reuse.service.blueprint_of's plain dict
    (themes, questions, agenda, municipalities, registration and feedback settings). Every
    facilitator may start from it; only its author (or nobody, once the author is deleted) removes it."""
    __tablename__ = "workshop_template"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("facilitator.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content: Mapped[dict] = mapped_column(JSON)

    author: Mapped[Facilitator | None] = relationship()
