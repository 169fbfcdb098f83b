"""Pre-registration: the public sign-up, capacity and waiting list, cancelling, headcount and the door.

Each change commits, bumps the session's sequence number and publishes a domain event (the
organiser's headcount follows it, registration/events.py). A registrant's own page is reached by a
secret link (only its SHA-256 is stored): it shows the registration and its short code, and cancels
only that registration.
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

from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.ids import row_id
from workshop.core.text import TextError, clean_text
from workshop.core.time import local_now, utcnow
from workshop.models import BACKGROUNDS, DIETS, Participant, Registration, Session
from workshop.registration.models import RegistrationSettings
from workshop.sessions.service import allowed_municipalities, bump, hash_token

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the door
CODE_LENGTH = 6


class RegistrationError(DomainError):
    """A refused registration change; args[0] is a key of labels.REGISTRATION_ERRORS."""


# --- domain events: each one changes the organiser's headcount ---------------------------------------

@dataclass(frozen=True)
class RegistrationChanged(DomainEvent):
    """Base of the registration events: what changed is in the workshop's registrations."""
    session: Session


@dataclass(frozen=True)
class RegistrationSettingsChanged(RegistrationChanged):
    """The organiser opened, re-set or closed the public sign-up page."""


@dataclass(frozen=True)
class Registered(RegistrationChanged):
    registration: Registration


@dataclass(frozen=True)
class RegistrationCancelled(RegistrationChanged):
    registration: Registration
    promoted: Registration | None  # the first on the waiting list, who got the freed place


@dataclass(frozen=True)
class DoorMatched(RegistrationChanged):
    """A registered person joined at the door: attendance counts them as arrived."""
    registration: Registration
    participant: Participant


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


def normalise_email(email: str | None) -> str | None:
    email = unicodedata.normalize("NFC", (email or "").strip()).lower()
    return email or None


# --- the organiser's settings --------------------------------------------------------------------

def settings_of(session: Session) -> RegistrationSettings:
    """The workshop's registration settings; unsaved defaults (page not open) when it never had any."""
    return session.registration_settings or RegistrationSettings(session_id=session.id)


def editable_settings(session: Session) -> RegistrationSettings:
    """The settings row to change, added to the workshop's database session when it is new; the
    caller commits."""
    if session.registration_settings is None:
        session.registration_settings = RegistrationSettings()
    return session.registration_settings


def open_registration(db: DB, session: Session, closes_at: datetime | None, capacity: int | None) -> Session:
    """Open (or re-set) the public page; the link stays the same when it already exists."""
    if capacity is not None and not 1 <= capacity <= 5000:
        raise RegistrationError("bad_capacity")
    settings = editable_settings(session)
    settings.token = settings.token or secrets.token_urlsafe(16)
    settings.closes_at = closes_at
    settings.capacity = capacity
    bump(session)
    db.commit()
    publish(RegistrationSettingsChanged(session))
    return session


def close_registration(db: DB, session: Session) -> Session:
    """The public link stops working; the registrations are kept."""
    editable_settings(session).token = None
    bump(session)
    db.commit()
    publish(RegistrationSettingsChanged(session))
    return session


def session_by_registration_token(db: DB, token: str) -> Session | None:
    if not token or len(token) > 64:
        return None
    return db.scalar(select(Session).join(RegistrationSettings).where(RegistrationSettings.token == token))


def is_closed(session: Session, now: datetime | None = None) -> bool:
    settings = settings_of(session)
    if not settings.token or session.phase == "closed":
        return True
    return settings.closes_at is not None and (now or local_now()) >= settings.closes_at


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


# Each text field: its limit (the column's; labels.REGISTRATION_ERRORS has "<field>_too_long"), whether
# it has several lines, and its message key when it is missing (None: optional).
TEXTS = {"name": (120, False, "name_missing"), "email": (254, False, None), "phone": (40, False, None),
         "organisation": (120, False, None), "diet_other": (200, False, None), "accessibility": (500, True, None)}


def _texts(data: RegistrationData) -> dict:
    """The text fields under the one text policy (core.text), or RegistrationError."""
    out = {}
    for key, (limit, multiline, missing) in TEXTS.items():
        try:
            out[key] = clean_text(getattr(data, key), limit, multiline=multiline, required=missing is not None)
        except TextError as exc:
            error = {"empty": missing, "too_long": f"{key}_too_long"}.get(exc.reason, "control")
            raise RegistrationError(error) from exc
    return out


def _check(session: Session, data: RegistrationData) -> dict:
    texts = _texts(data)
    if not (texts["email"] or texts["phone"]):
        raise RegistrationError("contact_missing")
    if data.municipality not in allowed_municipalities(session):
        raise RegistrationError("bad_municipality")
    if data.background not in BACKGROUNDS:
        raise RegistrationError("bad_background")
    if any(d not in DIETS for d in data.diets):
        raise RegistrationError("bad_diet")
    return texts


def register(db: DB, session: Session, data: RegistrationData,
             now: datetime | None = None) -> tuple[Registration, str]:
    """Sign up: confirmed while there is room, otherwise on the waiting list. Returns the row and its
    secret link token (shown once, on the confirmation page and in the email)."""
    if is_closed(session, now):
        raise RegistrationError("closed")
    texts = _check(session, data)
    email = normalise_email(texts["email"])
    if email and db.scalar(active(db, session).where(Registration.email == email)) is not None:
        raise RegistrationError("duplicate_email")
    capacity = settings_of(session).capacity
    full = capacity is not None and confirmed_count(db, session) >= capacity
    token = secrets.token_urlsafe(24)
    reg = Registration(
        session_id=session.id, token_hash=hash_token(token), code=_new_code(db, session),
        name=texts["name"], email=email, phone=texts["phone"], municipality=data.municipality,
        organisation=texts["organisation"], background=data.background, diets=list(dict.fromkeys(data.diets)),
        diet_other=texts["diet_other"], accessibility=texts["accessibility"],
        status="waiting" if full else "confirmed")
    db.add(reg)
    bump(session)
    db.commit()
    publish(Registered(session, reg))
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
    publish(RegistrationCancelled(session, reg, promoted))
    return promoted


def registration_of(db: DB, session: Session, reg_id) -> Registration:
    reg_id = row_id(reg_id)
    reg = db.get(Registration, reg_id) if reg_id is not None else None
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
        "capacity": settings_of(session).capacity,
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
    """The active registration whose code was typed at the door. Only what the registrant holds admits
    them (this code, or the link in the email): an email address or a name finds nothing."""
    code = re.sub(r"[\s-]", "", text or "").upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return db.scalar(active(db, session).where(Registration.code == code))


def may_arrive(session: Session, now: datetime | None = None) -> bool:
    """Whether the registrant's own link may take them into the workshop now: it is open, and it is the
    day of the workshop (the link does not give the join code away days before)."""
    if not session.is_open or not session.join_code:
        return False
    return session.starts_at is None or session.starts_at.date() <= (now or local_now()).date()


def link_participant(db: DB, session: Session, reg: Registration, participant: Participant) -> None:
    """The registered person arrived: attendance counts them as registered."""
    if reg.session_id != session.id or participant.session_id != session.id:
        raise RegistrationError("not_found")
    reg.participant_id = participant.id
    bump(session)
    db.commit()
    publish(DoorMatched(session, reg, participant))
