"""The facilitator team of a workshop (owner + members with a role) and its history (audit lines).

Roles (models.TEAM_ROLES): facilitator, assistant, observer; what each may change is decided in one
place, sessions/guards.may_change. Members are facilitators of this installation, found by email, or
whoever accepts an invitation link (team/models.TeamInvite) sent to an email address.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session as DB

from workshop.accounts.service import hash_password
from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.ids import row_id
from workshop.core.rows import columns
from workshop.core.time import aware, utcnow
from workshop.models import TEAM_ROLES, AuditLine, Facilitator, Session, SessionMember
from workshop.team.models import TeamInvite

HISTORY_SHOWN = 50
INVITE_DAYS = 7
EMAIL_RE = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")


class TeamError(DomainError):
    """args[0]: "no_such_facilitator", "already_owner", "already_member", "bad_role", "bad_email",
    "not_found", "account_exists"."""


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


def version(db: DB, session: Session) -> str:
    """A short fingerprint of the team (members with roles, pending invitations): the page it was
    rendered with knows whether a live change is news to it."""
    members_now = [(m.id, m.role) for m in members(db, session)]
    invites_now = list(db.scalars(select(TeamInvite.id).where(TeamInvite.session_id == session.id,
                                                              TeamInvite.status == "pending").order_by(TeamInvite.id)))
    return hashlib.sha256(repr((members_now, invites_now)).encode()).hexdigest()[:12]


_RECORD = insert(AuditLine.__table__)


def record(db: DB, session_id: int, facilitator_id: int | None, action: str) -> None:
    """One line of the workshop's history (called after a facilitator's change went through)."""
    # Every facilitator change writes one: no ORM object for it (created_at: the column's default).
    columns(db, _RECORD, {"session_id": session_id, "facilitator_id": facilitator_id, "action": action[:80]})
    db.commit()


def history(db: DB, session: Session, limit: int | None = HISTORY_SHOWN) -> list[AuditLine]:
    """Newest first."""
    query = select(AuditLine).where(AuditLine.session_id == session.id).order_by(AuditLine.id.desc())
    return list(db.scalars(query.limit(limit) if limit else query))


# --- invitations by email link -------------------------------------------------------------------

def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _email(email) -> str:
    email = str(email or "").strip().lower()
    if len(email) > 254 or not EMAIL_RE.fullmatch(email) or not email.isprintable():
        raise TeamError("bad_email")
    return email


def _account(db: DB, email: str) -> Facilitator | None:
    return db.scalar(select(Facilitator).where(func.lower(Facilitator.email) == email))


def invite(db: DB, session: Session, by: Facilitator, email, role,
           now: datetime | None = None) -> tuple[TeamInvite, str]:
    """Invite an email address into the team with a role; an earlier pending invitation of the same
    address is revoked (one link per person). Returns the invitation and its secret token, which is
    not stored (only its hash) and is shown or emailed once."""
    role, email = _role(role), _email(email)
    existing = _account(db, email)
    if existing is not None and existing.id == session.facilitator_id:
        raise TeamError("already_owner")
    if existing is not None and db.scalar(select(SessionMember.id).where(
            SessionMember.session_id == session.id, SessionMember.facilitator_id == existing.id)):
        raise TeamError("already_member")
    now = now or utcnow()
    for old in db.scalars(select(TeamInvite).where(TeamInvite.session_id == session.id, TeamInvite.email == email,
                                                   TeamInvite.status == "pending")):
        old.status, old.closed_at = "revoked", now
    token = secrets.token_urlsafe(32)  # 256 bits
    row = TeamInvite(session_id=session.id, email=email, role=role, token_hash=_hash(token), status="pending",
                     invited_by_id=by.id, created_at=now, expires_at=now + timedelta(days=INVITE_DAYS))
    db.add(row)
    db.commit()
    publish(TeamChanged(session))
    return row, token


def pending_invites(db: DB, session: Session, now: datetime | None = None) -> list[TeamInvite]:
    now = now or utcnow()
    return [i for i in db.scalars(select(TeamInvite).where(TeamInvite.session_id == session.id,
                                                           TeamInvite.status == "pending").order_by(TeamInvite.id))
            if aware(i.expires_at) > now]


def revoke_invite(db: DB, session: Session, invite_id) -> TeamInvite:
    row = db.get(TeamInvite, row_id(invite_id) or 0)
    if row is None or row.session_id != session.id or row.status != "pending":
        raise TeamError("not_found")
    row.status, row.closed_at = "revoked", utcnow()
    db.commit()
    publish(TeamChanged(session))
    return row


def invite_by_token(db: DB, token) -> TeamInvite | None:
    """The invitation this link belongs to, whatever its state (None for anything else)."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    return db.scalar(select(TeamInvite).where(TeamInvite.token_hash == _hash(token)))


def invite_state(row: TeamInvite, now: datetime | None = None) -> str:
    """"pending" (the link works), "accepted", "revoked" or "expired"."""
    if row.status == "pending" and aware(row.expires_at) <= (now or utcnow()):
        return "expired"
    return row.status


def account_for(db: DB, row: TeamInvite) -> Facilitator | None:
    """The installation's account with the invited address, if there is one (they log in to accept)."""
    return _account(db, row.email)


def role_of(db: DB, row: TeamInvite, fac: Facilitator) -> str | None:
    """This facilitator's role in the invitation's workshop already ("owner", a team role, or None)."""
    if fac.id == row.session.facilitator_id:
        return "owner"
    return db.scalar(select(SessionMember.role).where(SessionMember.session_id == row.session_id,
                                                      SessionMember.facilitator_id == fac.id))


def accept_invite(db: DB, row: TeamInvite, fac: Facilitator, now: datetime | None = None) -> SessionMember:
    """The logged-in facilitator takes the invitation: a member with its role, the link used up, and a
    line in the workshop's history, in one commit."""
    now = now or utcnow()
    if invite_state(row, now) != "pending":
        raise TeamError("not_found")
    already = role_of(db, row, fac)
    if already is not None:
        raise TeamError("already_owner" if already == "owner" else "already_member")
    member = SessionMember(session_id=row.session_id, facilitator_id=fac.id, role=row.role)
    db.add(member)
    row.status, row.accepted_by_id, row.closed_at = "accepted", fac.id, now
    db.add(AuditLine(session_id=row.session_id, facilitator_id=fac.id, action=f"team.accept_invite:{row.role}"))
    db.commit()
    publish(TeamChanged(row.session))
    return member


def join_by_invite(db: DB, row: TeamInvite, name: str, password: str,
                   now: datetime | None = None) -> SessionMember:
    """Someone without an account: a facilitator account with the invited address (name and password
    checked by the form, as at set-up), then accepted as above."""
    if invite_state(row, now) != "pending":
        raise TeamError("not_found")
    if account_for(db, row) is not None:
        raise TeamError("account_exists")
    fac = Facilitator(email=row.email, name=name.strip(), password_hash=hash_password(password))
    db.add(fac)
    db.flush()
    return accept_invite(db, row, fac, now)
