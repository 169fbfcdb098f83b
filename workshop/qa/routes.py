"""Q&A pages: the phone's ask and upvote forms without JavaScript, the facilitator team's moderation."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop.db import get_db
from workshop.qa import service as qa
from workshop.qa.service import QaError
from workshop.sessions import service as sessions
from workshop.sessions.guards import current_participant, own_session
from workshop.web.guards import is_safe_path, login_required
from workshop.web.labels import QA_ERRORS, RESULTS_MODE_LABELS

bp = Blueprint("qa", __name__)


@bp.app_context_processor
def qa_helpers():
    """Templates of other blueprints (phone page, projector, run sheet) include the Q&A partials."""
    return {"qa_for_phone": qa_for_phone, "qa_on_screen": qa_on_screen, "qa_for_staff": qa_for_staff,
            "results_mode_labels": RESULTS_MODE_LABELS}


def qa_for_phone(session, participant) -> dict:
    views = qa.board(get_db(), session, participant.id) if qa.is_open(session) else []
    return {"open": qa.is_open(session), "visible": qa.results_visible(session),
            "named": qa.settings_of(session).named, "questions": qa.public_questions(views, session),
            "mine": qa.mine_of(views, participant.id), "error": g.get("qa_error"), "text": g.get("qa_text", "")}


def qa_on_screen(session) -> dict:
    views = qa.board(get_db(), session) if session.phase == "qa" else []
    return {"visible": qa.results_visible(session), "questions": qa.public_questions(views, session)[:qa.SCREEN_TOP]}


def qa_for_staff(session) -> dict:
    views = qa.board(get_db(), session)
    shown = [v for v in views if not v.merged_into]
    return {"settings": qa.settings_of(session), "visible": qa.results_visible(session), "questions": shown,
            "merged": [v for v in views if v.merged_into], "counts": qa.counts(views)}


# --- facilitator team ---------------------------------------------------------------------------

def _back(session):
    """Back to the page the form came from: the run sheet sends `next`, the Q&A page does not."""
    target = request.form.get("next")
    if is_safe_path(target):
        return redirect(target)
    return redirect(url_for("qa.qa_page", session_id=session.id))


@bp.route("/f/sessions/<int:session_id>/qa")
@login_required
def qa_page(session_id: int):
    session = own_session(session_id)
    return render_template("qa/facilitator.html", session=session)


@bp.route("/f/sessions/<int:session_id>/qa/settings", methods=["POST"])
@login_required
def settings(session_id: int):
    session = own_session(session_id)
    try:
        qa.set_settings(get_db(), session, request.form.get("named") == "1", request.form.get("results"))
    except QaError as exc:
        flash(QA_ERRORS[exc.key], "error")
    else:
        flash(_("Q&A settings saved."), "success")
    return _back(session)


@bp.route("/f/sessions/<int:session_id>/qa/reveal", methods=["POST"])
@login_required
def reveal(session_id: int):
    session = own_session(session_id)
    qa.reveal(get_db(), session)
    flash(_("Results revealed: phones and the projector show the votes."), "success")
    return _back(session)


MODERATION_DONE = {
    "pin": _l("Question pinned to the top."), "unpin": _l("Question unpinned."),
    "answer": _l("Marked as answered."), "unanswer": _l("Marked as not answered."),
    "hide": _l("Question hidden."), "unhide": _l("Question shown again."),
    "approve": _l("Approved: everyone sees the question now."), "merge": _l("Questions merged."),
}


@bp.route("/f/sessions/<int:session_id>/qa/<int:question_id>/<action>", methods=["POST"])
@login_required
def moderate(session_id: int, question_id: int, action: str):
    session = own_session(session_id)
    if action not in qa.MODERATIONS:
        abort(404)
    try:
        qa.moderate(get_db(), session, question_id, action, request.form.get("target"))
    except QaError as exc:
        if exc.key == "not_found":
            abort(404)
        flash(QA_ERRORS[exc.key], "error")
    else:
        flash(str(MODERATION_DONE[action]), "success")
    return _back(session)


# --- phone without JavaScript (the same service calls as Socket.IO) ------------------------------

def _phone(code: str):
    session = sessions.open_session_by_code(get_db(), code)
    return session, current_participant(session)


def _back_to_phone(code: str):
    return redirect(url_for("phone.join", code=code) + "#qa", 303)


@bp.route("/<joincode:code>/qa", methods=["POST"])
def ask(code: str):
    session, participant = _phone(code)
    if participant is None:
        return redirect(url_for("phone.join", code=code), 303)
    try:
        question = qa.ask(get_db(), session, participant, request.form.get("text"), request.form.get("name"))
    except QaError as exc:
        # The participant page again, with the message next to the form and the text kept.
        g.qa_error = QA_ERRORS[exc.key]
        g.qa_text = str(request.form.get("text", ""))[:qa.MAX_QUESTION * 4]
        # The phone's role page composes the features: reached through the app, not imported.
        response = make_response(current_app.view_functions["phone.join"](code=code))
        response.status_code = 400
        return response
    else:
        flash(_("Your question waits for the facilitator's approval before the others see it.") if question.held
              else _("Thank you! Your question is on the list."), "info" if question.held else "success")
    return _back_to_phone(code)


@bp.route("/<joincode:code>/qa/<int:question_id>/upvote", methods=["POST"])
def upvote(code: str, question_id: int):
    session, participant = _phone(code)
    if participant is None:
        return redirect(url_for("phone.join", code=code), 303)
    try:
        on = qa.upvote(get_db(), session, participant, question_id)
    except QaError as exc:
        flash(QA_ERRORS[exc.key], "error")
    else:
        flash(_("Upvoted.") if on else _("Upvote taken back."), "success")
    return _back_to_phone(code)
