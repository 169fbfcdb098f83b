"""Lookups remembered for one database session until its next commit or rollback.

What one request or Socket.IO event reads several times (a phone's group while it connects) is read
once. workshop/db.py clears the memo after every commit and rollback of the sessions it makes.
"""
from __future__ import annotations

from sqlalchemy.orm import Session


def memo(db: Session) -> dict:
    return db.info.setdefault("paja_memo", {})


def forget(db: Session, *_args) -> None:
    db.info.pop("paja_memo", None)
