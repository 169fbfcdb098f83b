"""Facilitator accounts: password hashes, creating an account, whether any exists, logging out."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from workshop.core.events import DomainEvent, publish
from workshop.models import Facilitator

_hasher = PasswordHasher()
_unknown_account_hash: list[str] = []  # a hash of a random password, made once: unknown emails verify against it


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


SETUP_TOKEN_FILE = "setup_token"


def first_run_token(instance: str | Path) -> str:
    """The one-time secret that lets the first facilitator be created from another computer; made once
    into the instance folder (shared by the workers of one machine), printed on the server's console."""
    path = Path(instance) / SETUP_TOKEN_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it just now
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(24))
    return path.read_text().strip()


def forget_first_run_token(instance: str | Path) -> None:
    (Path(instance) / SETUP_TOKEN_FILE).unlink(missing_ok=True)


def facilitator_exists(db) -> bool:
    return (db.scalar(select(func.count(Facilitator.id))) or 0) > 0


def _unknown_hash() -> str:
    if not _unknown_account_hash:
        _unknown_account_hash.append(hash_password(secrets.token_urlsafe(24)))
    return _unknown_account_hash[0]


def authenticate(db, email: str, password: str) -> Facilitator | None:
    """The facilitator with this email and password, else None. An unknown email is verified against
    a hash all the same, so the answer takes as long as for a wrong password (no timing oracle)."""
    fac = db.scalar(select(Facilitator).where(Facilitator.email == email.strip().lower()))
    ok = check_password(fac.password_hash if fac is not None else _unknown_hash(), password)
    return fac if fac is not None and ok else None


@dataclass(frozen=True)
class FacilitatorLoggedOut(DomainEvent):
    """The facilitator's open pages must lose their live connection at once."""
    facilitator_id: int


def log_out(facilitator_id: int) -> FacilitatorLoggedOut:
    """The login itself lives in the signed cookie, which the route clears; nothing is stored."""
    return publish(FacilitatorLoggedOut(facilitator_id))
