"""Pre-registration pages: the public sign-up (link + QR), the registrant's own page, the organiser's
headcount and list, and matching a registration at the door when a registered person joins."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie_session
from flask_babel import gettext as _

from workshop.core import mail
from workshop.core.ids import row_id
from workshop.db import get_db
from workshop.extensions import limiter
from workshop.models import Registration, Session
from workshop.registration import service as registrations
from workshop.registration.forms import DoorMatchForm, RegistrationForm, RegistrationSettingsForm
from workshop.registration.service import RegistrationData, RegistrationError
from workshop.sessions import service as sessions
from workshop.sessions.forms import municipality_choices
from workshop.sessions.guards import current_participant, knows_code, own_session, remember_code
from workshop.web import attempts, links
from workshop.web.guards import login_required
from workshop.web.labels import DIET_LABELS, REGISTRATION_ERRORS, REGISTRATION_STATUS_LABELS
from workshop.web.qr import qr_response

bp = Blueprint("registration", __name__)


def _failed(response) -> bool:
    return response.status_code in (400, 404)


def public_url(session) -> str | None:
    """The public sign-up page's link, None while it is not open."""
    token = registrations.settings_of(session).token
    return f"{links.base_url()}{url_for('registration.register', token=token)}" if token else None


def own_url(token: str) -> str:
    return f"{links.base_url()}{url_for('registration.mine', token=token)}"


# --- public: sign up, see and cancel one's own registration --------------------------------------

@bp.route("/register/<token>", methods=["GET", "POST"])
@limiter.limit("30 per 10 minutes", methods=["POST"])
def register(token: str):
    db = get_db()
    session = registrations.session_by_registration_token(db, token)
    if session is None:
        abort(404)
    if registrations.is_closed(session):
        return render_template("registration/closed.html", session=session), 410
    form = RegistrationForm(municipality_choices=municipality_choices(session))
    error = None
    if form.validate_on_submit():
        try:
            reg, secret = registrations.register(db, session, RegistrationData(
                name=form.name.data, email=form.email.data, phone=form.phone.data,
                municipality=form.municipality.data, organisation=form.organisation.data,
                background=form.background.data, diets=form.diets.data or [],
                diet_other=form.diet_other.data, accessibility=form.accessibility.data))
        except RegistrationError as exc:
            error = REGISTRATION_ERRORS[exc.key]
        else:
            _send_confirmation(session, reg, secret)
            return redirect(url_for("registration.mine", token=secret))
    status = 400 if (error or form.errors) else 200
    return render_template("registration/register.html", session=session, settings=registrations.settings_of(session),
                           form=form, error=error), status


def _send_confirmation(session, reg, secret: str) -> None:
    if not reg.email or not mail.configured(current_app.config):
        return
    body = render_template("registration/email_text.html", session=session, reg=reg, url=own_url(secret))
    subject = (_("Registration confirmed: %(title)s", title=session.title) if reg.status == "confirmed"
               else _("On the waiting list: %(title)s", title=session.title))
    mail.send(current_app.config, reg.email, subject, body)


@bp.route("/registration/<token>")
def mine(token: str):
    reg = registrations.by_token(get_db(), token)
    if reg is None:
        abort(404)
    session = get_db().get(Session, reg.session_id)
    response = Response(render_template("registration/mine.html", session=session, reg=reg, token=token,
                                        emailed=bool(reg.email) and mail.configured(current_app.config),
                                        can_arrive=registrations.may_arrive(session)))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the secret link must not leak to other sites
    return response


@bp.route("/registration/<token>/cancel", methods=["POST"])
@limiter.limit("20 per 10 minutes", deduct_when=_failed)
def cancel_mine(token: str):
    db = get_db()
    reg = registrations.by_token(db, token)
    if reg is None:
        abort(404)
    session = db.get(Session, reg.session_id)
    registrations.cancel(db, session, reg)
    flash(_("Your registration is cancelled. Thank you for letting us know."), "success")
    return redirect(url_for("registration.mine", token=token))


# --- the organiser ------------------------------------------------------------------------------

@bp.route("/f/sessions/<int:session_id>/registrations", methods=["GET", "POST"])
@login_required
def organiser_page(session_id: int):
    session = own_session(session_id)
    db = get_db()
    form = RegistrationSettingsForm()
    if request.method == "GET":
        settings = registrations.settings_of(session)
        form.closes_at.data, form.capacity.data = settings.closes_at, settings.capacity
    elif form.validate_on_submit():
        try:
            registrations.open_registration(db, session, form.closes_at.data, form.capacity.data)
        except RegistrationError as exc:
            flash(REGISTRATION_ERRORS[exc.key], "error")
        else:
            flash(_("Registration settings saved."), "success")
            return redirect(url_for("registration.organiser_page", session_id=session.id))
    status = 400 if form.errors else 200
    return render_template("facilitator/registrations.html", session=session, form=form,
                           counts=registrations.headcount(db, session),
                           attendance=registrations.attendance(db, session),
                           rows=registrations.all_of(db, session),
                           public_url=public_url(session),
                           closed=registrations.is_closed(session)), status


