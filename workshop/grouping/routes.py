"""Facilitator pages for grouping rounds: create, preview, adjust, publish; absent people."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from workshop.core.ids import parse_int, row_id
from workshop.db import get_db
from workshop.grouping import service as rounds
from workshop.grouping.forms import PlanForm, RoundForm, TableLabelForm
from workshop.grouping.service import PlanSettings, RoundError, RoundSettings
from workshop.models import Participant, Round
from workshop.sessions import service as sessions
from workshop.sessions.guards import own_session
from workshop.sessions.service import JoinData, SessionError
from workshop.web.guards import login_required
from workshop.web.labels import ROUND_ERRORS, SESSION_ERRORS

bp = Blueprint("grouping", __name__, url_prefix="/f/sessions/<int:session_id>")


def _round_or_404(session, number: int) -> Round:
    round_ = get_db().scalar(select(Round).where(Round.session_id == session.id, Round.number == number))
    if round_ is None:
        abort(404)
    return round_


def _participant_or_404(session, participant_id: int) -> Participant:
    p = get_db().get(Participant, participant_id)
    if p is None or p.session_id != session.id:
        abort(404)
    return p


def _group_number(name: str) -> int | None:
    return parse_int(request.form.get(name), minimum=1, maximum=rounds.MAX_GROUPS)


def _plan_form(session) -> PlanForm:
    form = PlanForm(formdata=None)
    plan = session.round_plan
    form.rounds.data = plan.total if plan else rounds.default_planned_rounds(session)
    form.plan_size_mode.data = "count" if plan and plan.group_count else "size"
    form.plan_size.data = (plan.group_size or plan.group_count) if plan else 5
    return form


def _rounds_page(session, form: RoundForm, plan_form: PlanForm):
    db = get_db()
    people = list(db.scalars(select(Participant).where(Participant.session_id == session.id,
                                                       Participant.removed.is_(False)).order_by(Participant.id)))
    status = 400 if form.errors or plan_form.errors else 200
    return render_template("facilitator/rounds.html", session=session, form=form, plan_form=plan_form,
                           plan=rounds.plan_summary(session), people=people,
                           rounds=rounds.rounds_of(db, session), current=rounds.current_round(db, session)), status


@bp.route("/rounds", methods=["GET", "POST"])
@login_required
def rounds_page(session_id: int):
    session = own_session(session_id)
    db = get_db()
    form = RoundForm()
    if request.method == "GET":
        form.strategy.data = "mixed" if not rounds.rounds_of(db, session) else "home"
        form.size_mode.data, form.size.data = "size", 5
    elif form.validate_on_submit():
        size = form.size.data
        settings = RoundSettings(form.strategy.data, group_size=size if form.size_mode.data == "size" else None,
                                 group_count=size if form.size_mode.data == "count" else None,
                                 merge_small=bool(form.merge_small.data))
        try:
            round_ = rounds.create_round(db, session, settings)
        except RoundError as exc:
            flash(ROUND_ERRORS[exc.key], "error")
        else:
            return redirect(url_for("grouping.round_page", session_id=session.id, number=round_.number))
    return _rounds_page(session, form, _plan_form(session))


@bp.route("/rounds/plan", methods=["POST"])
@login_required
def plan_rounds(session_id: int):
    """Plan the evening's mixed rounds together (the no-JS form on the rounds page)."""
    session = own_session(session_id)
    plan_form = PlanForm()
    if plan_form.validate_on_submit():
        size = plan_form.plan_size.data
        by_size = plan_form.plan_size_mode.data == "size"
        settings = PlanSettings(plan_form.rounds.data, group_size=size if by_size else None,
                                group_count=None if by_size else size)
        try:
            plan = rounds.plan_rounds(get_db(), session, settings)
        except RoundError as exc:
            flash(ROUND_ERRORS[exc.key], "error")
        else:
            flash(ngettext("%(num)s mixed round planned.", "%(num)s mixed rounds planned.", plan.total), "success")
        return redirect(url_for("grouping.rounds_page", session_id=session.id) + "#plan")
    form = RoundForm(formdata=None)
    form.strategy.data, form.size_mode.data, form.size.data = "mixed", "size", 5
    return _rounds_page(session, form, plan_form)


