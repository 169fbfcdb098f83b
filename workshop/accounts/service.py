"""Facilitator accounts: password hashes, creating an account, whether any exists, logging out."""
from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from workshop.core.events import DomainEvent, publish
from workshop.models import Facilitator

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def create_facilitator(db, email: str, name: str, password: str) -> Facilitator:
    fac = Facilitator(email=email.strip().lower(), name=name.strip(), password_hash=hash_password(password))
    db.add(fac)
    db.commit()
    return fac


def facilitator_exists(db) -> bool:
    return (db.scalar(select(func.count(Facilitator.id))) or 0) > 0


def authenticate(db, email: str, password: str) -> Facilitator | None:
    """The facilitator with this email and password, else None."""
    fac = db.scalar(select(Facilitator).where(Facilitator.email == email.strip().lower()))
    return fac if fac is not None and check_password(fac.password_hash, password) else None


@dataclass(frozen=True)
class FacilitatorLoggedOut(DomainEvent):
    """The facilitator's open pages must lose their live connection at once."""
    facilitator_id: int


def log_out(facilitator_id: int) -> FacilitatorLoggedOut:
    """The login itself lives in the signed cookie, which the route clears; nothing is stored."""
    return publish(FacilitatorLoggedOut(facilitator_id))