@bp.route("/f/sessions/<int:session_id>/registrations/stop", methods=["POST"])
@login_required
def stop(session_id: int):
    session = own_session(session_id)
    registrations.close_registration(get_db(), session)
    flash(_("The registration page is closed. The registrations are kept."), "success")
    return redirect(url_for("registration.organiser_page", session_id=session.id))


@bp.route("/f/sessions/<int:session_id>/registrations/<int:reg_id>/cancel", methods=["POST"])
@login_required
def organiser_cancel(session_id: int, reg_id: int):
    session = own_session(session_id)
    db = get_db()
    try:
        registrations.cancel(db, session, registrations.registration_of(db, session, reg_id))
    except RegistrationError as exc:
        flash(REGISTRATION_ERRORS[exc.key], "error")
    else:
        flash(_("Registration cancelled."), "success")
    return redirect(url_for("registration.organiser_page", session_id=session.id) + "#list")


@bp.route("/f/sessions/<int:session_id>/registrations/qr.svg")
@login_required
def qr(session_id: int):
    url = public_url(own_session(session_id))
    if url is None:
        abort(404)
    return qr_response(url)


# --- at the door: a registered person joins and finds their registration -------------------------

def _match_key(session) -> str:
    return f"reg{session.id}"


@bp.route("/<joincode:code>/registered", methods=["POST"])
def door_match(code: str):
    """The registration code typed on the join page fills in the join form. Nothing is looked up for a
    browser that has not opened this workshop (no way round the join code's limit), and misses are
    limited per device and address like join codes."""
    db = get_db()
    session = sessions.open_session_by_code(db, code)
    if session is None or not (knows_code(code) or current_participant(session)):
        return redirect(url_for("phone.join", code=code))
    form = DoorMatchForm(prefix="door")
    if not form.validate_on_submit():
        flash(REGISTRATION_ERRORS["no_match"], "error")
        return redirect(url_for("phone.join", code=code))
    if not attempts.may_try(attempts.REGISTRATION_CODE):
        attempts.refused("registration codes")
        return render_template("error.html", title=_("Too many wrong codes"), message=_(
            "Too many wrong registration codes were typed on this phone or this network. Fill in the "
            "form yourself, or wait a while and try again.")), 429
    reg = registrations.find_for_door(db, session, form.lookup.data)
    if reg is None:
        attempts.record_miss(attempts.REGISTRATION_CODE)
        flash(REGISTRATION_ERRORS["no_match"], "error")
        return redirect(url_for("phone.join", code=code))
    _matched(session, reg)
    return redirect(url_for("phone.join", code=code))


@bp.route("/registration/<token>/arrive", methods=["POST"])
def arrive(token: str):
    """The link in the confirmation email, opened at the workshop: into the join page, details filled in."""
    db = get_db()
    reg = registrations.by_token(db, token)
    if reg is None:
        abort(404)
    session = db.get(Session, reg.session_id)
    if reg.status == "cancelled" or not registrations.may_arrive(session):
        flash(_("The workshop is not open for joining yet. Come back on the day of the workshop."), "error")
        return redirect(url_for("registration.mine", token=token))
    remember_code(session.join_code)
    _matched(session, reg)
    return redirect(url_for("phone.join", code=session.join_code))


def _matched(session, reg) -> None:
    cookie_session[_match_key(session)] = reg.id
    flash(_("Welcome, %(name)s! Your details from the registration are filled in below: check them and join.",
            name=reg.name), "success")


def prefill(form, session) -> object | None:
    """On the join page: fill the form from a registration matched at the door (None if there is none)."""
    reg_id = row_id(cookie_session.get(_match_key(session)))
    reg = get_db().get(Registration, reg_id) if reg_id is not None else None
    if reg is None or reg.session_id != session.id or reg.status == "cancelled":
        return None
    if request.method == "GET":
        if reg.municipality in sessions.allowed_municipalities(session):
            form.municipality.data = reg.municipality
        form.background.data = reg.background
        form.first_name.data = reg.name.split()[0][:60] if reg.name.split() else None
        form.organisation.data = reg.organisation
    return reg


def after_join(session, participant) -> None:
    """The matched registration now counts as arrived."""
    reg_id = row_id(cookie_session.pop(_match_key(session), None))
    reg = get_db().get(Registration, reg_id) if reg_id is not None else None
    if reg is not None and reg.session_id == session.id and reg.status != "cancelled":
        registrations.link_participant(get_db(), session, reg, participant)


@bp.app_context_processor
def door_form():
    return {"door_form": lambda: DoorMatchForm(prefix="door", formdata=None), "diet_labels": DIET_LABELS,
            "registration_status_labels": REGISTRATION_STATUS_LABELS}
