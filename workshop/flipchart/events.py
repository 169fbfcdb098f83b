"""Live flipcharts and voting: the phones' Socket.IO events, and the fan-out of every flipchart change.

Rooms: ``g<group id>`` the phones of one group; the projector and facilitator rooms (live/registry.py).
Phones get only their own group's visible notes; the facilitator also sees hidden ones. The handlers
call flipchart/service.py and answer the phone; the rooms hear of a change only through the
`@handlers.fanout` functions below, whatever path (form, Socket.IO, CLI) made it.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import re
import threading
from contextlib import contextmanager

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.flipchart import service as flipchart
from workshop.flipchart.schemas import NoteAdd, NoteDelete, NoteEdit, VotePayload
from workshop.flipchart.service import VOTES_PER_PERSON, NoteError, progress, tallies, top_three
from workshop.grouping import service as rounds
from workshop.grouping.service import current_round, question_of
from workshop.live import registry as live
from workshop.live.handlers import LiveContext, LiveHandlers, State
from workshop.models import Group, Note, Participant, Session
from workshop.sessions import events as session_events
from workshop.web.labels import BACKGROUND_LABELS, NOTE_ERRORS, municipality_label

handlers = LiveHandlers()


# --- payloads ------------------------------------------------------------------------------------

TAG_RE = re.compile(r"[0-9a-f]{16}")  # an author tag: 16 hex digits of an HMAC


def author_tag(group_id: int, participant_id: int | None) -> str | None:
    """Who wrote a note, as the group's phones and the projector may know it: a pseudonym per group
    (an HMAC of group and participant under the app's secret), never the participant's row id. A phone
    knows its own tag (my_votes, the page) and so its own notes; tags link nobody across groups."""
    if participant_id is None:
        return None
    return _tag(current_app.config["SECRET_KEY"], group_id, participant_id)


@functools.lru_cache(maxsize=1 << 16)
def _tag(secret: str, group_id: int, participant_id: int) -> str:
    """Remembered: every board snapshot tags each of its notes (an HMAC each, otherwise)."""
    message = f"note-author:{group_id}:{participant_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:16]


def note_payload(note, group: Group, facilitator: bool = False) -> dict:
    """A note for the group's phones and the projector; the facilitator's copy also names the author's
    participant id (to remove a disruptive participant), whether it is hidden, and merges. `note`: a Note
    or a row of its columns (service.note_rows). A note a scribe wrote for a member without a phone
    also carries the scribe's tag in the group (that phone may edit it) or, for the facilitator, id."""
    data = {"id": note.id, "group": group.number, "text": note.text,
            "author": note.participant_id if facilitator else author_tag(group.id, note.participant_id),
            "edited": note.edited_by_facilitator}
    if note.written_by_id is not None:
        data["scribe"] = note.written_by_id if facilitator else author_tag(group.id, note.written_by_id)
    if facilitator:
        data.update(hidden=note.hidden, held=note.held, merged_into=note.merged_into_id)
    return data


def top_payload(db, group: Group) -> dict:
    result = top_three(db, group)
    return {"places": [{"id": n.id, "text": n.text, "votes": v} for n, v in result.places],
            "tied": [{"id": n.id, "text": n.text, "votes": v} for n, v in result.tied],
            "open_places": result.open_places}


def counts_shown(db, group: Group, facilitator: bool = False) -> bool:
    """Whether this copy of a group's flipchart carries vote counts: the facilitator's always; the
    phones' and the projector's once the group has voted and the results are visible (live or revealed)."""
    if facilitator:
        return True
    if group.voting == "not_started":
        return False
    return flipchart.votes_visible(db.get(Session, group.round.session_id))


def tallies_payload(db, group: Group) -> dict:
    return {"group": group.number, "tallies": {str(k): v for k, v in tallies(db, group).items()}}


def board_payload(db, group: Group, facilitator: bool = False) -> dict:
    """One group's flipchart: question, notes, voting state; the tallies and the top 3 only where the
    counts may be shown (counts_shown) — hidden means absent from the payload, not only unrendered."""
    notes = flipchart.note_rows(db, group, everything=facilitator)
    data = {"group": group.number, "group_id": group.id, "colour": group.colour,
            "question": rounds.question_text(db, group), "voting": group.voting,
            "notes": [note_payload(n, group, facilitator) for n in notes],
            "progress": progress(db, group), "votes_per_person": VOTES_PER_PERSON}
    if counts_shown(db, group, facilitator):
        data["tallies"] = tallies_payload(db, group)["tallies"]
        if group.voting == "closed":
            data["top"] = top_payload(db, group)
    return data


def boards_payload(db, session: Session, facilitator: bool = False) -> dict:
    round_ = current_round(db, session)
    groups = round_.groups if round_ else []
    return {"round": round_.number if round_ else None, "vote_results": flipchart.vote_results(session),
            "revealed": flipchart.votes_revealed(session),
            "groups": [board_payload(db, g, facilitator) for g in groups]}


def presentation_payload(db, session: Session) -> dict:
    """What the projector and the phones show in the presentation: one group's top 3, or all."""
    round_ = current_round(db, session)
    shown = flipchart.presenting_group(session)
    groups = []
    if round_ is not None and shown is not None:
        for g in round_.groups:
            if shown == 0 or g.number == shown:
                question = question_of(db, g)
                groups.append({"number": g.number, "colour": g.colour,
                               "question": question.text if question else None,
                               "top": top_payload(db, g)})
    return {"showing": shown, "groups": groups}


def my_votes_payload(db, participant: Participant, group: Group, votes: list[int] | None = None) -> dict:
    """One phone's own state in its group: its votes, and its author tag (which notes are its own)."""
    votes = flipchart.my_votes(db, participant, group) if votes is None else votes
    return {"group": group.number, "note_ids": votes, "remaining": VOTES_PER_PERSON - len(votes),
            "me": author_tag(group.id, participant.id)}


def member_name(member: Participant) -> str:
    """How a group's phones name a member without a phone: the first name, or (none given) the
    municipality and background, as the printed table card does."""
    if member.first_name:
        return member.first_name
    lang = str(get_locale() or "fi")
    return f"{municipality_label(member.municipality, lang)} · {BACKGROUND_LABELS.get(member.background, '')}"


def scribe_payload(db, group: Group) -> dict:
    """The group's members without a phone, for whom its phones write and vote: a name, the member's
    author tag in the group (how a phone names them back), their own votes. Only for the group's phones:
    any of them may act for these members, so may see what they act on."""
    members = flipchart.without_phone_members(db, group)
    votes = flipchart.votes_of_members(db, group, members)
    return {"group": group.number, "members": [
        {"for": author_tag(group.id, m.id), "name": member_name(m), "note_ids": votes[m.id],
         "remaining": VOTES_PER_PERSON - len(votes[m.id])} for m in members]}


def member_by_tag(db, session: Session, scribe: Participant, tag) -> Participant | None:
    """The member of the scribe's group a form or event names by author tag (None or "": the scribe
    themselves). The service then decides whether the scribe may act for them (scribe_group)."""
    if tag is None or tag == "":
        return None
    group = flipchart.current_group(db, session, scribe)
    if group is not None and isinstance(tag, str) and TAG_RE.fullmatch(tag):
        for m in group.members:
            if hmac.compare_digest(author_tag(group.id, m.participant_id), tag):
                return db.get(Participant, m.participant_id)
    raise NoteError("not_your_member")


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

def broadcast_note(session: Session, note: Note) -> None:
    """After a note changed: its group's phones and the projector see visible notes only."""
    group = get_db().get(Group, note.group_id)
    public = not note.hidden and note.merged_into_id is None
    gone = {"id": note.id, "group": group.number}
    public_payload = note_payload(note, group) if public else None
    facilitator_payload = note_payload(note, group, facilitator=True)
    with flipchart_order(group.id):
        for room in (f"g{group.id}", f"s{session.id}:screen"):
            if public:
                socketio.emit("note", public_payload, to=room)
            else:
                socketio.emit("note_removed", gone, to=room)
        socketio.emit("note", facilitator_payload, to=f"s{session.id}:fac")


def broadcast_note_removed(session: Session, note_id: int, group_id: int) -> None:
    """After a note was deleted: everyone who saw it drops it."""
    group = get_db().get(Group, group_id)
    gone = {"id": note_id, "group": group.number}
    with flipchart_order(group.id):
        for room in (f"g{group.id}", f"s{session.id}:screen", f"s{session.id}:fac"):
            socketio.emit("note_removed", gone, to=room)


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
    """Who has voted, to the projector and the facilitator; the running counts to the group's phones,
    the projector and the facilitator only while they may be seen (live, or revealed). The facilitator's
    pages read the counts again on "vote_progress" (they always show them)."""
    db = get_db()
    payload, visible = flipchart.progress_and_visibility(db, session, group)
    socketio.emit("vote_progress", payload, to=f"s{session.id}:screen")
    socketio.emit("vote_progress", payload, to=f"s{session.id}:fac")
    if visible:
        counts = tallies_payload(db, group)
        for room in (f"g{group.id}", f"s{session.id}:screen", f"s{session.id}:fac"):
            socketio.emit("vote_tallies", counts, to=room)


def refresh_votes(session: Session, group: Group) -> None:
    """After moderation changed votes (a voted note hidden or merged): each member's own votes (those
    of the members without a phone to the group's phones) and the group's progress again."""
    if group.voting != "open":
        return
    with flipchart_order(group.id):
        for m in group.members:
            if not m.participant.without_phone:
                socketio.emit("my_votes", my_votes_payload(get_db(), m.participant, group), to=f"p{m.participant_id}")
        if any(m.participant.without_phone for m in group.members):
            socketio.emit("scribe", scribe_payload(get_db(), group), to=f"g{group.id}")
        _emit_progress(session, group)


def broadcast_presentation(session: Session) -> None:
    payload = presentation_payload(get_db(), session)
    for room in (f"s{session.id}", f"s{session.id}:screen", f"s{session.id}:fac"):
        socketio.emit("presentation", payload, to=room)


# --- fan-out: each flipchart change to the rooms that may see it -----------------------------------

@handlers.fanout(rounds.QuestionsAssigned)
def on_questions_assigned(event: rounds.QuestionsAssigned) -> None:
    """The groups' questions are on every flipchart: whole boards again."""
    broadcast_boards(event.session)


@handlers.fanout(rounds.LateArrivalPlaced)
def on_late_arrival_placed(event: rounds.LateArrivalPlaced) -> None:
    """A member without a phone added at the door into a group at work: its phones may now write and
    vote for them."""
    if event.participant.without_phone:
        with flipchart_order(event.group.id):
            socketio.emit("scribe", scribe_payload(get_db(), event.group), to=f"g{event.group.id}")


@handlers.fanout(rounds.GroupsChanged)
def on_groups_changed(event: rounds.GroupsChanged) -> None:
    """People moved between the groups of the current round: each group's members without a phone again."""
    db = get_db()
    round_ = current_round(db, event.session)
    if round_ is None or round_.id != event.round.id:
        return
    for group in round_.groups:
        with flipchart_order(group.id):
            socketio.emit("scribe", scribe_payload(db, group), to=f"g{group.id}")


@handlers.fanout(flipchart.NoteAdded)
@handlers.fanout(flipchart.NoteEdited)
def on_note_written(event: flipchart.NoteAdded | flipchart.NoteEdited) -> None:
    broadcast_note(event.session, event.note)


@handlers.fanout(flipchart.NoteDeleted)
def on_note_deleted(event: flipchart.NoteDeleted) -> None:
    broadcast_note_removed(event.session, event.note_id, event.group_id)


@handlers.fanout(flipchart.NoteModerated)
def on_note_moderated(event: flipchart.NoteModerated) -> None:
    broadcast_note(event.session, event.note)
    if event.boards_changed:
        broadcast_boards(event.session)
    if event.votes_changed:
        refresh_votes(event.session, get_db().get(Group, event.note.group_id))


@handlers.fanout(flipchart.VoteCast)
def on_vote_cast(event: flipchart.VoteCast) -> None:
    """The voter's phones see their votes (a member without a phone: the group's phones, any of which
    may vote for them); the projector and facilitator how many have voted."""
    db = get_db()
    with flipchart_order(event.group.id):
        if event.scribe is None:
            mine = my_votes_payload(db, event.participant, event.group, list(event.note_ids))
            socketio.emit("my_votes", mine, to=f"p{event.participant.id}")
        else:
            socketio.emit("scribe", scribe_payload(db, event.group), to=f"g{event.group.id}")
        _emit_progress(event.session, event.group)


@handlers.fanout(flipchart.VotingOpened)
def on_voting_opened(event: flipchart.VotingOpened) -> None:
    session_events.broadcast_phase(event.session)
    broadcast_boards(event.session)


@handlers.fanout(flipchart.VotingClosed)
@handlers.fanout(flipchart.TopPicked)
def on_top_changed(event: flipchart.VotingClosed | flipchart.TopPicked) -> None:
    broadcast_boards(event.session)


@handlers.fanout(flipchart.PresentationStepped)
def on_presentation_stepped(event: flipchart.PresentationStepped) -> None:
    session_events.broadcast_phase(event.session)
    broadcast_presentation(event.session)
    if event.revealed:  # the presentation revealed the votes: the flipcharts show their counts too
        broadcast_boards(event.session)


@handlers.fanout(flipchart.VoteResultsChanged)
def on_vote_results_changed(event: flipchart.VoteResultsChanged) -> None:
    """Revealed, or switched live or hidden: whole flipcharts again, with or without the counts."""
    broadcast_boards(event.session)


@handlers.fanout(flipchart.ParticipantRemoved)
def on_participant_removed(event: flipchart.ParticipantRemoved) -> None:
    """Their phones are cut off; their notes vanish; their groups' votes and the lobby are recounted."""
    live.disconnect_participant(event.participant.id)
    for note in event.hidden:
        broadcast_note(event.session, note)
    for group in event.groups:
        refresh_votes(event.session, group)
    session_events.broadcast_lobby(event.session)


# VoteSettingsChanged and WordFilterChanged have no fan-out: no page shows the settings live (the
# facilitator's form reloads).


# --- state on (re)connect ------------------------------------------------------------------------

@handlers.on_sync
def send_board_state(session: Session, conn: live.Conn, state: State) -> None:
    db = get_db()
    if conn.role == "participant":
        participant = db.get(Participant, conn.participant_id)
        group = flipchart.current_group(db, session, participant)
        live.set_group_room(state.sid, group.id if group else None)
        if group is None:
            return
        # See flipchart_order: no change may overtake this snapshot; held until the state is sent.
        state.hold(flipchart_order(group.id))
        rounds.refresh_voting_state(db, group)  # as committed now; notes and votes are read fresh below
        # my_votes first: it carries the phone's author tag in this group, which the board needs.
        state.emit("my_votes", my_votes_payload(db, participant, group))
        board = board_payload(db, group)
        state.emit("board", board)
        if board["progress"].get("without_phone"):  # known from the board: no query for other groups
            state.emit("scribe", scribe_payload(db, group))
    else:
        round_ = current_round(db, session)
        state.hold(flipchart_order(*(g.id for g in (round_.groups if round_ else []))))
        db.expire_all()
        state.emit("boards", boards_payload(db, session, facilitator=conn.role == "facilitator"))


@handlers.on_sync
def send_presentation_state(session: Session, conn: live.Conn, state: State) -> None:
    if flipchart.presenting_group(session) is not None:
        state.emit("presentation", presentation_payload(get_db(), session))


# --- the phones' events --------------------------------------------------------------------------

@handlers.on("note_add", role="participant", schema=NoteAdd, errors=NOTE_ERRORS)
def on_note_add(ctx: LiveContext, payload: NoteAdd) -> dict:
    member = member_by_tag(ctx.db, ctx.session, ctx.participant, payload.member)
    note, _created = flipchart.add_note(ctx.db, ctx.session, ctx.participant, payload.client_id, payload.text,
                                        on_behalf_of=member)
    return _written(ctx, note)


def _written(ctx: LiveContext, note) -> dict:
    """The acknowledgement of a written note: a note the word filter holds tells its writer so."""
    answer = {"ok": True, "held": note.held, "note": note_payload(note, ctx.db.get(Group, note.group_id))}
    if note.held:
        answer["notice"] = _("Your note waits for the facilitator's approval before the others see it.")
    return answer


@handlers.on("note_edit", role="participant", schema=NoteEdit, errors=NOTE_ERRORS)
def on_note_edit(ctx: LiveContext, payload: NoteEdit) -> dict:
    note = flipchart.edit_note(ctx.db, ctx.session, ctx.participant, payload.id, payload.text)
    return _written(ctx, note)


@handlers.on("note_delete", role="participant", schema=NoteDelete, errors=NOTE_ERRORS)
def on_note_delete(ctx: LiveContext, payload: NoteDelete) -> dict:
    flipchart.delete_note(ctx.db, ctx.session, ctx.participant, payload.id)
    return {"ok": True}


@handlers.on("vote", role="participant", schema=VotePayload, limit="vote", errors=NOTE_ERRORS)
def on_vote(ctx: LiveContext, payload: VotePayload) -> dict:
    member = member_by_tag(ctx.db, ctx.session, ctx.participant, payload.member)
    _group, votes = flipchart.cast_vote(ctx.db, ctx.session, ctx.participant, payload.note_id, payload.on,
                                        on_behalf_of=member)
    answer = {"ok": True, "note_ids": votes, "remaining": VOTES_PER_PERSON - len(votes)}
    if member is not None:
        answer["for"] = payload.member
    return answer
