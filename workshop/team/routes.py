"""The team page: the workshop's owner adds facilitators of this installation with a role, changes or
removes them; every member reads the team and the history. And the history itself: one line per
facilitator change that went through (written after the response, whichever feature made it)."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_babel import gettext as _

from workshop.db import get_db
from workshop.models import TEAM_ROLES, Session
from workshop.sessions.guards import own_session
from workshop.team import service as team
from workshop.team.service import TeamError
from workshop.web.guards import current_facilitator, login_required
from workshop.web.labels import AUDIT_LABELS, TEAM_ERRORS, TEAM_ROLE_LABELS

bp = Blueprint("team", __name__, url_prefix="/f/sessions/<int:session_id>/team")


@bp.route("", methods=["GET", "POST"])
@login_required
def team_page(session_id: int):
    session = own_session(session_id)
    db = get_db()
    if request.method == "POST":
        try:
            member = team.add_member(db, session, request.form.get("email"), request.form.get("role"))
            flash(_("%(name)s is in the team.", name=member.facilitator.name), "success")
        except TeamError as exc:
            flash(TEAM_ERRORS[exc.args[0]], "error")
        return redirect(url_for("team.team_page", session_id=session.id))
    return render_template("facilitator/team.html", session=session, members=team.members(db, session),
                           history=team.history(db, session), roles=TEAM_ROLES, my_role=g.team_role,
                           role_labels=TEAM_ROLE_LABELS, audit_label=audit_label)


def audit_label(action: str) -> str:
    """A history line's action in words ("Changed a round (publish)")."""
    endpoint, _sep, detail = action.partition(":")
    label = AUDIT_LABELS.get(endpoint)
    if label is None:
        return action
    return f"{label} ({detail})" if detail else str(label)


@bp.route("/<int:member_id>/<action>", methods=["POST"])
@login_required
def member_action(session_id: int, member_id: int, action: str):
    session = own_session(session_id)
    db = get_db()
    try:
        if action == "role":
            team.set_role(db, session, member_id, request.form.get("role"))
            flash(_("Role changed."), "success")
        elif action == "remove":
            team.remove_member(db, session, member_id)
            flash(_("Removed from the team."), "success")
        else:
            raise TeamError("not_found")
    except TeamError as exc:
        flash(TEAM_ERRORS[exc.args[0]], "error")
    return redirect(url_for("team.team_page", session_id=session.id))


@bp.after_app_request
def write_history(response):
    """After a facilitator's change of a workshop (own_session marked it) that was not refused."""
    session_id = g.pop("audit_session", None)
    if session_id is None or response.status_code >= 400:
        return response
    if any(category == "error" for category, _message in cookie_session.get("_flashes", [])):
        return response
    action = request.endpoint or ""
    if (request.view_args or {}).get("action"):
        action += ":" + str(request.view_args["action"])
    elif request.endpoint == "facilitator.change_phase":
        action += ":" + str(request.form.get("phase", ""))[:20]
    db = get_db()
    if db.get(Session, session_id) is None:  # the change deleted the workshop, and its history with it
        return response
    fac = current_facilitator()
    team.record(db, session_id, fac.id if fac else None, action)
    return response
