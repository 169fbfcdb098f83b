"""Live flipcharts and voting over Socket.IO: thin handlers around notes.py and voting.py.

Rooms: ``g<group id>`` the phones of one group; the projector and facilitator rooms (live/registry.py).
Phones get only their own group's visible notes; the facilitator also sees hidden ones.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

from flask_babel import gettext

from workshop.extensions import socketio
from workshop.live import registry as live
from workshop.db import get_db
from workshop.web.labels import NOTE_ERRORS
from workshop.models import Group, Note, Participant, Session
from workshop.flipchart.notes import (
    NoteError,
    add_note,
    all_notes,
    current_group,
    delete_note,
    edit_note,
    visible_notes,
)
from workshop.grouping.service import current_round, question_of
from workshop.flipchart.voting import VOTES_PER_PERSON, cast_vote, my_votes, progress, tallies, top_three
from workshop.live.handlers import LiveHandlers

handlers = LiveHandlers()


def error(key: str) -> dict:
    return {"ok": False, "error": gettext(str(NOTE_ERRORS.get(key, NOTE_ERRORS["bad_request"])))}


# --- payloads ------------------------------------------------------------------------------------

def note_payload(note: Note, group: Group, facilitator: bool = False) -> dict:
    data = {"id": note.id, "group": group.number, "text": note.text, "author": note.participant_id,
            "edited": note.edited_by_facilitator}
    if facilitator:
        data.update(hidden=note.hidden, merged_into=note.merged_into_id)
    return data


def top_payload(db, group: Group) -> dict:
    result = top_three(db, group)
    return {"places": [{"id": n.id, "text": n.text, "votes": v} for n, v in result.places],
            "tied": [{"id": n.id, "text": n.text, "votes": v} for n, v in result.tied],
            "open_places": result.open_places}


def board_payload(db, group: Group, facilitator: bool = False) -> dict:
    """One group's flipchart: question, notes, voting state (tallies only once closed)."""
    question = question_of(db, group)
    notes = all_notes(db, group) if facilitator else visible_notes(db, group)
    data = {"group": group.number, "group_id": group.id, "colour": group.colour,
            "question": question.text if question else None, "voting": group.voting,
            "notes": [note_payload(n, group, facilitator) for n in notes],
            "progress": progress(db, group), "votes_per_person": VOTES_PER_PERSON}
    if group.voting == "closed" or facilitator:
        data["tallies"] = {str(k): v for k, v in tallies(db, group).items()}
    if group.voting == "closed":
        data["top"] = top_payload(db, group)
    return data


def boards_payload(db, session: Session, facilitator: bool = False) -> dict:
    round_ = current_round(db, session)
    groups = round_.groups if round_ else []
    return {"round": round_.number if round_ else None,
            "groups": [board_payload(db, g, facilitator) for g in groups]}


# --- order: a snapshot never overtakes a change of the same flipchart ------------------------------
#
# Phones, the projector and the facilitator replace a flipchart with each `board`/`boards` snapshot and
# then apply `note`, `note_removed`, `my_votes` and `vote_progress` events to it. While a snapshot is
# read the database driver may let other green threads run (psycopg2 does), so a change committed
# during that read could be broadcast *before* the snapshot that misses it, and the snapshot would wipe
# it out until the next reload. Within this process, reading+sending a snapshot and broadcasting a
# change of the same group take the same lock: each change is in the snapshot or arrives after it.
_STRIPES = 64
_group_locks = [threading.Lock() for _ in range(_STRIPES)]  # green locks under eventlet/gevent


@contextmanager
def flipchart_order(*group_ids: int):
    """Hold the locks of these groups' flipcharts (in a fixed order: no deadlock)."""
    get_db().commit()  # wait holding no pooled database connection: the lock's holder may need one
    stripes = sorted({gid % _STRIPES for gid in group_ids})
    for i in stripes:
        _group_locks[i].acquire()
    try:
        yield
    finally:
        for i in reversed(stripes):
            _group_locks[i].release()


# --- broadcasts ----------------------------------------------------------------------------------

def broadcast_note(session: Session, note: Note, removed: bool = False) -> None:
    """After a note changed: its group's phones and the projector see visible notes only."""
    db = get_db()
    group = db.get(Group, note.group_id)
    public = not removed and not note.hidden and note.merged_into_id is None
    gone = {"id": note.id, "group": group.number}
    public_payload = note_payload(note, group) if public else None
    facilitator_payload = None if removed else note_payload(note, group, facilitator=True)
    with flipchart_order(group.id):
        for room in (f"g{group.id}", f"s{session.id}:screen"):
            if public:
                socketio.emit("note", public_payload, to=room)
            else:
                socketio.emit("note_removed", gone, to=room)
        if removed:
            socketio.emit("note_removed", gone, to=f"s{session.id}:fac")
        else:
            socketio.emit("note", facilitator_payload, to=f"s{session.id}:fac")


def broadcast_boards(session: Session) -> None:
    """Whole flipcharts again (voting opened or closed, questions changed, merges)."""
    db = get_db()
    round_ = current_round(db, session)
    if round_ is None:
        return
    for group in round_.groups:
        with flipchart_order(group.id):
            db.expire_all()  # read what is committed now, under the lock
            socketio.emit("board", board_payload(db, group), to=f"g{group.id}")
    with flipchart_order(*(g.id for g in round_.groups)):
        db.expire_all()
        socketio.emit("boards", boards_payload(db, session), to=f"s{session.id}:screen")
        socketio.emit("boards", boards_payload(db, session, facilitator=True), to=f"s{session.id}:fac")


