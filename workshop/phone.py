"""Participant pages on the phone: enter a code, join, and the live participant view."""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.routing import BaseConverter

from . import live, sessions
from .db import get_db
from .forms import CodeForm, JoinForm
from .labels import municipality_label
from .sessions import JoinData

bp = Blueprint("phone", __name__)


class JoinCodeConverter(BaseConverter):
    regex = r"\d{6}"


@bp.record_once
def _register_converter(state):
    state.app.url_map.converters["joincode"] = JoinCodeConverter


@bp.route("/", methods=["GET", "POST"])
def index():
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        if sessions.open_session_by_code(get_db(), form.code.data):
            return redirect(url_for("phone.join", code=form.code.data))
        error = _("No open workshop has this code. Check the code on the screen.")
    status = 400 if (error or form.errors) else 200
    return render_template("phone/index.html", form=form, error=error), status


def _municipality_choices(session):
    lang = str(get_locale())
    return [(code, municipality_label(code, lang)) for code in sessions.allowed_municipalities(session)]


@bp.route("/<joincode:code>", methods=["GET", "POST"])
def join(code: str):
    db = get_db()
    session = sessions.open_session_by_code(db, code)
    if session is None:
        return render_template("phone/unknown_code.html", code=code), 404
    cookie = live.participant_cookie_name(session.id)
    participant = sessions.participant_by_token(db, session.id, request.cookies.get(cookie))
    if participant is not None:
        return render_template("phone/participant.html", session=session, participant=participant)

    form = JoinForm(municipality_choices=_municipality_choices(session))
    error = None
    if form.validate_on_submit():
        if sessions.participant_count(db, session) >= current_app.config["MAX_PARTICIPANTS"]:
            error = _("This workshop is full.")
        else:
            participant, token = sessions.join(db, session, JoinData(
                municipality=form.municipality.data, background=form.background.data,
                first_name=form.first_name.data, organisation=form.organisation.data,
                is_contact_person=bool(form.is_contact_person.data)))
            live.broadcast_lobby(session)
            response = make_response(redirect(url_for("phone.join", code=code)))
            response.set_cookie(cookie, token, max_age=7 * 24 * 3600, path="/", httponly=True,
                                samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
            return response
    status = 400 if (error or form.errors) else 200
    return render_template("phone/join.html", session=session, form=form, error=error), status
