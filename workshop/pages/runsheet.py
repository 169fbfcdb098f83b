"""The facilitator's run sheet: the evening in order on one page, the current step big with its actions.

It keeps the session page's address and endpoint names (`facilitator.session_page`,
`facilitator.change_phase`): every page and test that links to the session page gets the run sheet.
Its forms post to the features' own routes with `next` pointing back here, so each action keeps its
one path (route -> service -> commit -> event -> fan-out); the run sheet itself changes nothing but
the phase, the quick grouping and nothing else.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workshop.core.ids import parse_int
from workshop.db import get_db
from workshop.flipchart import events as live_flipchart
from workshop.flipchart import service as flipchart
from workshop.grouping import service as rounds
from workshop.grouping.service import RoundError, RoundSettings
from workshop.live import registry as live
from workshop.models import PHASES, Participant
from workshop.sessions import service as sessions
from workshop.sessions.guards import own_session
from workshop.sessions.service import SessionError
from workshop.web import links
from workshop.web.guards import is_safe_path, login_required
from workshop.web.labels import ROUND_ERRORS, SESSION_ERRORS

bp = Blueprint("runsheet", __name__, url_prefix="/f/sessions/<int:session_id>")

STEPS = tuple(p for p in PHASES if p != "closed")  # closing is the last step, behind a confirmation


def next_phase(phase: str) -> str | None:
    """The step after `phase`; "closed" after the last one, None once closed."""
    if phase not in STEPS:
        return None
    i = STEPS.index(phase)
    return STEPS[i + 1] if i + 1 < len(STEPS) else "closed"


def _here(session, anchor: str = "") -> str:
    return url_for("facilitator.session_page", session_id=session.id) + anchor


@login_required
def session_page(session_id: int):
    session = own_session(session_id)
    db = get_db()
    round_ = rounds.current_round(db, session)
    boards = live_flipchart.boards_payload(db, session, facilitator=True)["groups"] if round_ else []
    return render_template(
        "facilitator/session.html", session=session, phases=PHASES, steps=STEPS,
        next_phase=next_phase(session.phase), join_url=links.join_url(session),
        counts=sessions.lobby_counts(db, session, live.away_after()), round=round_, boards=boards,
        plan=rounds.plan_summary(session), questions=rounds.session_questions(session),
        presenting=flipchart.presenting_group(session), here=_here(session),
        vote_results=flipchart.vote_results(session), votes_revealed=flipchart.votes_revealed(session))


@login_required
def change_phase(session_id: int):
    session = own_session(session_id)
    phase = request.form.get("phase", "")
    if phase == "closed":
        phase = ""  # not from this list: closing has its own confirmation, as it ends the workshop for good
    try:
        flipchart.change_phase(get_db(), session, phase)
    except SessionError as exc:
        flash(SESSION_ERRORS[exc.key], "error")
    return redirect(_here(session, "#step-h"))


@bp.record_once
def _keep_session_endpoints(state) -> None:
    state.app.add_url_rule("/f/sessions/<int:session_id>", "facilitator.session_page", session_page)
    state.app.add_url_rule("/f/sessions/<int:session_id>/phase", "facilitator.change_phase", change_phase,
                           methods=["POST"])


@bp.route("/run/groups", methods=["POST"])
@login_required
def groups(session_id: int):
    """The grouping step in one press: publish the next planned round, or compute and publish one."""
    session = own_session(session_id)
    db = get_db()
    try:
        if request.form.get("action") == "planned":
            rounds.publish_planned(db, session)
        else:
            settings = RoundSettings(request.form.get("strategy", ""), group_size=parse_int(request.form.get("size")))
            round_ = rounds.create_round(db, session, settings)
            rounds.publish_round(db, session, round_)
    except RoundError as exc:
        flash(ROUND_ERRORS[exc.key], "error")
    else:
        flash(_("Groups published: every phone now shows its group."), "success")
    return redirect(_here(session, "#step-h"))


def _confirmation(session, what: str) -> dict:
    """The question, the form that does it and its button, for each destructive action."""
    if what == "delete":
        return {"question": _("Delete the workshop “%(title)s” and all its data for good? This cannot be "
                              "undone.", title=session.title),
                "action": url_for("results.results_action", session_id=session.id, action="delete"),
                "label": _("Delete workshop"), "fields": {"confirm": "yes"}}
    if what == "remove":
        participant = get_db().get(Participant, parse_int(request.args.get("participant")) or 0)
        if participant is None or participant.session_id != session.id:
            abort(404)
        name = participant.first_name or _("anonymous")
        return {"question": _("Remove %(name)s from the workshop? Their phone is cut off and their notes are "
                              "hidden.", name=name),
                "action": url_for("board.remove_participant", session_id=session.id, participant_id=participant.id),
                "label": _("Remove the participant"), "fields": {}}
    if what == "rebalance":
        number = parse_int(request.args.get("round")) or 0
        if not any(r.number == number and r.published_at for r in rounds.rounds_of(get_db(), session)):
            abort(404)
        return {"question": _("Re-balance round %(n)s? It is published: people may move to another group, and "
                              "their phones show the new group at once.", n=number),
                "action": url_for("grouping.round_action", session_id=session.id, number=number,
                                  action="rebalance"),
                "label": _("Re-balance the groups"), "fields": {}}
    abort(404)


@bp.route("/confirm/<what>")
@login_required
def confirm(session_id: int, what: str):
    """The no-JS confirmation of a destructive action (with JS, static/js/confirm.js asks in a dialog)."""
    session = own_session(session_id)
    back = request.args.get("back")
    cancel = back if is_safe_path(back) else _here(session)
    return render_template("facilitator/confirm.html", session=session, cancel=cancel,
                           **_confirmation(session, what))
