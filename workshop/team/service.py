"""The facilitator team of a workshop (owner + members with a role) and its history (audit lines).

Roles (models.TEAM_ROLES): facilitator, assistant, observer; what each may change is decided in one
place, sessions/guards.may_change. Members are facilitators of this installation, found by email.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DB

from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.ids import row_id
from workshop.models import TEAM_ROLES, AuditLine, Facilitator, Session, SessionMember

HISTORY_SHOWN = 50


class TeamError(DomainError):
    """args[0]: "no_such_facilitator", "already_owner", "bad_role", "not_found"."""


@dataclass(frozen=True)
class TeamChanged(DomainEvent):
    session: Session


def members(db: DB, session: Session) -> list[SessionMember]:
    return list(db.scalars(select(SessionMember).where(SessionMember.session_id == session.id)
                           .order_by(SessionMember.id)))


def _role(role) -> str:
    if role not in TEAM_ROLES:
        raise TeamError("bad_role")
    return role


def add_member(db: DB, session: Session, email, role) -> SessionMember:
    """Add a facilitator of this installation (by email) to the team, or change their role."""
    role = _role(role)
    fac = db.scalar(select(Facilitator).where(func.lower(Facilitator.email) == str(email or "").strip().lower()))
    if fac is None:
        raise TeamError("no_such_facilitator")
    if fac.id == session.facilitator_id:
        raise TeamError("already_owner")
    member = db.scalar(select(SessionMember).where(SessionMember.session_id == session.id,
                                                   SessionMember.facilitator_id == fac.id))
    if member is None:
        member = SessionMember(session_id=session.id, facilitator_id=fac.id, role=role)
        db.add(member)
    member.role = role
    db.commit()
    publish(TeamChanged(session))
    return member


def _member(db: DB, session: Session, member_id) -> SessionMember:
    member = db.get(SessionMember, row_id(member_id) or 0)
    if member is None or member.session_id != session.id:
        raise TeamError("not_found")
    return member


def set_role(db: DB, session: Session, member_id, role) -> SessionMember:
    member = _member(db, session, member_id)
    member.role = _role(role)
    db.commit()
    publish(TeamChanged(session))
    return member


def remove_member(db: DB, session: Session, member_id) -> None:
    db.delete(_member(db, session, member_id))
    db.commit()
    publish(TeamChanged(session))


def record(db: DB, session_id: int, facilitator_id: int | None, action: str) -> None:
    """One line of the workshop's history (called after a facilitator's change went through)."""
    db.add(AuditLine(session_id=session_id, facilitator_id=facilitator_id, action=action[:80]))
    db.commit()


def history(db: DB, session: Session, limit: int | None = HISTORY_SHOWN) -> list[AuditLine]:
    """Newest first."""
    query = select(AuditLine).where(AuditLine.session_id == session.id).order_by(AuditLine.id.desc())
    return list(db.scalars(query.limit(limit) if limit else query))
