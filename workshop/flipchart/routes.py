"""Facilitator pages for the workshop itself: questions, moderation, voting, presentation."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workshop.live import registry as live
from workshop.sessions import events as session_events
from workshop.flipchart import events as live_notes
from workshop.flipchart import notes
from workshop.flipchart import presentation
from workshop.grouping import service as rounds
from workshop.flipchart import voting
from workshop.web.guards import login_required, own_session
from workshop.db import get_db
from workshop.web.labels import NOTE_ERRORS, ROUND_ERRORS
from workshop.models import Group, Participant
from workshop.flipchart.notes import NoteError
from workshop.grouping.service import RoundError

bp = Blueprint("board", __name__, url_prefix="/f/sessions/<int:session_id>")


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12 else None


def _back(session):
    return redirect(url_for("board.board_page", session_id=session.id))


def _current_round_or_back(session):
    round_ = rounds.current_round(get_db(), session)
    if round_ is None:
        flash(_("Publish a grouping round first."), "error")
    return round_


@bp.route("/board")
@login_required
def board_page(session_id: int):
    session = own_session(session_id)
    db = get_db()
    round_ = rounds.current_round(db, session)
    boards = live_notes.boards_payload(db, session, facilitator=True)
    return render_template("facilitator/board.html", session=session, round=round_, boards=boards["groups"],
                           questions=rounds.session_questions(session))


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
                                        _int(request.form.get("question")))
        except RoundError as exc:
            flash(ROUND_ERRORS[exc.args[0]], "error")
        else:
            live_notes.broadcast_boards(session)
            flash(_("Questions given to the groups."), "success")
    return _back(session)


@bp.route("/board/voting", methods=["POST"])
@login_required
def voting_control(session_id: int):
    session = own_session(session_id)
    round_ = _current_round_or_back(session)
    if round_ is None:
        return _back(session)
    number = _int(request.form.get("group"))
    numbers = [number] if number is not None else None
    action = request.form.get("action")
    try:
        if action == "open":
            voting.open_voting(get_db(), session, round_, numbers)
            session_events.broadcast_phase(session)
            flash(_("Voting is open."), "success")
        elif action == "close":
            voting.close_voting(get_db(), session, round_, numbers)
            flash(_("Voting is closed; the top 3 are ready."), "success")
        else:
            abort(400)
    except NoteError as exc:
        flash(NOTE_ERRORS[exc.args[0]], "error")
    else:
        live_notes.broadcast_boards(session)
    return _back(session)


@bp.route("/board/settings", methods=["POST"])
@login_required
def settings(session_id: int):
    session = own_session(session_id)
    session.allow_vote_stacking = request.form.get("allow_vote_stacking") == "1"
    from workshop.sessions.service import bump
    bump(session)
    get_db().commit()
    flash(_("Voting settings saved."), "success")
    return _back(session)


@bp.route("/board/pick", methods=["POST"])
@login_required
def pick(session_id: int):
    session = own_session(session_id)
    round_ = _current_round_or_back(session)
    if round_ is None:
        return _back(session)
    try:
        group = rounds.group_by_number(round_, _int(request.form.get("group")) or 0)
        ids = [_int(v) for v in request.form.getlist("note")]
        voting.pick_tied(get_db(), session, group, [i for i in ids if i is not None])
    except RoundError as exc:
        flash(ROUND_ERRORS[exc.args[0]], "error")
    except NoteError as exc:
        flash(NOTE_ERRORS[exc.args[0]], "error")
    else:
        live_notes.broadcast_boards(session)
        flash(_("Top 3 decided."), "success")
    return _back(session)


@bp.route("/board/notes/<int:note_id>/<action>", methods=["POST"])
@login_required
def moderate(session_id: int, note_id: int, action: str):
    session = own_session(session_id)
    db = get_db()
    try:
        note = notes.note_of_session(db, session, note_id)
    except NoteError:
        abort(404)
    try:
        if action in ("hide", "unhide"):
            notes.set_hidden(db, session, note, action == "hide")
            live_notes.broadcast_note(session, note)
            live_notes.refresh_votes(session, db.get(Group, note.group_id))
        elif action == "edit":
            notes.moderate_text(db, session, note, request.form.get("text"))
            live_notes.broadcast_note(session, note)
        elif action == "merge":
            target = notes.note_of_session(db, session, _int(request.form.get("target")))
            notes.merge(db, session, note, target)
            live_notes.broadcast_note(session, note)
            live_notes.broadcast_boards(session)
            live_notes.refresh_votes(session, db.get(Group, note.group_id))
        else:
            abort(404)
    except NoteError as exc:
        flash(NOTE_ERRORS[exc.args[0]], "error")
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
    hidden = notes.remove_participant(db, session, participant)
    live.disconnect_participant(participant.id)
    for note in hidden:
        live_notes.broadcast_note(session, note)
    round_ = rounds.current_round(db, session)
    for group in round_.groups if round_ else []:
        if any(m.participant_id == participant.id for m in group.members):
            live_notes.refresh_votes(session, group)
    session_events.broadcast_lobby(session)
    flash(_("The participant was removed and their notes hidden."), "success")
    return _back(session)


@bp.route("/present/<action>", methods=["POST"])
@login_required
def present(session_id: int, action: str):
    session = own_session(session_id)
    db = get_db()
    round_ = _current_round_or_back(session)
    if round_ is None:
        return _back(session)
    if action not in presentation.ACTIONS:
        abort(404)
    presentation.step(db, session, round_, action)
    session_events.broadcast_phase(session)
    live_notes.broadcast_presentation(session)
    return redirect(url_for("board.board_page", session_id=session.id) + "#present")
