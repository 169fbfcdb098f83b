"""Facilitator pages: list, create and edit sessions, lock, close (the run sheet is pages/runsheet.py)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from workshop.db import get_db
from workshop.sessions import service as sessions
from workshop.sessions.forms import SessionForm, format_agenda, format_themes
from workshop.sessions.guards import own_session
from workshop.sessions.service import SessionSpec
from workshop.web import operator
from workshop.web.guards import current_facilitator, login_required

bp = Blueprint("facilitator", __name__, url_prefix="/f")


def _spec_from(form: SessionForm) -> SessionSpec:
    return SessionSpec(
        title=form.title.data, starts_at=form.starts_at.data,
        host_municipality=form.host_municipality.data or None,
        municipalities=form.municipalities.data or [],
        themes=form.parsed_themes, agenda=form.parsed_agenda,
        series_id=int(form.series.data) if form.series.data else None,
        max_participants=form.max_participants.data or None,
        contact_name=form.contact_name.data or None, contact_phone=form.contact_phone.data or None,
        contact_email=form.contact_email.data or None, content_language=form.content_language.data)


def _session_form() -> SessionForm:
    return SessionForm(lang=str(get_locale()), series=sessions.series_of(get_db(), current_facilitator().id))


@bp.route("/")
@login_required
def dashboard():
    return render_template("facilitator/dashboard.html",
                           sessions=sessions.sessions_of(get_db(), current_facilitator().id))


@bp.route("/sessions/new", methods=["GET", "POST"])
@login_required
def new_session():
    form = _session_form()
    if request.method == "GET":  # a new workshop starts with the operator's contact
        contact = operator.operator_contact()
        form.contact_name.data, form.contact_phone.data, form.contact_email.data = \
            contact.name, contact.phone, contact.email
    if form.validate_on_submit():
        session = sessions.create_session(get_db(), current_facilitator().id, _spec_from(form))
        flash(_("Workshop created. Its join code is %(code)s.", code=session.join_code), "success")
        return redirect(url_for("facilitator.session_page", session_id=session.id))
    return render_template("facilitator/edit.html", form=form, session=None), 400 if form.errors else 200


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id: int):
    session = own_session(session_id)
    form = _session_form()
    if request.method == "GET":
        spec = sessions.spec_of(session)
        form.title.data = spec.title
        form.starts_at.data = spec.starts_at
        form.host_municipality.data = spec.host_municipality or ""
        form.municipalities.data = spec.municipalities
        form.themes.data = format_themes(spec.themes)
        form.agenda.data = format_agenda(spec.agenda)
        form.series.data = str(spec.series_id) if spec.series_id else ""
        form.max_participants.data = spec.max_participants
        form.content_language.data = spec.content_language
        form.contact_name.data = spec.contact_name or ""
        form.contact_phone.data = spec.contact_phone or ""
        form.contact_email.data = spec.contact_email or ""
    elif form.validate_on_submit():
        sessions.update_session(get_db(), session, _spec_from(form))
        flash(_("Changes saved."), "success")
        return redirect(url_for("facilitator.session_page", session_id=session.id))
    return render_template("facilitator/edit.html", form=form, session=session), 400 if form.errors else 200


@bp.route("/sessions/<int:session_id>/lock", methods=["POST"])
@login_required
def lock(session_id: int):
    session = own_session(session_id)
    locked = request.form.get("locked") == "1"
    sessions.set_locked(get_db(), session, locked)
    flash(_("The room is locked: nobody new can join.") if locked else _("The room is open for joining again."),
          "success")
    return redirect(url_for("facilitator.session_page", session_id=session.id))


@bp.route("/sessions/<int:session_id>/screen-link", methods=["POST"])
@login_required
def rotate_screen_link(session_id: int):
    session = own_session(session_id)
    if session.is_open:
        sessions.rotate_screen_link(get_db(), session)
        flash(_("The projector has a new link. The old link and its QR code no longer work."), "success")
    return redirect(url_for("facilitator.session_page", session_id=session.id) + "#join-h")


@bp.route("/sessions/<int:session_id>/close", methods=["GET", "POST"])
@login_required
def close(session_id: int):
    session = own_session(session_id)
    if request.method == "GET":  # the run sheet's link without JavaScript: ask first
        return render_template(
            "facilitator/confirm.html", session=session, fields={}, label=_("Close workshop"),
            question=_("Close the workshop “%(title)s”? It ends for everyone and its join code stops working. "
                       "This cannot be undone.", title=session.title),
            action=url_for("facilitator.close", session_id=session.id),
            cancel=url_for("facilitator.session_page", session_id=session.id))
    if session.is_open:
        sessions.close_session(get_db(), session)
        flash(_("The workshop is closed and its join code no longer works."), "success")
    return redirect(url_for("facilitator.session_page", session_id=session.id))
