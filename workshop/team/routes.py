"""The team page: the workshop's owner adds facilitators of this installation with a role, invites
anyone by an email link, changes or removes members; every member reads the team and the history.
The invitation link's own pages (invite_bp), for someone with or without an account. And the history
itself: one line per facilitator change that went through (written after the response, whichever
feature made it)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_babel import gettext as _

from workshop.accounts.forms import NewAccountForm
from workshop.accounts.routes import start_login
from workshop.core import mail
from workshop.db import get_db
from workshop.extensions import limiter
from workshop.models import TEAM_ROLES, Session
from workshop.sessions.guards import own_session
from workshop.team import service as team
from workshop.team.models import TeamInvite
from workshop.team.service import TeamError
from workshop.web import attempts, links
from workshop.web.guards import current_facilitator, login_required
from workshop.web.labels import AUDIT_LABELS, TEAM_ERRORS, TEAM_ROLE_LABELS

bp = Blueprint("team", __name__, url_prefix="/f/sessions/<int:session_id>/team")
invite_bp = Blueprint("team_invite", __name__, url_prefix="/invite")


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
    return _team_page(session)


def _team_page(session: Session, created: dict | None = None) -> Response:
    db = get_db()
    response = Response(render_template(
        "facilitator/team.html", session=session, members=team.members(db, session),
        invites=team.pending_invites(db, session) if g.team_role == "owner" else [], created=created,
        history=team.history(db, session), roles=TEAM_ROLES, my_role=g.team_role, version=team.version(db, session),
        role_labels=TEAM_ROLE_LABELS, audit_label=audit_label))
    if created:
        response.headers["Cache-Control"] = "no-store"  # the link is shown this once
    return response


@bp.route("/invites", methods=["POST"])
@login_required
def invite(session_id: int):
    """Invite by email: the page shows the new link once (and it is emailed when mail is set up)."""
    session = own_session(session_id)
    try:
        row, token = team.invite(get_db(), session, current_facilitator(), request.form.get("email"),
                                 request.form.get("role"))
    except TeamError as exc:
        flash(TEAM_ERRORS[exc.args[0]], "error")
        return redirect(url_for("team.team_page", session_id=session.id))
    url = f"{links.base_url()}{url_for('team_invite.invite_page', token=token)}"
    return _team_page(session, created={"invite": row, "url": url, "emailed": _send_invite(session, row, url)})


def _send_invite(session: Session, row: TeamInvite, url: str) -> bool:
    if not mail.configured(current_app.config):
        return False
    body = render_template("team/invite_email.txt", session=session, invite=row, url=url,
                           by=current_facilitator(), role=TEAM_ROLE_LABELS[row.role])
    return mail.send(current_app.config, row.email,
                     _("Invitation to the team of %(title)s", title=session.title), body)


@bp.route("/invites/<int:invite_id>/revoke", methods=["POST"])
@login_required
def revoke_invite(session_id: int, invite_id: int):
    session = own_session(session_id)
    try:
        row = team.revoke_invite(get_db(), session, invite_id)
        flash(_("The invitation to %(email)s is withdrawn: its link no longer works.", email=row.email), "success")
    except TeamError as exc:
        flash(TEAM_ERRORS[exc.args[0]], "error")
    return redirect(url_for("team.team_page", session_id=session.id))


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


# --- the invitation link: the link is the credential ----------------------------------------------

def _failed(response) -> bool:
    return response.status_code in (404, 410)


def _pending(token: str) -> TeamInvite | Response:
    """The invitation of a working link, else the answer: 404 for an unknown link, 410 (a page that
    says why) for a used, withdrawn or expired one."""
    row = team.invite_by_token(get_db(), token)
    if row is None:
        abort(404)
    state = team.invite_state(row)
    if state != "pending":
        return _private(render_template("team/invite_gone.html", invite=row, state=state), 410)
    return row


def _private(body: str, status: int = 200) -> Response:
    response = Response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the secret link must not leak to other sites
    return response


def _invite_page(row: TeamInvite, token: str, form: NewAccountForm | None = None, status: int = 200) -> Response:
    db = get_db()
    fac = current_facilitator()
    has_account = fac is None and team.account_for(db, row) is not None
    if fac is None and not has_account and form is None:
        form = NewAccountForm()
    return _private(render_template(
        "team/invite.html", invite=row, session=row.session, token=token, fac=fac, has_account=has_account,
        role_now=team.role_of(db, row, fac) if fac else None, form=form, role_labels=TEAM_ROLE_LABELS,
        login_url=url_for("auth.login", next=url_for("team_invite.invite_page", token=token))), status)


@invite_bp.route("/<token>")
@limiter.limit("30 per 10 minutes", deduct_when=_failed)
def invite_page(token: str):
    row = _pending(token)
    return row if isinstance(row, Response) else _invite_page(row, token)


@invite_bp.route("/<token>", methods=["POST"])
@limiter.limit("30 per 10 minutes", deduct_when=_failed)
@login_required
def accept(token: str):
    """The logged-in facilitator joins the team with the invitation's role."""
    row = _pending(token)
    if isinstance(row, Response):
        return row
    try:
        member = team.accept_invite(get_db(), row, current_facilitator())
    except TeamError as exc:
        messages = {"already_owner": _("You are this workshop's owner already."),
                    "already_member": _("You are already in this workshop's team.")}
        flash(messages.get(exc.args[0]) or TEAM_ERRORS[exc.args[0]], "error")
        return redirect(url_for("team_invite.invite_page", token=token))
    flash(_("Welcome to the team of %(title)s.", title=row.session.title), "success")
    return redirect(url_for("facilitator.session_page", session_id=member.session_id))


@invite_bp.route("/<token>/join", methods=["POST"])
@limiter.limit("30 per 10 minutes", deduct_when=_failed)
def join(token: str):
    """Someone without an account: name and password make a facilitator account, which joins the team."""
    row = _pending(token)
    if isinstance(row, Response):
        return row
    if current_facilitator() is not None:
        flash(_("You are logged in: accept the invitation with this account, or log out first."), "error")
        return redirect(url_for("team_invite.invite_page", token=token))
    form = NewAccountForm()
    if not form.validate_on_submit():
        return _invite_page(row, token, form, 400)
    try:
        member = team.join_by_invite(get_db(), row, form.name.data, form.password.data)
    except TeamError as exc:
        flash(TEAM_ERRORS[exc.args[0]], "error")
        return redirect(url_for("team_invite.invite_page", token=token))
    attempts.remember_account(row.email)
    start_login(member.facilitator)
    flash(_("Welcome! Your facilitator account is ready, and you are in the team of %(title)s.",
            title=row.session.title), "success")
    return redirect(url_for("facilitator.session_page", session_id=member.session_id))
