"""Municipality plans: actions with an owner, a due date or term and a status, followed up across a series.

Participants edit their own municipality's plan; the facilitator edits every plan. Each status
change is kept as a PlanUpdate, also when it is made in a later workshop of the series.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session as DB

from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.ids import row_id
from workshop.core.text import TextError, clean_text
from workshop.core.time import from_local, utcnow
from workshop.models import PLAN_STATUSES, Note, Participant, PlanItem, PlanUpdate, Series, Session
from workshop.sessions.service import allowed_municipalities, bump

LIMITS = {"what": 500, "owner": 200, "due": 60, "comment": 500}


class PlanError(DomainError):
    """A refused plan change; args[0] is a key of labels.PLAN_ERRORS."""


# --- domain events: published after each commit, sent to the rooms by plans/events.py --------------

@dataclass(frozen=True)
class PlanItemSaved(DomainEvent):
    """An action was added to a municipality's plan, or edited."""
    session: Session
    item: PlanItem


@dataclass(frozen=True)
class PlanFollowedUp(DomainEvent):
    """In `session`, someone recorded how an action (maybe of an earlier workshop) is going."""
    session: Session
    item: PlanItem
    update: PlanUpdate


@dataclass(frozen=True)
class PlanItemDeleted(DomainEvent):
    session: Session
    municipality: str
    item_id: int


@dataclass
class ItemData:
    what: str
    owner: str | None = None
    due: str | None = None
    status: str = "not_started"
    source_note_id: int | None = None


def _clean(value, field: str, required: bool = False) -> str | None:
    """One plan text (several lines allowed); the message key names the field."""
    try:
        return clean_text(value, LIMITS[field], multiline=True, required=required)
    except TextError as exc:
        raise PlanError({"empty": f"{field}_missing", "too_long": f"{field}_too_long", "control": "control",
                         "type": "bad_request"}[exc.reason]) from None


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
    elif (source := row_id(source)) is None:
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
    publish(PlanItemSaved(session, item))
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
    publish(PlanItemSaved(session, item))
    return item


def save_item(db: DB, session: Session, participant: Participant, item_id, data: ItemData) -> PlanItem:
    """A phone's plan form: a new action of its own municipality (no id), or an edit of one."""
    if item_id is None:
        return create_item(db, session, participant.municipality, data, participant)
    return update_item(db, session, item_of(db, session, item_id), data, participant)


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
    publish(PlanFollowedUp(session, item, update))
    return update


def delete_item(db: DB, session: Session, item: PlanItem, participant: Participant | None = None) -> None:
    if not may_edit(participant, item.municipality) or item.session_id != session.id:
        raise PlanError("not_yours")
    municipality, item_id = item.municipality, item.id
    db.delete(item)
    bump(session)
    db.commit()
    publish(PlanItemDeleted(session, municipality, item_id))


# Built once (every phone's connect reads its municipality's plan): only the parameters change.
_ITEMS = select(PlanItem).where(PlanItem.session_id == bindparam("session_id")).order_by(PlanItem.municipality,
                                                                                        PlanItem.id)
_ITEMS_OF_MUNICIPALITY = _ITEMS.where(PlanItem.municipality == bindparam("municipality"))


def items_of(db: DB, session: Session, municipality: str | None = None) -> list[PlanItem]:
    if municipality is None:
        return list(db.scalars(_ITEMS, {"session_id": session.id}))
    return list(db.scalars(_ITEMS_OF_MUNICIPALITY, {"session_id": session.id, "municipality": municipality}))


def earlier_sessions(db: DB, session: Session) -> list[Session]:
    """The workshops of the same series that came before this one."""
    if session.series_id is None:
        return []
    others = db.scalars(select(Session).where(Session.series_id == session.series_id, Session.id != session.id))
    key = _order_key(session)
    return sorted((s for s in others if _order_key(s) < key), key=_order_key)


def _order_key(s: Session):
    return (from_local(s.starts_at) if s.starts_at else s.created_at, s.id)


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


# --- series (no live view: nothing to publish) --------------------------------------------------

def create_series(db: DB, facilitator_id: int, name) -> Series:
    name = _clean(name, "owner", required=False)
    if not name:
        raise PlanError("series_name")
    series = Series(facilitator_id=facilitator_id, name=name)
    db.add(series)
    db.commit()
    return series
