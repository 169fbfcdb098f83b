"""Municipality plans: actions with an owner, a due date or term and a status, followed up across a series.

Participants edit their own municipality's plan; the facilitator edits every plan. Each status
change is kept as a PlanUpdate, also when it is made in a later workshop of the series.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session as DB

from workshop.models import PLAN_STATUSES, Note, Participant, PlanItem, PlanUpdate, Series, Session, utcnow
from workshop.sessions.service import allowed_municipalities, bump, row_id

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # and lone surrogates
LIMITS = {"what": 500, "owner": 200, "due": 60, "comment": 500}


class PlanError(ValueError):
    """A refused plan change; args[0] is a key of labels.PLAN_ERRORS."""


@dataclass
class ItemData:
    what: str
    owner: str | None = None
    due: str | None = None
    status: str = "not_started"
    source_note_id: int | None = None


def _clean(value, field: str, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise PlanError(f"{field}_missing")
        return None
    if not isinstance(value, str):
        raise PlanError("bad_request")
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        if required:
            raise PlanError(f"{field}_missing")
        return None
    if len(value) > LIMITS[field]:
        raise PlanError(f"{field}_too_long")
    if _CONTROL.search(value):
        raise PlanError("control")
    return value


def clean_item(raw: dict) -> ItemData:
    """Validate what a form or a Socket.IO event sent; raises PlanError with a message key."""
    if not isinstance(raw, dict):
        raise PlanError("bad_request")
    status = raw.get("status") or "not_started"
    if status not in PLAN_STATUSES:
        raise PlanError("bad_status")
    source = raw.get("source_note_id")
    if source in ("", None):
        source = None
    else:
        if isinstance(source, str) and source.isascii() and source.isdigit() and len(source) < 12:
            source = int(source)
        source = row_id(source)
        if source is None:
            raise PlanError("bad_request")
    return ItemData(what=_clean(raw.get("what"), "what", required=True), owner=_clean(raw.get("owner"), "owner"),
                    due=_clean(raw.get("due"), "due"), status=status, source_note_id=source)


def _check_municipality(session: Session, municipality: str) -> None:
    if municipality not in allowed_municipalities(session) or municipality == "other":
        raise PlanError("bad_municipality")


def _check_source(db: DB, session: Session, note_id: int | None) -> None:
    if note_id is None:
        return
    note = db.get(Note, note_id)
    if note is None or note.session_id != session.id or note.hidden:
        raise PlanError("bad_source")


def may_edit(participant: Participant | None, municipality: str) -> bool:
    """Participants edit their own municipality's plan; None means the facilitator."""
    return participant is None or participant.municipality == municipality


def _check_phone(session: Session, participant: Participant | None) -> None:
    """A phone changes plans only while its workshop is open (the facilitator, None, also afterwards)."""
    if participant is None:
        return
    if participant.removed or participant.session_id != session.id:
        raise PlanError("not_yours")
    if not session.is_open:
        raise PlanError("closed")


def create_item(db: DB, session: Session, municipality: str, data: ItemData,
                participant: Participant | None = None) -> PlanItem:
    _check_phone(session, participant)
    _check_municipality(session, municipality)
    if not may_edit(participant, municipality):
        raise PlanError("not_yours")
    _check_source(db, session, data.source_note_id)
    item = PlanItem(session_id=session.id, municipality=municipality, what=data.what, owner=data.owner,
                    due=data.due, status=data.status, source_note_id=data.source_note_id)
    item.updates.append(PlanUpdate(session_id=session.id, status=data.status, by_facilitator=participant is None))
    db.add(item)
    bump(session)
    db.commit()
    return item


def item_of(db: DB, session: Session, item_id) -> PlanItem:
    """A plan item this session may see: its own, or an earlier one of the same series."""
    item = db.get(PlanItem, row_id(item_id)) if row_id(item_id) is not None else None
    if item is None:
        raise PlanError("not_found")
    if item.session_id == session.id:
        return item
    origin = db.get(Session, item.session_id)
    if session.series_id is None or origin is None or origin.series_id != session.series_id:
        raise PlanError("not_found")
    return item


