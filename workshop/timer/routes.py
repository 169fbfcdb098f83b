"""Facilitator's timer controls: POST forms that call the timer service (which tells the rooms)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from workshop.core.ids import parse_int, row_id
from workshop.db import get_db
from workshop.sessions.guards import own_session
from workshop.timer import service as timer
from workshop.timer.service import TimerError
from workshop.web.guards import login_required
from workshop.web.labels import TIMER_ERRORS

bp = Blueprint("timer", __name__, url_prefix="/f/sessions/<int:session_id>/timer")

ACTIONS = ("start", "pause", "resume", "extend", "reset")


def _minutes() -> int:
    """The minutes field as a whole number; 0 (refused by the service) when it is not one."""
    return parse_int(request.form.get("minutes", "").strip()) or 0


def _apply(session, action: str) -> None:
    db = get_db()
    if action not in ACTIONS:
        raise TimerError("unknown_action")
    if action == "start" and "agenda_item" in request.form:
        timer.start_agenda_item(db, session, row_id(request.form["agenda_item"]))
    elif action == "start":
        timer.start(db, session, _minutes(), request.form.get("label"))
    elif action == "pause":
        timer.pause(db, session)
    elif action == "resume":
        timer.resume(db, session)
    elif action == "extend":
        timer.extend(db, session, _minutes())
    else:
        timer.reset(db, session)


@bp.route("/<action>", methods=["POST"])
@login_required
def timer_action(session_id: int, action: str):
    session = own_session(session_id)
    try:
        _apply(session, action)
    except TimerError as exc:
        flash(TIMER_ERRORS[exc.key], "error")
    return redirect(url_for("facilitator.session_page", session_id=session.id, _anchor="timer-h"))


@bp.app_context_processor
def timer_helpers():
    """Templates render the timer as it is at page load (phones and projector work without JS)."""
    return {"timer_view": timer_view}


def timer_view(session) -> dict:
    """The timer as a page shows it at load; a closed workshop shows none."""
    remaining = timer.remaining_seconds(session)
    active = timer.belongs(session)
    if not active:
        status = "idle"
    elif remaining == 0:
        status = "done"
    elif timer.is_paused(session):
        status = "paused"
    elif remaining <= timer.WARNING_SECONDS:
        status = "warning"
    else:
        status = "running"
    return {"status": status, "active": active, "running": active and timer.is_running(session),
            "label": timer.label(session), "clock": timer.clock(remaining), "remaining": remaining}
