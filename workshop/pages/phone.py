"""Participant pages on the phone: enter a code, join, and the live participant view."""
from __future__ import annotations

import re
import secrets

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from workshop.db import get_db
from workshop.flipchart import events as live_flipchart
from workshop.flipchart import service as flipchart
from workshop.grouping import service as rounds
from workshop.models import Session
from workshop.pages.forms import CodeForm, JoinForm
from workshop.plans import service as plans
from workshop.registration import routes as registration_views
from workshop.results import service as results
from workshop.sessions import guards
from workshop.sessions import service as sessions
from workshop.sessions.forms import municipality_choices
from workshop.sessions.service import JoinData, SessionError
from workshop.web import attempts, links
from workshop.web.labels import SESSION_ERRORS

bp = Blueprint("phone", __name__)


def too_many_codes():
    """A typed code refused before it is looked up: the same answer for a right and a wrong one."""
    attempts.refused("join codes")
    return render_template("error.html", title=_("Too many wrong codes"), message=_(
        "Too many wrong codes were typed on this phone or this network. Scan the QR code on the screen "
        "instead, or wait a while and try again.")), 429


@bp.route("/", methods=["GET", "POST"])
def index():
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        if not attempts.may_try(attempts.JOIN_CODE):
            return too_many_codes()
        if sessions.open_session_by_code(get_db(), form.code.data):
            guards.remember_code(form.code.data)
            return redirect(url_for("phone.join", code=form.code.data))
        attempts.record_miss(attempts.JOIN_CODE)
        error = _("No open workshop has this code. Check the code on the screen.")
    status = 400 if (error or form.errors) else 200
    return render_template("phone/index.html", form=form, error=error), status


@bp.route("/<joincode:code>", methods=["GET", "POST"])
def join(code: str):
    db = get_db()
    session = sessions.open_session_by_code(db, code)
    if session is not None and links.valid_join_key(session, request.args.get(links.JOIN_KEY_PARAM)):
        guards.remember_code(code)  # the QR link: no guessing limit
        if request.method == "GET":
            return redirect(url_for("phone.join", code=code))  # the address bar loses the secret
    participant = guards.current_participant(session)
    if participant is None and not guards.knows_code(code):  # a typed (or guessed) code
        if not attempts.may_try(attempts.JOIN_CODE):
            return too_many_codes()
        if session is not None:
            guards.remember_code(code)
        else:
            attempts.record_miss(attempts.JOIN_CODE)
    if session is None:
        closed = _closed_here()
        if closed is not None:  # the evening this phone took part in has ended: thanks, and its results
            return render_template("phone/closed.html", **closed)
        return render_template("phone/unknown_code.html", code=code), 404
    if participant is not None:
        return render_template("phone/participant.html", **participant_view(db, session, participant,
                                                                            request.args.get("member")))

    form = JoinForm(municipality_choices=municipality_choices(session))
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


_PARTICIPANT_COOKIE = re.compile(r"^(?:__Host-)?paja_p([0-9]{1,9})$")


def _closed_here() -> dict | None:
    """The closed workshop this browser took part in (its participant cookie still admits it), newest
    first; its join code is gone, so the phone's old address finds it by the cookie alone."""
    db = get_db()
    ids = sorted((int(m.group(1)) for name in list(request.cookies)[:50]
                  if (m := _PARTICIPANT_COOKIE.match(name))), reverse=True)
    for session_id in ids[:5]:
        session = db.get(Session, session_id)
        if session is None or session.is_open:
            continue
        participant = guards.current_participant(session)
        if participant is not None:
            token = results.results_token(session)
            return {"session": session, "participant": participant,
                    "results_url": url_for("results.results_page", token=token) if token else None}
    return None


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


def participant_view(db, session, participant, member_tag: str | None = None) -> dict:
    """Everything the participant page shows at load (the no-JS page is complete by itself).
    `member_tag`: the member without a phone this phone writes and votes for (its scribe's choice)."""
    group = flipchart.current_group(db, session, participant)
    view = {"session": session, "participant": participant, "group": group, "board": None,
            "my_votes": [], "client_id": secrets.token_urlsafe(12),
            "presentation": live_flipchart.presentation_payload(db, session),
            "plan": {"actions": plans.items_of(db, session, participant.municipality),
                     "followups": plans.open_followups(db, session, participant.municipality)},
            "plan_sources": [], "me": None, "scribe": None, "acting_for": None}
    if group is not None:
        view["plan_sources"] = [(n, group.number) for n, _v in flipchart.top_three(db, group).places]
        view["board"] = live_flipchart.board_payload(db, group)
        view["my_votes"] = flipchart.my_votes(db, participant, group)
        view["me"] = live_flipchart.author_tag(group.id, participant.id)
        if view["board"]["progress"].get("without_phone"):
            view["scribe"] = live_flipchart.scribe_payload(db, group)
            view["acting_for"] = next((m for m in view["scribe"]["members"] if m["for"] == member_tag), None)
    return view
