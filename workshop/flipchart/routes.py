"""The flipchart over HTTP: the facilitator's board page (questions, moderation, voting, presentation)
and the phone's forms for notes and votes without JavaScript.

Each form calls flipchart/service.py; the rooms hear of the change from the service's domain event
(flipchart/events.py), exactly as when the same change comes over Socket.IO.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workshop.core.ids import parse_int, row_id
from workshop.db import get_db
from workshop.flipchart import events as live_flipchart
from workshop.flipchart import service as flipchart
from workshop.flipchart.service import NoteError
from workshop.grouping import service as rounds
from workshop.grouping.service import RoundError
from workshop.models import Participant
from workshop.sessions import service as sessions
from workshop.sessions.guards import current_participant, own_session
from workshop.web.guards import is_safe_path, login_required
from workshop.web.labels import NOTE_ERRORS, RESULTS_MODE_LABELS, ROUND_ERRORS, tie_message

bp = Blueprint("board", __name__, url_prefix="/f/sessions/<int:session_id>")
phone_bp = Blueprint("phone_notes", __name__)


def _back(session, anchor: str = ""):
    """Back to the page the form came from: the run sheet sends `next`, the board page does not."""
    target = request.form.get("next")
    if is_safe_path(target):
        return redirect(target + anchor)
    return redirect(url_for("board.board_page", session_id=session.id) + anchor)


def tie_messages(db, groups) -> list[str]:
    """What closing the vote left to decide, one line per tied group (never "top 3 chosen" then)."""
    return [msg for g in groups if (msg := tie_message(g.number, live_flipchart.top_payload(db, g)))]


def _current_round_or_back(session):
    round_ = rounds.current_round(get_db(), session)
    if round_ is None:
        flash(_("Publish a grouping round first."), "error")
    return round_


def _group_numbers(value) -> list[int] | None:
    """The group a voting form names, or None (every group) when it names none."""
    if not value:
        return None
    number = parse_int(value)
    if number is None:
        raise NoteError("no_group")
    return [number]


@bp.route("/board")
@login_required
def board_page(session_id: int):
    session = own_session(session_id)
    db = get_db()
    round_ = rounds.current_round(db, session)
    boards = live_flipchart.boards_payload(db, session, facilitator=True)
    return render_template("facilitator/board.html", session=session, round=round_, boards=boards["groups"],
                           questions=rounds.session_questions(session),
                           vote_stacking=flipchart.vote_stacking_allowed(session),
                           word_filter=flipchart.word_filter_on(session),
                           vote_results=flipchart.vote_results(session),
                           votes_revealed=flipchart.votes_revealed(session),
                           presenting=flipchart.presenting_group(session))


@bp.route("/board/questions", methods=["POST"])
@login_required
def assign_questions(session_id: int):
    session = own_session(session_id)
    round_ = _current_round_or_back(session)
    if round_ is not None:
        try:
            if request.form.get("rotate") == "1":
                rounds.rotate_questions(get_db(), session, round_)
            else:
                rounds.assign_questions(get_db(), session, round_, request.form.get("mode", ""),
                                        row_id(request.form.get("question")))
        except RoundError as exc:
            flash(ROUND_ERRORS[exc.args[0]], "error")
        else:
            flash(_("Questions given to the groups."), "success")
    return _back(session)


@bp.route("/board/voting", methods=["POST"])
@login_required
def voting_control(session_id: int):
    session = own_session(session_id)
    round_ = _current_round_or_back(session)
    if round_ is None:
        return _back(session)
    action = request.form.get("action")
    try:
        numbers = _group_numbers(request.form.get("group"))
        if action == "open":
            flipchart.open_voting(get_db(), session, round_, numbers)
            flash(_("Voting is open."), "success")
        elif action == "close":
            closed = flipchart.close_voting(get_db(), session, round_, numbers)
            ties = tie_messages(get_db(), closed)
            if ties:
                flash(" ".join([_("Voting is closed. Still to decide:"), *ties]), "warning")
            else:
                flash(_("Voting is closed; the top 3 are ready."), "success")
        else:
            abort(400)
    except NoteError as exc:
        flash(NOTE_ERRORS[exc.key], "error")
    return _back(session)


@bp.route("/board/settings", methods=["POST"])
@login_required
def settings(session_id: int):
    session = own_session(session_id)
    db = get_db()
    flipchart.set_vote_stacking(db, session, request.form.get("allow_vote_stacking") == "1")
    if (request.form.get("word_filter") == "1") != flipchart.word_filter_on(session):
        flipchart.set_word_filter(db, session, request.form.get("word_filter") == "1")
    flash(_("Settings saved."), "success")
    return _back(session)


@bp.route("/board/results", methods=["POST"])
@login_required
def vote_results(session_id: int):
    """Whether phones and the projector see the running vote counts, or only once revealed."""
    session = own_session(session_id)
    try:
        flipchart.set_vote_results(get_db(), session, request.form.get("vote_results"))
    except NoteError as exc:
        flash(NOTE_ERRORS[exc.key], "error")
    else:
        flash(_("Saved: %(setting)s.", setting=RESULTS_MODE_LABELS[flipchart.vote_results(session)]), "success")
    return _back(session)


@bp.route("/board/reveal", methods=["POST"])
@login_required
def reveal_votes(session_id: int):
    session = own_session(session_id)
    flipchart.reveal_votes(get_db(), session)
    flash(_("The results are revealed: phones and the projector show the votes now."), "success")
    return _back(session)


@bp.route("/board/pick", methods=["POST"])
@login_required
def pick(session_id: int):
    session = own_session(session_id)
    round_ = _current_round_or_back(session)
    if round_ is None:
        return _back(session)
    try:
        group = rounds.group_by_number(round_, parse_int(request.form.get("group")) or 0)
        ids = [row_id(v) for v in request.form.getlist("note")]
        flipchart.pick_tied(get_db(), session, group, [i for i in ids if i is not None])
    except RoundError as exc:
        flash(ROUND_ERRORS[exc.args[0]], "error")
    except NoteError as exc:
        flash(NOTE_ERRORS[exc.key], "error")
    else:
        flash(_("Top 3 decided."), "success")
    return _back(session)


@bp.route("/board/notes/<int:note_id>/<action>", methods=["POST"])
@login_required
def moderate(session_id: int, note_id: int, action: str):
    session = own_session(session_id)
    db = get_db()
    if action not in flipchart.MODERATIONS:
        abort(404)
    try:
        note = flipchart.note_of_session(db, session, note_id)
    except NoteError:
        abort(404)
    try:
        if action in ("hide", "unhide"):
            flipchart.set_hidden(db, session, note, action == "hide")
        elif action == "edit":
            flipchart.moderate_text(db, session, note, request.form.get("text"))
        else:
            target = flipchart.note_of_session(db, session, request.form.get("target"))
            flipchart.merge(db, session, note, target)
    except NoteError as exc:
        flash(NOTE_ERRORS[exc.key], "error")
    else:
        flash(_("Note updated."), "success")
    return redirect(url_for("board.board_page", session_id=session.id) + f"#note-{note_id}")


@bp.route("/board/participants/<int:participant_id>/remove", methods=["POST"])
@login_required
def remove_participant(session_id: int, participant_id: int):
    session = own_session(session_id)
    db = get_db()
    participant = db.get(Participant, participant_id)
    if participant is None or participant.session_id != session.id:
        abort(404)
    flipchart.remove_participant(db, session, participant)
    flash(_("The participant was removed and their notes hidden."), "success")
    return _back(session)


@bp.route("/present/<action>", methods=["POST"])
@login_required
def present(session_id: int, action: str):
    session = own_session(session_id)
    round_ = _current_round_or_back(session)
    if round_ is None:
        return _back(session)
    if action not in flipchart.PRESENTATION_ACTIONS:
        abort(404)
    flipchart.step_presentation(get_db(), session, round_, action)
    return _back(session, "#present")


# --- the phone's flipchart and votes without JavaScript (the same service calls as Socket.IO) -------

def _phone_participant(code: str):
    """(session, participant) of this browser's cookie in the open workshop, else (None, None)."""
    session = sessions.open_session_by_code(get_db(), code)
    return session, current_participant(session)


