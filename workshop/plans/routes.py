"""Plan pages: the facilitator's plans, follow-up and series (`bp`), and the phone's plan forms
without JavaScript (`phone_bp`, the same service calls as the Socket.IO events)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workshop.core.ids import row_id
from workshop.db import get_db
from workshop.plans import service as plans
from workshop.plans.service import PlanError
from workshop.sessions import service as sessions
from workshop.sessions.service import allowed_municipalities
from workshop.web.guards import current_facilitator, current_participant, login_required, own_session
from workshop.web.labels import PLAN_ERRORS

bp = Blueprint("plans", __name__, url_prefix="/f")
phone_bp = Blueprint("phone_plan", __name__)


@bp.route("/sessions/<int:session_id>/plans")
@login_required
def plans_page(session_id: int):
    session = own_session(session_id)
    db = get_db()
    codes = [c for c in allowed_municipalities(session) if c != "other"]
    by_muni = {c: plans.items_of(db, session, c) for c in codes}
    followups = {c: plans.open_followups(db, session, c) for c in codes}
    from workshop.flipchart.service import top_three
    from workshop.grouping.service import current_round
    round_ = current_round(db, session)
    sources = []
    if round_ is not None:
        for g in round_.groups:
            sources += [(n, g.number) for n, _v in top_three(db, g).places]
    return render_template("facilitator/plans.html", session=session, codes=codes, by_muni=by_muni,
                           followups=followups, sources=sources)


@bp.route("/sessions/<int:session_id>/plans/<action>", methods=["POST"])
@login_required
def plan_action(session_id: int, action: str):
    session = own_session(session_id)
    db = get_db()
    try:
        if action == "add":
            item = plans.create_item(db, session, request.form.get("municipality", ""),
                                     plans.clean_item(request.form.to_dict()))
        elif action == "edit":
            item = plans.item_of(db, session, row_id(request.form.get("id")))
            plans.update_item(db, session, item, plans.clean_item(request.form.to_dict()))
        elif action == "followup":
            item = plans.item_of(db, session, row_id(request.form.get("id")))
            plans.follow_up(db, session, item, request.form.get("status"), request.form.get("comment"))
        elif action == "delete":
            item = plans.item_of(db, session, row_id(request.form.get("id")))
            plans.delete_item(db, session, item)
        else:
            abort(404)
    except PlanError as exc:
        flash(PLAN_ERRORS[exc.key], "error")
    else:
        flash(_("Plan saved."), "success")
    return redirect(url_for("plans.plans_page", session_id=session.id))


@bp.route("/series", methods=["GET", "POST"])
@login_required
def series_page():
    db = get_db()
    fac = current_facilitator()
    if request.method == "POST":
        try:
            plans.create_series(db, fac.id, request.form.get("name"))
        except PlanError as exc:
            flash(PLAN_ERRORS[exc.key], "error")
        else:
            flash(_("Series created. Choose it on each workshop's edit page."), "success")
        return redirect(url_for("plans.series_page"))
    return render_template("facilitator/series.html", series=plans.series_of(db, fac.id),
                           sessions=sessions.sessions_of(db, fac.id))


# --- the municipality's plan on the phone without JavaScript ---------------------------------------

def _phone_participant(code: str):
    """The open workshop of this code and this browser's participant in it, else (None, None)."""
    session = sessions.open_session_by_code(get_db(), code)
    participant = current_participant(session)
    return (session, participant) if participant is not None else (None, None)


@phone_bp.route("/<joincode:code>/plan", methods=["POST"])
def plan_save(code: str):
    session, participant = _phone_participant(code)
    if participant is None:
        return redirect(url_for("phone.join", code=code))
    try:
        data = plans.clean_item(request.form.to_dict())
        plans.save_item(get_db(), session, participant, row_id(request.form.get("id", "")), data)
    except PlanError as exc:
        flash(PLAN_ERRORS[exc.key], "error")
    else:
        flash(_("Plan saved."), "success")
    return redirect(url_for("phone.join", code=code) + "#plan")


@phone_bp.route("/<joincode:code>/plan/followup", methods=["POST"])
def plan_followup(code: str):
    session, participant = _phone_participant(code)
    if participant is None:
        return redirect(url_for("phone.join", code=code))
    db = get_db()
    try:
        item = plans.item_of(db, session, row_id(request.form.get("id", "")))
        plans.follow_up(db, session, item, request.form.get("status"), request.form.get("comment"), participant)
    except PlanError as exc:
        flash(PLAN_ERRORS[exc.key], "error")
    else:
        flash(_("Plan saved."), "success")
    return redirect(url_for("phone.join", code=code) + "#plan")