def update_item(db: DB, session: Session, item: PlanItem, data: ItemData,
                participant: Participant | None = None) -> PlanItem:
    _check_phone(session, participant)
    if not may_edit(participant, item.municipality):
        raise PlanError("not_yours")
    if item.session_id != session.id:
        raise PlanError("not_found")  # earlier workshops' actions are followed up, not rewritten
    _check_source(db, session, data.source_note_id)
    changed_status = data.status != item.status
    item.what, item.owner, item.due, item.source_note_id = data.what, data.owner, data.due, data.source_note_id
    item.status = data.status
    item.updated_at = utcnow()
    if changed_status:
        item.updates.append(PlanUpdate(session_id=session.id, status=data.status, by_facilitator=participant is None))
    bump(session)
    db.commit()
    return item


def follow_up(db: DB, session: Session, item: PlanItem, status, comment,
              participant: Participant | None = None) -> PlanUpdate:
    """Record in this workshop how an earlier promise is going (status and an optional comment)."""
    _check_phone(session, participant)
    if status not in PLAN_STATUSES:
        raise PlanError("bad_status")
    comment = _clean(comment, "comment")
    if not may_edit(participant, item.municipality):
        raise PlanError("not_yours")
    update = PlanUpdate(session_id=session.id, status=status, comment=comment, by_facilitator=participant is None)
    item.updates.append(update)
    item.status = status
    item.updated_at = utcnow()
    bump(session)
    db.commit()
    return update


def delete_item(db: DB, session: Session, item: PlanItem, participant: Participant | None = None) -> None:
    if not may_edit(participant, item.municipality) or item.session_id != session.id:
        raise PlanError("not_yours")
    db.delete(item)
    bump(session)
    db.commit()


def items_of(db: DB, session: Session, municipality: str | None = None) -> list[PlanItem]:
    query = select(PlanItem).where(PlanItem.session_id == session.id)
    if municipality is not None:
        query = query.where(PlanItem.municipality == municipality)
    return list(db.scalars(query.order_by(PlanItem.municipality, PlanItem.id)))


def earlier_sessions(db: DB, session: Session) -> list[Session]:
    """The workshops of the same series that came before this one."""
    if session.series_id is None:
        return []
    others = db.scalars(select(Session).where(Session.series_id == session.series_id, Session.id != session.id))
    key = _order_key(session)
    return sorted((s for s in others if _order_key(s) < key), key=_order_key)


def _order_key(s: Session):
    return (s.starts_at.replace(tzinfo=None) if s.starts_at else s.created_at.replace(tzinfo=None), s.id)


def open_followups(db: DB, session: Session, municipality: str | None = None) -> list[PlanItem]:
    """Earlier workshops' actions of this session's municipalities that are still open."""
    ids = [s.id for s in earlier_sessions(db, session)]
    if not ids:
        return []
    codes = [c for c in allowed_municipalities(session) if c != "other"]
    query = select(PlanItem).where(PlanItem.session_id.in_(ids), PlanItem.municipality.in_(codes))
    if municipality is not None:
        query = query.where(PlanItem.municipality == municipality)
    items = db.scalars(query.order_by(PlanItem.municipality, PlanItem.id))
    # An action closed in this very workshop stays visible here, so people see what they just did.
    return [i for i in items if i.status in ("not_started", "in_progress")
            or any(u.session_id == session.id for u in i.updates)]


# --- series ------------------------------------------------------------------------------------

def create_series(db: DB, facilitator_id: int, name) -> Series:
    name = _clean(name, "owner", required=False)
    if not name:
        raise PlanError("series_name")
    series = Series(facilitator_id=facilitator_id, name=name)
    db.add(series)
    db.commit()
    return series


def series_of(db: DB, facilitator_id: int) -> list[Series]:
    return list(db.scalars(select(Series).where(Series.facilitator_id == facilitator_id).order_by(Series.id)))