def _back_to_board(code: str, member: str | None = None):
    """The phone's board again; a scribe stays writing and voting for the member they chose."""
    args = {"member": member} if member and live_flipchart.TAG_RE.fullmatch(member) else {}
    return redirect(url_for("phone.join", code=code, **args) + "#board")


@phone_bp.route("/<joincode:code>/notes", methods=["POST"])
def add_note(code: str):
    session, participant = _phone_participant(code)
    if participant is None:
        return redirect(url_for("phone.join", code=code))
    db = get_db()
    tag = request.form.get("member") or None
    try:
        member = live_flipchart.member_by_tag(db, session, participant, tag)
        note, _created = flipchart.add_note(db, session, participant, request.form.get("client_id"),
                                            request.form.get("text"), on_behalf_of=member)
    except NoteError as exc:
        flash(NOTE_ERRORS[exc.key], "error")
    else:
        if note.held:
            flash(_("Your note waits for the facilitator's approval before the others see it."), "info")
        else:
            flash(_("Note added."), "success")
    return _back_to_board(code, tag)


@phone_bp.route("/<joincode:code>/notes/<int:note_id>/<action>", methods=["POST"])
def change_note(code: str, note_id: int, action: str):
    session, participant = _phone_participant(code)
    if participant is None:
        return redirect(url_for("phone.join", code=code))
    db = get_db()
    tag = request.form.get("member") or None
    try:
        if action == "edit":
            flipchart.edit_note(db, session, participant, note_id, request.form.get("text"))
            flash(_("Note saved."), "success")
        elif action == "delete":
            flipchart.delete_note(db, session, participant, note_id)
            flash(_("Note deleted."), "success")
        elif action == "vote":
            member = live_flipchart.member_by_tag(db, session, participant, tag)
            flipchart.cast_vote(db, session, participant, note_id, request.form.get("on") == "1", on_behalf_of=member)
        else:
            abort(404)
    except NoteError as exc:
        flash(NOTE_ERRORS[exc.key], "error")
    return _back_to_board(code, tag)
