"""Live municipality plans: phones of a municipality, the projector and the facilitator follow changes.

Events to clients: ``plan`` (the phones of one municipality: its actions and follow-ups) and
``plans`` (projector and facilitator: every municipality's). Events from clients: ``plan_save``
{id?, what, owner, due, status, source_note_id} → {ok, item}; ``plan_followup`` {id, status,
comment} → {ok}; refusals → {ok: false, error}.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.live.handlers import LiveContext, LiveHandlers, State
from workshop.live.registry import Conn
from workshop.models import Participant, PlanItem, Session
from workshop.plans import service as plans
from workshop.web.labels import PLAN_ERRORS

handlers = LiveHandlers()

Text = StrictStr | None


class SavePayload(BaseModel):
    """An action: texts are strings (the service checks them); the id and the status are checked
    by the service too, so a wrong one gets the same message as on the no-JS form."""
    model_config = ConfigDict(extra="ignore")
    id: Any = None
    what: Text = None
    owner: Text = None
    due: Text = None
    status: Any = None
    source_note_id: StrictInt | StrictStr | None = None


class FollowupPayload(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: Any = None
    status: Any = None
    comment: Text = None


def item_payload(item: PlanItem) -> dict:
    return {"id": item.id, "municipality": item.municipality, "what": item.what, "owner": item.owner,
            "due": item.due, "status": item.status, "session": item.session_id,
            "source_note_id": item.source_note_id}


def plans_payload(db, session: Session, municipality: str | None = None) -> dict:
    items = plans.items_of(db, session, municipality)
    followups = plans.open_followups(db, session, municipality)
    return {"municipality": municipality, "items": [item_payload(i) for i in items],
            "followups": [item_payload(i) for i in followups]}


def room_of(session: Session, municipality: str) -> str:
    return f"m{session.id}:{municipality}"


# --- fan-out: committed changes to the rooms that may see them -------------------------------------

def broadcast_plan(session: Session, municipality: str) -> None:
    db = get_db()
    socketio.emit("plan", plans_payload(db, session, municipality), to=room_of(session, municipality))
    everything = plans_payload(db, session)
    socketio.emit("plans", everything, to=f"s{session.id}:screen")
    socketio.emit("plans", everything, to=f"s{session.id}:fac")


@handlers.fanout(plans.PlanItemSaved)
@handlers.fanout(plans.PlanFollowedUp)
def on_item_changed(event: plans.PlanItemSaved | plans.PlanFollowedUp) -> None:
    broadcast_plan(event.session, event.item.municipality)


@handlers.fanout(plans.PlanItemDeleted)
def on_item_deleted(event: plans.PlanItemDeleted) -> None:
    broadcast_plan(event.session, event.municipality)


# --- handlers -----------------------------------------------------------------------------------

@handlers.on_sync
def send_plan_state(session: Session, conn: Conn, state: State) -> None:
    db = get_db()
    if conn.role == "participant":
        participant = db.get(Participant, conn.participant_id)
        socketio.server.enter_room(state.sid, room_of(session, participant.municipality), namespace="/")
        state.emit("plan", plans_payload(db, session, participant.municipality))
    else:
        state.emit("plans", plans_payload(db, session))


@handlers.on("plan_save", role="participant", schema=SavePayload, limit="plan", errors=PLAN_ERRORS)
def on_plan_save(ctx: LiveContext, payload: SavePayload) -> dict:
    """Add (no id) or edit (id) an action of the participant's own municipality."""
    data = plans.clean_item(payload.model_dump())
    item = plans.save_item(ctx.db, ctx.session, ctx.participant, payload.id, data)
    return {"ok": True, "item": item_payload(item)}


@handlers.on("plan_followup", role="participant", schema=FollowupPayload, limit="plan", errors=PLAN_ERRORS)
def on_plan_followup(ctx: LiveContext, payload: FollowupPayload) -> dict:
    item = plans.item_of(ctx.db, ctx.session, payload.id)
    plans.follow_up(ctx.db, ctx.session, item, payload.status, payload.comment, ctx.participant)
    return {"ok": True}
