"""Pre-registration: the public sign-up, capacity and waiting list, cancelling, headcount and the door.

Each change commits and bumps the session's sequence number; the caller broadcasts the headcount.
A registrant's own page is reached by a secret link (only its SHA-256 is stored): it shows the
registration and its short code, and cancels only that registration.
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DB

from workshop.core.time import LOCAL_TZ
from workshop.models import BACKGROUNDS, DIETS, Participant, Registration, Session, utcnow
from workshop.sessions.service import allowed_municipalities, bump, hash_token

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the door
CODE_LENGTH = 6
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RegistrationError(ValueError):
    """A refused registration change; args[0] is a key of labels.REGISTRATION_ERRORS."""


@dataclass
class RegistrationData:
    name: str
    municipality: str
    background: str
    email: str | None = None
    phone: str | None = None
    organisation: str | None = None
    diets: list[str] = field(default_factory=list)
    diet_other: str | None = None
    accessibility: str | None = None


def local_now() -> datetime:
    """Now as Finnish wall-clock time (closing dates are entered and stored that way)."""
    return datetime.now(LOCAL_TZ).replace(tzinfo=None)


def normalise_email(email: str | None) -> str | None:
    email = unicodedata.normalize("NFC", (email or "").strip()).lower()
    return email or None


# --- the organiser's settings --------------------------------------------------------------------

def open_registration(db: DB, session: Session, closes_at: datetime | None, capacity: int | None) -> Session:
    """Open (or re-set) the public page; the link stays the same when it already exists."""
    if capacity is not None and not 1 <= capacity <= 5000:
        raise RegistrationError("bad_capacity")
    if not session.registration_token:
        session.registration_token = secrets.token_urlsafe(16)
    session.registration_closes_at = closes_at
    session.registration_capacity = capacity
    bump(session)
    db.commit()
    return session


def close_registration(db: DB, session: Session) -> Session:
    """The public link stops working; the registrations are kept."""
    session.registration_token = None
    bump(session)
    db.commit()
    return session


def session_by_registration_token(db: DB, token: str) -> Session | None:
    if not token or len(token) > 64:
        return None
    return db.scalar(select(Session).where(Session.registration_token == token))


def is_closed(session: Session, now: datetime | None = None) -> bool:
    if not session.registration_token or session.phase == "closed":
        return True
    closes = session.registration_closes_at
    return closes is not None and (now or local_now()) >= closes


# --- registering and cancelling -----------------------------------------------------------------

def active(db: DB, session: Session):
    return select(Registration).where(Registration.session_id == session.id, Registration.status != "cancelled")


def confirmed_count(db: DB, session: Session) -> int:
    return db.scalar(select(func.count(Registration.id)).where(
        Registration.session_id == session.id, Registration.status == "confirmed")) or 0


def _new_code(db: DB, session: Session) -> str:
    for _ in range(50):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.scalar(select(Registration.id).where(Registration.session_id == session.id,
                                                   Registration.code == code)) is None:
            return code
    raise RuntimeError("no free registration code")  # 32^6 codes: never in practice


def _check(session: Session, data: RegistrationData) -> None:
    if not data.name or not data.name.strip():
        raise RegistrationError("name_missing")
    if not (data.email or data.phone):
        raise RegistrationError("contact_missing")
    if data.municipality not in allowed_municipalities(session):
        raise RegistrationError("bad_municipality")
    if data.background not in BACKGROUNDS:
        raise RegistrationError("bad_background")
    if any(d not in DIETS for d in data.diets):
        raise RegistrationError("bad_diet")
    for text in (data.name, data.email, data.phone, data.organisation, data.diet_other, data.accessibility):
        if text and _CONTROL.search(text):
            raise RegistrationError("control")


def register(db: DB, session: Session, data: RegistrationData,
             now: datetime | None = None) -> tuple[Registration, str]:
    """Sign up: confirmed while there is room, otherwise on the waiting list. Returns the row and its
    secret link token (shown once, on the confirmation page and in the email)."""
    if is_closed(session, now):
        raise RegistrationError("closed")
    _check(session, data)
    email = normalise_email(data.email)
    if email and db.scalar(active(db, session).where(Registration.email == email)) is not None:
        raise RegistrationError("duplicate_email")
    full = session.registration_capacity is not None and confirmed_count(db, session) >= session.registration_capacity
    token = secrets.token_urlsafe(24)
    reg = Registration(
        session_id=session.id, token_hash=hash_token(token), code=_new_code(db, session),
        name=data.name.strip(), email=email, phone=(data.phone or "").strip() or None,
        municipality=data.municipality, organisation=(data.organisation or "").strip() or None,
        background=data.background, diets=list(dict.fromkeys(data.diets)),
        diet_other=(data.diet_other or "").strip() or None,
        accessibility=(data.accessibility or "").strip() or None,
        status="waiting" if full else "confirmed")
    db.add(reg)
    bump(session)
    db.commit()
    return reg, token


def by_token(db: DB, token: str | None) -> Registration | None:
    """The registration this secret link belongs to (None for anything else)."""
    if not token or len(token) > 100:
        return None
    return db.scalar(select(Registration).where(Registration.token_hash == hash_token(token)))


def cancel(db: DB, session: Session, reg: Registration) -> Registration | None:
    """Cancel one registration; a freed place goes to the first on the waiting list (returned)."""
    if reg.session_id != session.id:
        raise RegistrationError("not_found")
    if reg.status == "cancelled":
        return None
    freed = reg.status == "confirmed"
    reg.status = "cancelled"
    reg.cancelled_at = utcnow()
    promoted = None
    if freed:
        promoted = db.scalar(select(Registration).where(
            Registration.session_id == session.id, Registration.status == "waiting").order_by(Registration.id))
        if promoted is not None:
            promoted.status = "confirmed"
    bump(session)
    db.commit()
    return promoted


def registration_of(db: DB, session: Session, reg_id) -> Registration:
    reg = db.get(Registration, reg_id) if isinstance(reg_id, int) else None
    if reg is None or reg.session_id != session.id:
        raise RegistrationError("not_found")
    return reg


def all_of(db: DB, session: Session) -> list[Registration]:
    return list(db.scalars(select(Registration).where(Registration.session_id == session.id)
                           .order_by(Registration.id)))


# --- headcount and attendance -------------------------------------------------------------------

def headcount(db: DB, session: Session) -> dict:
    """What the organiser orders coffee by: confirmed people by municipality, background and diet."""
    rows = all_of(db, session)
    confirmed = [r for r in rows if r.status == "confirmed"]
    by_muni = Counter(r.municipality for r in confirmed)
    by_bg = Counter(r.background for r in confirmed)
    by_diet = Counter(d for r in confirmed for d in (r.diets or []))
    codes = list(dict.fromkeys(allowed_municipalities(session) + sorted(by_muni)))
    return {
        "confirmed": len(confirmed),
        "waiting": sum(1 for r in rows if r.status == "waiting"),
        "cancelled": sum(1 for r in rows if r.status == "cancelled"),
        "capacity": session.registration_capacity,
        "arrived": sum(1 for r in confirmed if r.participant_id is not None),
        "municipalities": [{"code": c, "count": by_muni.get(c, 0)} for c in codes],
        "backgrounds": [{"code": b, "count": by_bg.get(b, 0)} for b in BACKGROUNDS],
        "diets": [{"code": d, "count": by_diet.get(d, 0)} for d in DIETS]
                 + [{"code": "other", "count": sum(1 for r in confirmed if r.diet_other)}],
        "accessibility": sum(1 for r in confirmed if r.accessibility),
    }


def attendance(db: DB, session: Session) -> dict:
    """Registered vs. came: per municipality, who registered, who of them joined, and walk-ins."""
    regs = [r for r in all_of(db, session) if r.status == "confirmed"]
    people = db.scalars(select(Participant).where(Participant.session_id == session.id,
                                                  Participant.removed.is_(False))).all()
    matched = {r.participant_id for r in regs if r.participant_id}
    codes = list(dict.fromkeys(allowed_municipalities(session)))
    reg_by = Counter(r.municipality for r in regs)
    came_by = Counter(r.municipality for r in regs if r.participant_id)
    walk_by = Counter(p.municipality for p in people if p.id not in matched)
    rows = [{"code": c, "registered": reg_by.get(c, 0), "arrived": came_by.get(c, 0), "walk_ins": walk_by.get(c, 0)}
            for c in codes]
    return {"rows": rows, "registered": len(regs), "arrived": len(matched & {p.id for p in people}),
            "no_shows": sum(1 for r in regs if not r.participant_id), "walk_ins": sum(walk_by.values()),
            "participants": len(people)}


# --- at the door ---------------------------------------------------------------------------------

def find_for_door(db: DB, session: Session, text: str | None) -> Registration | None:
    """The active registration matching a registration code or an email address typed at the door."""
    text = (text or "").strip()
    if not text or len(text) > 254:
        return None
    query = active(db, session)
    if "@" in text:
        return db.scalar(query.where(Registration.email == normalise_email(text)))
    code = re.sub(r"[\s-]", "", text).upper()
    return db.scalar(query.where(Registration.code == code))


def link_participant(db: DB, session: Session, reg: Registration, participant: Participant) -> None:
    """The registered person arrived: attendance counts them as registered."""
    if reg.session_id != session.id or participant.session_id != session.id:
        raise RegistrationError("not_found")
    reg.participant_id = participant.id
    bump(session)
    db.commit()