def _emit_progress(session: Session, group: Group) -> None:
    payload = progress(get_db(), group)
    socketio.emit("vote_progress", payload, to=f"s{session.id}:screen")
    socketio.emit("vote_progress", payload, to=f"s{session.id}:fac")


def broadcast_progress(session: Session, group: Group) -> None:
    with flipchart_order(group.id):
        _emit_progress(session, group)


def refresh_votes(session: Session, group: Group) -> None:
    """After moderation changed votes (a voted note hidden or merged): each member's own votes and the
    group's progress again."""
    if group.voting != "open":
        return
    with flipchart_order(group.id):
        for m in group.members:
            _emit_my_votes(m.participant, group, to=f"p{m.participant_id}")
        _emit_progress(session, group)


def _emit_my_votes(participant: Participant, group: Group, to: str) -> None:
    votes = my_votes(get_db(), participant, group)
    socketio.emit("my_votes", {"group": group.number, "note_ids": votes,
                               "remaining": VOTES_PER_PERSON - len(votes)}, to=to)


def send_my_votes(participant: Participant, group: Group, to: str) -> None:
    with flipchart_order(group.id):
        _emit_my_votes(participant, group, to)


@handlers.on_sync
def send_board_state(session: Session, conn: live.Conn, sid: str) -> None:
    db = get_db()
    if conn.role == "participant":
        participant = db.get(Participant, conn.participant_id)
        group = current_group(db, session, participant)
        live.set_group_room(sid, group.id if group else None)
        if group is None:
            return
        with flipchart_order(group.id):  # see flipchart_order: no change may overtake this snapshot
            db.expire_all()
            socketio.emit("board", board_payload(db, group), to=sid)
            _emit_my_votes(participant, group, to=sid)
    else:
        round_ = current_round(db, session)
        with flipchart_order(*(g.id for g in (round_.groups if round_ else []))):
            db.expire_all()
            socketio.emit("boards", boards_payload(db, session, facilitator=conn.role == "facilitator"), to=sid)


# --- handlers ------------------------------------------------------------------------------------

def _participant_context():
    conn = live.current_conn()
    if conn is None or conn.role != "participant":
        return None
    db = get_db()
    session = db.get(Session, conn.session_id)
    participant = db.get(Participant, conn.participant_id)
    if participant is None or participant.removed:
        return None
    return db, session, participant


@handlers.on("note_add")
def on_note_add(data=None, *_args):
    ctx = _participant_context()
    if ctx is None:
        return error("bad_request")
    db, session, participant = ctx
    if not isinstance(data, dict):
        return error("bad_request")
    try:
        note, created = add_note(db, session, participant, data.get("client_id"), data.get("text"))
    except NoteError as exc:
        return error(exc.args[0])
    group = db.get(Group, note.group_id)
    if created:
        broadcast_note(session, note)
    return {"ok": True, "note": note_payload(note, group)}


@handlers.on("note_edit")
def on_note_edit(data=None, *_args):
    ctx = _participant_context()
    if ctx is None or not isinstance(data, dict):
        return error("bad_request")
    db, session, participant = ctx
    try:
        note = edit_note(db, session, participant, data.get("id"), data.get("text"))
    except NoteError as exc:
        return error(exc.args[0])
    broadcast_note(session, note)
    return {"ok": True, "note": note_payload(note, db.get(Group, note.group_id))}


@handlers.on("note_delete")
def on_note_delete(data=None, *_args):
    ctx = _participant_context()
    if ctx is None or not isinstance(data, dict):
        return error("bad_request")
    db, session, participant = ctx
    try:
        note = delete_note(db, session, participant, data.get("id"))
    except NoteError as exc:
        return error(exc.args[0])
    broadcast_note(session, note, removed=True)
    return {"ok": True}


@handlers.on("vote")
def on_vote(data=None, *_args):
    ctx = _participant_context()
    if ctx is None or not isinstance(data, dict):
        return error("bad_request")
    db, session, participant = ctx
    if not live.within_limit("vote", participant.id):
        return error("too_fast")
    try:
        group, votes = cast_vote(db, session, participant, data.get("note_id"), data.get("on"))
    except NoteError as exc:
        return error(exc.args[0])
    with flipchart_order(group.id):
        _emit_my_votes(participant, group, to=f"p{participant.id}")
        _emit_progress(session, group)
    return {"ok": True, "note_ids": votes, "remaining": VOTES_PER_PERSON - len(votes)}


# --- presentation --------------------------------------------------------------------------------

def presentation_payload(db, session: Session) -> dict:
    """What the projector and the phones show in the presentation: one group's top 3, or all."""
    round_ = current_round(db, session)
    shown = session.presenting_group
    groups = []
    if round_ is not None and shown is not None:
        for g in round_.groups:
            if shown == 0 or g.number == shown:
                question = question_of(db, g)
                groups.append({"number": g.number, "colour": g.colour,
                               "question": question.text if question else None,
                               "top": top_payload(db, g)})
    return {"showing": shown, "groups": groups}


def broadcast_presentation(session: Session) -> None:
    payload = presentation_payload(get_db(), session)
    for room in (f"s{session.id}", f"s{session.id}:screen", f"s{session.id}:fac"):
        socketio.emit("presentation", payload, to=room)


@handlers.on_sync
def send_presentation_state(session: Session, conn: live.Conn, sid: str) -> None:
    if session.presenting_group is not None:
        socketio.emit("presentation", presentation_payload(get_db(), session), to=sid)
