"""Feedback pages: the facilitator's survey settings and results, the phone's form in the feedback
phase, and the feedback link for those who left early (works until its closing time)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workshop.db import get_db
from workshop.extensions import limiter
from workshop.feedback import service as feedback
from workshop.feedback.forms import FeedbackForm, FeedbackSettingsForm
from workshop.feedback.service import FeedbackError
from workshop.sessions import service as sessions
from workshop.web import links
from workshop.web.guards import current_participant, login_required, own_session
from workshop.web.labels import COME_AGAIN_LABELS, FEEDBACK_ERRORS, FEEDBACK_QUESTION_LABELS

bp = Blueprint("feedback", __name__)

KEYS = ("overall", "most_useful", "should_change", "come_again")


def link_url(session) -> str | None:
    """The feedback link for those who left early, None while it is not shared."""
    token = feedback.settings_of(session).token
    return f"{links.base_url()}{url_for('feedback.by_link', token=token)}" if token else None


def answer_form(session, **kwargs) -> FeedbackForm:
    return FeedbackForm(questions=feedback.config(session), **kwargs)


def _raw(form: FeedbackForm) -> dict:
    return {key: form[key].data for key in (*KEYS, "extra")}


# --- the facilitator -----------------------------------------------------------------------------

@bp.route("/f/sessions/<int:session_id>/feedback", methods=["GET", "POST"])
@login_required
def organiser_page(session_id: int):
    session = own_session(session_id)
    db = get_db()
    form = FeedbackSettingsForm()
    config = feedback.config(session)
    if request.method == "GET":
        for key in KEYS:
            form[f"{key}_on"].data = config[key]["on"]
            form[f"{key}_text"].data = config[key]["text"]
        form.extra.data = config["extra"]
        form.closes_at.data = feedback.settings_of(session).closes_at
    elif form.validate_on_submit():
        try:
            feedback.configure(db, session, {k: form[f"{k}_on"].data for k in KEYS},
                               {k: form[f"{k}_text"].data for k in KEYS}, form.extra.data, form.closes_at.data)
        except FeedbackError as exc:
            flash(FEEDBACK_ERRORS[exc.key], "error")
        else:
            flash(_("Feedback questions saved."), "success")
            return redirect(url_for("feedback.organiser_page", session_id=session.id))
    return render_template("facilitator/feedback.html", session=session, form=form, config=config,
                           results=feedback.results(db, session),
                           link=link_url(session),
                           link_open=feedback.link_open(session)), 400 if form.errors else 200


@bp.route("/f/sessions/<int:session_id>/feedback/link", methods=["POST"])
@login_required
def share(session_id: int):
    session = own_session(session_id)
    shared = feedback.settings_of(feedback.share_link(get_db(), session, request.form.get("share") == "1")).token
    flash(_("Feedback link created.") if shared else _("The feedback link no longer works."), "success")
    return redirect(url_for("feedback.organiser_page", session_id=session.id) + "#link")


# --- the phone in the feedback phase ----------------------------------------------------------------

@bp.route("/<joincode:code>/feedback", methods=["POST"])
def phone_answer(code: str):
    db = get_db()
    session = sessions.open_session_by_code(db, code)
    participant = current_participant(session)
    if participant is None:
        return redirect(url_for("phone.join", code=code))
    form = answer_form(session)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(errors[0], "error")
        return redirect(url_for("phone.join", code=code) + "#feedback")
    try:
        feedback.submit(db, session, _raw(form), participant)
    except FeedbackError as exc:
        flash(FEEDBACK_ERRORS[exc.key], "error")
    else:
        flash(_("Thank you for your feedback!"), "success")
    return redirect(url_for("phone.join", code=code) + "#feedback")


# --- the feedback link (after the event) ---------------------------------------------------------

def _cookie(session) -> str:
    return f"paja_fb{session.id}"


@bp.route("/feedback/<token>", methods=["GET", "POST"])
@limiter.limit("20 per 10 minutes", methods=["POST"])
def by_link(token: str):
    db = get_db()
    session = feedback.session_by_token(db, token)
    if session is None:
        abort(404)
    if not feedback.link_open(session):
        return render_template("feedback/closed.html", session=session), 410
    if request.cookies.get(_cookie(session)) == "1":
        return render_template("feedback/thanks.html", session=session)
    form = answer_form(session)
    error = None
    if form.validate_on_submit():
        try:
            feedback.submit(db, session, _raw(form))
        except FeedbackError as exc:
            error = FEEDBACK_ERRORS[exc.key]
        else:
            response = make_response(render_template("feedback/thanks.html", session=session))
            # Only "this browser has answered": nothing that ties the answer to anyone.
            response.set_cookie(_cookie(session), "1", max_age=90 * 24 * 3600, httponly=True, samesite="Lax",
                                path="/feedback/", secure=current_app.config["SESSION_COOKIE_SECURE"])
            return response
    status = 400 if (error or form.errors) else 200
    return render_template("feedback/form.html", session=session, form=form, error=error), status


# --- template helpers: the phone's survey and the projector's results ------------------------------

@bp.app_context_processor
def feedback_helpers():
    return {"feedback_phone_form": lambda session: answer_form(session, formdata=None),
            "feedback_results": lambda session: feedback.results(get_db(), session),
            "come_again_labels": COME_AGAIN_LABELS, "feedback_question_labels": FEEDBACK_QUESTION_LABELS}
