"""Live municipality plans: phones of a municipality, the projector and the facilitator follow changes."""
from __future__ import annotations

from flask_babel import gettext

from workshop.extensions import socketio
from workshop.live import registry as live
from workshop.plans import service as plans
from workshop.db import get_db
from workshop.web.labels import PLAN_ERRORS
from workshop.models import Participant, PlanItem, Session
from workshop.plans.service import PlanError
from workshop.live.handlers import LiveHandlers

handlers = LiveHandlers()


def item_payload(item: PlanItem) -> dict:
    return {"id": item.id, "municipality": item.municipality, "what": item.what, "owner": item.owner,
            "due": item.due, "status": item.status, "session": item.session_id}


def plans_payload(db, session: Session, municipality: str | None = None) -> dict:
    items = plans.items_of(db, session, municipality)
    followups = plans.open_followups(db, session, municipality)
    return {"municipality": municipality, "items": [item_payload(i) for i in items],
            "followups": [item_payload(i) for i in followups]}


def room_of(session: Session, municipality: str) -> str:
    return f"m{session.id}:{municipality}"


def broadcast_plan(session: Session, municipality: str) -> None:
    db = get_db()
    socketio.emit("plan", plans_payload(db, session, municipality), to=room_of(session, municipality))
    everything = plans_payload(db, session)
    socketio.emit("plans", everything, to=f"s{session.id}:screen")
    socketio.emit("plans", everything, to=f"s{session.id}:fac")


@handlers.on_sync
def send_plan_state(session: Session, conn: live.Conn, sid: str) -> None:
    db = get_db()
    if conn.role == "participant":
        participant = db.get(Participant, conn.participant_id)
        socketio.server.enter_room(sid, room_of(session, participant.municipality), namespace="/")
        socketio.emit("plan", plans_payload(db, session, participant.municipality), to=sid)
    else:
        socketio.emit("plans", plans_payload(db, session), to=sid)


def _error(key: str) -> dict:
    return {"ok": False, "error": gettext(str(PLAN_ERRORS.get(key, PLAN_ERRORS["bad_request"])))}


@handlers.on("plan_save")
def on_plan_save(data=None, *_args):
    """Add (no id) or edit (id) an action of the participant's own municipality."""
    conn = live.current_conn()
    if conn is None or conn.role != "participant" or not isinstance(data, dict):
        return _error("bad_request")
    db = get_db()
    session = db.get(Session, conn.session_id)
    participant = db.get(Participant, conn.participant_id)
    if not live.within_limit("plan", participant.id):
        return _error("too_fast")
    try:
        item_data = plans.clean_item(data)
        if data.get("id") is None:
            item = plans.create_item(db, session, participant.municipality, item_data, participant)
        else:
            item = plans.update_item(db, session, plans.item_of(db, session, data.get("id")), item_data, participant)
    except PlanError as exc:
        return _error(exc.args[0])
    broadcast_plan(session, item.municipality)
    return {"ok": True, "item": item_payload(item)}


@handlers.on("plan_followup")
def on_plan_followup(data=None, *_args):
    conn = live.current_conn()
    if conn is None or conn.role != "participant" or not isinstance(data, dict):
        return _error("bad_request")
    db = get_db()
    session = db.get(Session, conn.session_id)
    participant = db.get(Participant, conn.participant_id)
    if not live.within_limit("plan", participant.id):
        return _error("too_fast")
    try:
        item = plans.item_of(db, session, data.get("id"))
        plans.follow_up(db, session, item, data.get("status"), data.get("comment"), participant)
    except PlanError as exc:
        return _error(exc.args[0])
    broadcast_plan(session, item.municipality)
    return {"ok": True}
