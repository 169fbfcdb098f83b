"""Participant pages on the phone: enter a code, join, and the live participant view."""
from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from workshop.extensions import limiter
from workshop.web import guards
from workshop.flipchart import events as live_notes
from workshop.flipchart import notes
from workshop.plans import service as plans
from workshop.registration import routes as registration_views
from workshop.grouping import service as rounds
from workshop.sessions import service as sessions
from workshop.flipchart import voting
from workshop.db import get_db
from workshop.pages.forms import CodeForm, JoinForm
from workshop.web.labels import NOTE_ERRORS, SESSION_ERRORS, municipality_label
from workshop.flipchart.notes import NoteError
from workshop.sessions.service import JoinData, SessionError

bp = Blueprint("phone", __name__)


def _failed(response) -> bool:
    """Only failures count: many honest phones share one venue Wi-Fi address."""
    return response.status_code in (400, 404)


@bp.route("/", methods=["GET", "POST"])
@limiter.limit("10 per 10 minutes", methods=["POST"], deduct_when=_failed)
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
    participant = guards.current_participant(session)
    if participant is not None:
        return render_template("phone/participant.html", **participant_view(db, session, participant))

    form = JoinForm(municipality_choices=_municipality_choices(session))
    registered = registration_views.prefill(form, session)  # matched at the door: details filled in
    error = None
    if form.validate_on_submit():
        try:
            participant, token = sessions.join(db, session, _join_data(form), current_app.config["MAX_PARTICIPANTS"])
        except SessionError as exc:
            error = SESSION_ERRORS[exc.key]
        else:
            registration_views.after_join(session, participant)
            rounds.place_late_arrival(db, session, participant)  # when groups are out already
            return _admitted(code, session, token)
    status = 400 if (error or form.errors) else 200
    return render_template("phone/join.html", session=session, form=form, error=error,
                           registered=registered), status


def _join_data(form: JoinForm) -> JoinData:
    return JoinData(municipality=form.municipality.data, background=form.background.data,
                    first_name=form.first_name.data, organisation=form.organisation.data,
                    is_contact_person=bool(form.is_contact_person.data),
                    names_consented=bool(form.names_consented.data))


def _admitted(code: str, session, token: str):
    """Back to the same address, now with the participant's cookie: the page becomes the participant's."""
    response = make_response(redirect(url_for("phone.join", code=code)))
    response.set_cookie(guards.participant_cookie_name(session.id), token, max_age=7 * 24 * 3600, path="/",
                        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


# --- flipchart and votes without JavaScript (the same domain calls as the Socket.IO events) --------

def _participant_or_redirect(code: str):
    session = sessions.open_session_by_code(get_db(), code)
    participant = guards.current_participant(session)
    if participant is None:
        return None, None, redirect(url_for("phone.join", code=code))
    return session, participant, None


def _note_id(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


@bp.route("/<joincode:code>/notes", methods=["POST"])
def add_note(code: str):
    session, participant, response = _participant_or_redirect(code)
    if response:
        return response
    try:
        note, created = notes.add_note(get_db(), session, participant, request.form.get("client_id"),
                                       request.form.get("text"))
    except NoteError as exc:
        flash(NOTE_ERRORS[exc.args[0]], "error")
    else:
        if created:
            live_notes.broadcast_note(session, note)
        flash(_("Note added."), "success")
    return redirect(url_for("phone.join", code=code) + "#board")


@bp.route("/<joincode:code>/notes/<int:note_id>/<action>", methods=["POST"])
def change_note(code: str, note_id: int, action: str):
    session, participant, response = _participant_or_redirect(code)
    if response:
        return response
    db = get_db()
    try:
        if action == "edit":
            note = notes.edit_note(db, session, participant, note_id, request.form.get("text"))
            live_notes.broadcast_note(session, note)
            flash(_("Note saved."), "success")
        elif action == "delete":
            note = notes.delete_note(db, session, participant, note_id)
            live_notes.broadcast_note(session, note, removed=True)
            flash(_("Note deleted."), "success")
        elif action == "vote":
            group, _votes = voting.cast_vote(db, session, participant, note_id, request.form.get("on") == "1")
            live_notes.send_my_votes(participant, group, to=f"p{participant.id}")
            live_notes.broadcast_progress(session, group)
        else:
            abort(404)
    except NoteError as exc:
        flash(NOTE_ERRORS[exc.args[0]], "error")
    return redirect(url_for("phone.join", code=code) + "#board")


def participant_view(db, session, participant) -> dict:
    """Everything the participant page shows at load (the no-JS page is complete by itself)."""
    group = notes.current_group(db, session, participant)
    view = {"session": session, "participant": participant, "group": group, "board": None,
            "my_votes": [], "client_id": secrets.token_urlsafe(12),
            "presentation": live_notes.presentation_payload(db, session),
            "plan": {"actions": plans.items_of(db, session, participant.municipality),
                     "followups": plans.open_followups(db, session, participant.municipality)},
            "plan_sources": []}
    if group is not None:
        view["plan_sources"] = [(n, group.number) for n, _v in voting.top_three(db, group).places]
        view["board"] = live_notes.board_payload(db, group)
        view["my_votes"] = voting.my_votes(db, participant, group)
    return view