@bp.route("/rounds/plan/<action>", methods=["POST"])
@login_required
def plan_action(session_id: int, action: str):
    """Publish the next planned round, or forget the plan."""
    session = own_session(session_id)
    db = get_db()
    try:
        if action == "next":
            round_ = rounds.publish_planned(db, session)
            flash(_("Groups published: every phone now shows its group."), "success")
            return _redirect_round(session, round_)
        if action == "clear":
            rounds.clear_plan(db, session)
            flash(_("The planned rounds were cleared."), "success")
        else:
            abort(404)
    except RoundError as exc:
        flash(ROUND_ERRORS[exc.key], "error")
    return redirect(url_for("grouping.rounds_page", session_id=session.id) + "#plan")


@bp.route("/rounds/<int:number>")
@login_required
def round_page(session_id: int, number: int):
    session = own_session(session_id)
    round_ = _round_or_404(session, number)
    db = get_db()
    home = rounds.home_overview(round_) if round_.strategy == "home" else None
    return render_template("facilitator/round.html", session=session, round=round_, home=home,
                           score=None if home else rounds.round_score(db, session, round_),
                           table_form=TableLabelForm())


def _redirect_round(session, round_):
    return redirect(url_for("grouping.round_page", session_id=session.id, number=round_.number))


@bp.route("/rounds/<int:number>/<action>", methods=["POST"])
@login_required
def round_action(session_id: int, number: int, action: str):
    session = own_session(session_id)
    round_ = _round_or_404(session, number)
    db = get_db()
    try:
        if action == "reroll":
            rounds.reroll(db, session, round_)
            flash(_("New groups computed."), "success")
        elif action == "move":
            pid, to = row_id(request.form.get("participant")), _group_number("to")
            if pid is None or to is None:
                raise RoundError("no_group")
            rounds.move_member(db, session, round_, pid, to)
            flash(_("Moved to group %(n)s.", n=to), "success")
        elif action == "table":
            form = TableLabelForm()
            if not form.validate_on_submit():
                for errors in form.errors.values():
                    flash(errors[0], "error")
                return _redirect_round(session, round_)
            group = rounds.group_by_number(round_, _group_number("group"))
            rounds.set_table_label(db, session, group, form.label.data)
            flash(_("Table saved."), "success")
        elif action == "publish":
            rounds.publish_round(db, session, round_)
            flash(_("Groups published: every phone now shows its group."), "success")
        elif action == "delete":
            rounds.delete_draft(db, session, round_)
            flash(_("Draft deleted."), "success")
            return redirect(url_for("grouping.rounds_page", session_id=session.id))
        elif action == "rebalance":
            moved = rounds.rebalance(db, session, round_)
            flash(_("Groups re-balanced: %(n)s people moved.", n=moved), "success")
        else:
            abort(404)
    except RoundError as exc:
        flash(ROUND_ERRORS[exc.key], "error")
    return _redirect_round(session, round_)


@bp.route("/participants/<int:participant_id>/absent", methods=["POST"])
@login_required
def mark_absent(session_id: int, participant_id: int):
    session = own_session(session_id)
    participant = _participant_or_404(session, participant_id)
    rounds.set_absent(get_db(), session, participant, request.form.get("absent") == "1")
    return redirect(url_for("grouping.rounds_page", session_id=session.id) + "#people")


@bp.route("/participants/add", methods=["POST"])
@login_required
def add_without_phone(session_id: int):
    """Someone without a phone, added at the door: mixed like everyone else, on the printed table cards."""
    session = own_session(session_id)
    form = request.form
    data = JoinData(municipality=form.get("municipality", ""), background=form.get("background", ""),
                    first_name=form.get("first_name") or None, names_consented=bool(form.get("first_name")),
                    without_phone=True)
    db = get_db()
    try:
        participant, _token = sessions.join(db, session, data, current_app.config["MAX_PARTICIPANTS"])
    except SessionError as exc:
        flash(SESSION_ERRORS[exc.args[0]], "error")
    else:
        group = rounds.place_late_arrival(db, session, participant)  # when groups are out already
        if group is not None:
            flash(_("Added to group %(n)s. Every round to come mixes this person like everyone else.",
                    n=group.number), "success")
        else:
            flash(_("Added. Every round mixes this person like everyone else."), "success")
    return redirect(url_for("grouping.rounds_page", session_id=session.id) + "#people")


@bp.route("/rounds/<int:number>/cards")
@login_required
def table_cards(session_id: int, number: int):
    """Printable group lists and table cards: one page per group (print CSS)."""
    session = own_session(session_id)
    round_ = _round_or_404(session, number)
    db = get_db()
    questions = {g.id: rounds.question_of(db, g) for g in round_.groups}
    return render_template("facilitator/table_cards.html", session=session, round=round_, questions=questions)
