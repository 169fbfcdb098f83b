"""Poll pages: the facilitator's list, form and buttons; the phone's answer form without JavaScript."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext

from workshop.db import get_db
from workshop.polls import service as polls
from workshop.polls.forms import PollForm
from workshop.polls.service import PollError
from workshop.sessions import service as sessions
from workshop.sessions.guards import current_participant, own_session
from workshop.web.guards import is_safe_path, login_required
from workshop.web.labels import POLL_ERRORS, POLL_KIND_LABELS, RESULTS_MODE_LABELS

bp = Blueprint("polls", __name__)


@bp.app_context_processor
def poll_helpers():
    """Templates of other blueprints (phone page, projector) include the poll partials."""
    return {"poll_for_phone": poll_for_phone, "poll_on_screen": poll_on_screen,
            "poll_on_runsheet": poll_on_runsheet, "poll_kind_labels": POLL_KIND_LABELS,
            "results_mode_labels": RESULTS_MODE_LABELS}


def poll_for_phone(session, participant) -> dict:
    db = get_db()
    poll = polls.open_poll_of(db, session)
    return {"poll": poll, "mine": polls.mine(db, poll, participant.id) if poll else None,
            "error": g.get("poll_error"), "text": g.get("poll_text", "")}


def poll_on_screen(session) -> dict | None:
    """The projector's poll: its results only once visible (the reveal setting), else how many answered."""
    poll = polls.shown_poll(get_db(), session)
    return polls.shown_results(get_db(), poll) if poll else None


def poll_on_runsheet(session) -> dict | None:
    """The run sheet's info step: the poll the projector shows, with the facilitator's running results."""
    poll = polls.shown_poll(get_db(), session)
    return polls.results(get_db(), poll) if poll else None


# --- facilitator ------------------------------------------------------------------------------

@bp.route("/f/sessions/<int:session_id>/polls", methods=["GET", "POST"])
@login_required
def polls_page(session_id: int):
    session = own_session(session_id)
    db = get_db()
    form = PollForm()
    if request.method == "GET":
        form.kind.data = "choice"
        form.show_results.data = "reveal"
    elif form.validate_on_submit():
        try:
            polls.create_poll(db, session, form.kind.data, form.question.data, form.parsed_options,
                              show_results=form.show_results.data)
        except PollError as exc:
            form.question.errors.append(POLL_ERRORS[exc.key])
        else:
            flash(_("Poll saved. Open it when the room is ready to answer."), "success")
            return redirect(url_for("polls.polls_page", session_id=session.id))
    items = [(p, polls.results(db, p)) for p in reversed(polls.polls_of(db, session))]
    held = {p.id: polls.held_answers(db, p) for p, _r in items if p.kind == "words"}
    return render_template("facilitator/polls.html", session=session, form=form, items=items, held=held), \
        400 if form.errors else 200


@bp.route("/f/sessions/<int:session_id>/polls/<int:poll_id>/<action>", methods=["POST"])
@login_required
def poll_action(session_id: int, poll_id: int, action: str):
    session = own_session(session_id)
    db = get_db()
    try:
        poll = polls.poll_of_session(db, session, poll_id)
    except PollError:
        abort(404)
    try:
        if action == "open":
            polls.open_poll(db, session, poll)
            flash(_("The poll is open: phones show it now."), "success")
        elif action == "close":
            polls.close_poll(db, session, poll)
            flash(_("The poll is closed. The projector keeps showing its results."), "success")
        elif action == "reveal":
            polls.reveal_poll(db, session, poll)
            flash(_("The results are revealed: the projector shows them now."), "success")
        elif action == "results":
            polls.set_show_results(db, session, poll, request.form.get("show_results"))
            flash(_("Saved: %(setting)s.", setting=RESULTS_MODE_LABELS[poll.show_results]), "success")
        elif action == "delete":
            polls.delete_poll(db, session, poll)
            flash(_("Poll deleted."), "success")
        elif action == "remove-word":
            removed = polls.remove_word(db, session, poll, request.form.get("word", "")[:200])
            flash(ngettext("Removed from the word cloud: %(num)s answer.",
                           "Removed from the word cloud: %(num)s answers.", removed), "success")
        elif action in ("approve", "reject"):
            polls.review_held(db, session, poll, request.form.get("answer"), approve=action == "approve")
            flash(_("Approved: the answer is in the word cloud.") if action == "approve"
                  else _("The held answer was deleted."), "success")
        else:
            abort(404)
    except PollError as exc:
        flash(POLL_ERRORS[exc.key], "error")
    back = request.form.get("next")  # the run sheet's info step sends it
    if is_safe_path(back):
        return redirect(back)
    return redirect(url_for("polls.polls_page", session_id=session.id) + f"#poll-{poll_id}")


# --- phone without JavaScript ----------------------------------------------------------------

@bp.route("/<joincode:code>/poll", methods=["POST"])
def answer(code: str):
    db = get_db()
    session = sessions.open_session_by_code(db, code)
    participant = current_participant(session)
    if participant is None:  # an unknown code answers the same: no way round the join code's limit
        flash(POLL_ERRORS["not_participant"], "error")
        return redirect(url_for("phone.join", code=code), 303)
    try:
        polls.answer(db, session, participant, request.form.get("poll"),
                     choice=request.form.get("choice"), text=request.form.get("text"))
    except PollError as exc:
        # The participant page again, with the message next to the poll and the text kept.
        g.poll_error = POLL_ERRORS[exc.key]
        g.poll_text = request.form.get("text", "")[:polls.MAX_ANSWER * 4]
        # The phone's role page composes the features: reached through the app, not imported.
        response = make_response(current_app.view_functions["phone.join"](code=code))
        response.status_code = 400
        return response
    flash(_("Thank you! Your answer was saved."), "success")
    return redirect(url_for("phone.join", code=code) + "#poll", 303)
