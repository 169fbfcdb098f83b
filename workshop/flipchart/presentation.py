"""Presentation: the projector shows one group's top 3 at a time, then an overview of all."""
from __future__ import annotations

from sqlalchemy.orm import Session as DB

from workshop.models import Round, Session
from workshop.sessions.service import bump

ACTIONS = ("start", "next", "prev", "overview", "stop")
OVERVIEW = 0


def step(db: DB, session: Session, round_: Round, action: str) -> int | None:
    """Move the presentation; returns the group number shown (0 = overview, None = off)."""
    numbers = [g.number for g in round_.groups]
    current = session.presenting_group
    if action == "start":
        current = numbers[0] if numbers else OVERVIEW
    elif action == "next":
        if current is None:  # not started yet: "next" (the arrow key) starts from the first group
            current = numbers[0] if numbers else OVERVIEW
        elif current in numbers and current != numbers[-1]:
            current = numbers[numbers.index(current) + 1]
        else:
            current = OVERVIEW
    elif action == "prev":
        if current == OVERVIEW or current is None:
            current = numbers[-1] if numbers else OVERVIEW
        elif current in numbers and current != numbers[0]:
            current = numbers[numbers.index(current) - 1]
    elif action == "overview":
        current = OVERVIEW
    elif action == "stop":
        current = None
    session.presenting_group = current
    if current is not None:
        session.phase = "presentation"
    bump(session)
    db.commit()
    return current
