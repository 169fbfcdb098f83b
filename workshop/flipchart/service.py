"""The flipchart: notes written in groups, top-3 voting, moderation and the presentation.

A note belongs to a group of the current round. Phones send a client-generated id with each new
note, so a note re-sent after a lost acknowledgement is recognised instead of doubled.

A member without a phone (added at the door) writes and votes through a group member's phone: the
scribe. Their notes are theirs (the note's participant, counted like anyone's), `written_by` names the
scribe whose phone may edit them; their three votes are their own. Only a member of the same group in
the current round may act for them (`on_behalf_of`), never for someone with a phone.

Top-3 tie rule: notes are ranked by votes. The top 3 are the notes with more votes than the note in
third place, plus the notes with exactly that many votes when they all fit. If more notes share
the third-place count than there are places left, they are shown as tied and the facilitator
picks which of them fill the remaining places. A note with no votes never enters the top 3.

Vote results hidden until revealed: with the workshop's `vote_results` "reveal" (the default, against
group-think) phones and the projector see only who has voted until the facilitator reveals the results
or the presentation starts; with "live" they see the running counts. Closing the voting reveals nothing;
opening it again hides the results again. The facilitator's own pages always see the counts.

Every change commits and then publishes one domain event; flipchart/events.py sends it to the rooms.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DB
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from workshop.core import text as text_policy
from workshop.core import wordfilter
from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.ids import row_id
from workshop.core.rows import columns
from workshop.core.time import utcnow
from workshop.core.visibility import RESULTS_MODES
from workshop.flipchart.models import FlipchartSettings
from workshop.grouping.service import current_round, group_now
from workshop.models import Group, GroupMember, Note, Participant, Round, Session, Vote
from workshop.sessions.service import bump, set_phase

MAX_CHARS = 280
NOTES_PER_MINUTE = 20
WRITING_PHASES = ("groupwork", "voting")  # a group writes until its own voting opens
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
VOTES_PER_PERSON = 3
PLACES = 3
PRESENTATION_ACTIONS = ("start", "next", "prev", "overview", "stop")
OVERVIEW = 0  # the presentation shows every group's top 3
MODERATIONS = ("hide", "unhide", "edit", "merge")


class NoteError(DomainError):
    """A refused request; args[0] is a key of web.labels.NOTE_ERRORS."""


# --- events --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NoteAdded(DomainEvent):
    """A participant's new note (not sent again for a re-sent client id)."""
    session: Session
    note: Note


@dataclass(frozen=True)
class NoteEdited(DomainEvent):
    session: Session
    note: Note


@dataclass(frozen=True)
class NoteDeleted(DomainEvent):
    """The author deleted their note; the row is gone, so the event carries its ids."""
    session: Session
    note_id: int
    group_id: int


@dataclass(frozen=True)
class NoteModerated(DomainEvent):
    """The facilitator hid, showed, edited or merged `note` (the merged-away note for a merge).

    `votes_changed`: voters may have got votes back (their own votes and the progress need a refresh);
    `boards_changed`: more than this note changed (a merge moves votes onto its target).
    """
    session: Session
    note: Note
    action: str
    votes_changed: bool
    boards_changed: bool


@dataclass(frozen=True)
class VoteCast(DomainEvent):
    """A participant gave or took back a vote; `note_ids` are their votes in the group now.
    `scribe`: the group member whose phone voted for `participant`, a member without a phone."""
    session: Session
    participant: Participant
    group: Group
    note_ids: tuple[int, ...]
    scribe: Participant | None = None


@dataclass(frozen=True)
class VotingOpened(DomainEvent):
    """Voting opened for these groups; the session is in the voting phase."""
    session: Session
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class VotingClosed(DomainEvent):
    """Voting closed for these groups; each top 3 is fixed where no tie needs the facilitator."""
    session: Session
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class TopPicked(DomainEvent):
    """The facilitator resolved a tie in one group's top 3."""
    session: Session
    group: Group


@dataclass(frozen=True)
class PresentationStepped(DomainEvent):
    """The projector shows another group's top 3 (`showing`: group number, 0 = overview, None = off);
    `revealed`: this step revealed the vote results (the first step of the presentation)."""
    session: Session
    showing: int | None
    revealed: bool = False


@dataclass(frozen=True)
class VoteResultsChanged(DomainEvent):
    """The facilitator revealed the vote results, or changed whether they show live."""
    session: Session


@dataclass(frozen=True)
class WordFilterChanged(DomainEvent):
    session: Session
    on: bool


@dataclass(frozen=True)
class VoteSettingsChanged(DomainEvent):
    session: Session
    allow_vote_stacking: bool


@dataclass(frozen=True)
class ParticipantRemoved(DomainEvent):
    """A disruptive participant is out: their notes hidden, their votes and the votes on their notes
    dropped; `groups` are their groups of the current round (whose votes changed)."""
    session: Session
    participant: Participant
    hidden: tuple[Note, ...]
    groups: tuple[Group, ...]


# --- settings ------------------------------------------------------------------------------------

def settings_of(session: Session) -> FlipchartSettings:
    """The session's flipchart settings to change (the row is made at the first change)."""
    if session.flipchart_settings is None:
        session.flipchart_settings = FlipchartSettings(allow_vote_stacking=False, vote_results="reveal",
                                                       votes_revealed=False)
    return session.flipchart_settings


def vote_stacking_allowed(session: Session) -> bool:
    return bool(session.flipchart_settings and session.flipchart_settings.allow_vote_stacking)


def vote_results(session: Session) -> str:
    """"live" or "reveal" (the default: no settings row yet)."""
    settings = session.flipchart_settings
    return settings.vote_results if settings and settings.vote_results else "reveal"


def votes_revealed(session: Session) -> bool:
    return bool(session.flipchart_settings and session.flipchart_settings.votes_revealed)


def votes_visible(session: Session) -> bool:
    """Whether phones and the projector may see vote counts (and the top 3) now."""
    return vote_results(session) == "live" or votes_revealed(session)


def set_vote_results(db: DB, session: Session, mode) -> Session:
    """Running counts on phones and projector ("live"), or only once revealed ("reveal")."""
    if mode not in RESULTS_MODES:
        raise NoteError("bad_results")
    if vote_results(session) != mode:
        settings_of(session).vote_results = mode
        bump(session)
        db.commit()
        publish(VoteResultsChanged(session))
    return session


def reveal_votes(db: DB, session: Session) -> Session:
    """Phones and the projector see the vote counts (and each closed group's top 3) from now on."""
    if not votes_revealed(session):
        settings_of(session).votes_revealed = True
        bump(session)
        db.commit()
        publish(VoteResultsChanged(session))
    return session


def word_filter_on(session: Session) -> bool:
    return bool(session.flipchart_settings and session.flipchart_settings.word_filter)


def held_by_filter(session: Session, text: str | None) -> bool:
    """Whether a new or edited text waits for the facilitator (the workshop's word filter is on and
    the text has a listed word)."""
    # The text first: most notes match nothing, and then the setting is never read (no query on the hot path).
    return wordfilter.current().matches(text) and word_filter_on(session)


def set_word_filter(db: DB, session: Session, on: bool) -> Session:
    """Turn the word filter on or off; notes already held stay held until approved."""
    settings_of(session).word_filter = bool(on)
    bump(session)
    db.commit()
    publish(WordFilterChanged(session, bool(on)))
    return session


def presenting_group(session: Session) -> int | None:
    """The group whose top 3 the projector shows (0 = overview, None = no presentation)."""
    return session.flipchart_settings.presenting_group if session.flipchart_settings else None


# --- notes ---------------------------------------------------------------------------------------

def clean_note_text(value) -> str:
    """Plain text of 1–280 characters; line breaks kept (the one text policy of core.text)."""
    try:
        return text_policy.clean_text(value, MAX_CHARS, multiline=True)
    except text_policy.TextError as exc:
        raise NoteError("empty" if exc.reason == "type" else exc.reason) from None


def current_group(db: DB, session: Session, participant: Participant) -> Group | None:
    return group_now(db, session.id, participant.id)


def visible_notes(db: DB, group: Group) -> list[Note]:
    return list(db.scalars(select(Note).where(Note.group_id == group.id, Note.hidden.is_(False),
                                              Note.merged_into_id.is_(None)).order_by(Note.id)))


# A snapshot's notes as plain rows of the columns a board shows (no ORM object per note: a board of
# 60 notes is sent on every connect of the group's phones). Rows read as notes: row.id, row.text, ...
_BOARD_COLUMNS = (Note.id, Note.participant_id, Note.written_by_id, Note.text, Note.edited_by_facilitator,
                  Note.hidden, Note.held, Note.merged_into_id)
_VISIBLE_NOTE_ROWS = (select(*_BOARD_COLUMNS).where(Note.group_id == bindparam("group_id"), Note.hidden.is_(False),
                                                    Note.merged_into_id.is_(None)).order_by(Note.id))
_ALL_NOTE_ROWS = select(*_BOARD_COLUMNS).where(Note.group_id == bindparam("group_id")).order_by(Note.id)


def note_rows(db: DB, group: Group, everything: bool = False) -> list:
    """The group's visible notes (everything: hidden and merged too, the facilitator's) as rows."""
    return list(columns(db, _ALL_NOTE_ROWS if everything else _VISIBLE_NOTE_ROWS, {"group_id": group.id}))


def all_notes(db: DB, group: Group) -> list[Note]:
    """Everything the facilitator sees, hidden and merged notes included."""
    return list(db.scalars(select(Note).where(Note.group_id == group.id).order_by(Note.id)))


def _writable_group(db: DB, session: Session, participant: Participant) -> Group:
    if session.phase not in WRITING_PHASES or not session.is_open:
        raise NoteError("not_writing")
    group = current_group(db, session, participant)
    if group is None:
        raise NoteError("no_group")
    if group.voting != "not_started":
        raise NoteError("not_writing")
    return group


def scribe_group(db: DB, session: Session, scribe: Participant, member: Participant) -> Group:
    """The group in which `scribe` may write and vote for `member`: both in it in the current round,
    `member` without a phone, `scribe` with one. Anything else is refused."""
    if member.session_id != session.id or member.removed or scribe.without_phone or member.id == scribe.id:
        raise NoteError("not_your_member")
    if not member.without_phone:
        raise NoteError("has_phone")
    group = current_group(db, session, scribe)
    if group is None:
        raise NoteError("no_group")
    theirs = group_now(db, session.id, member.id)
    if theirs is None or theirs.id != group.id:
        raise NoteError("not_your_member")
    return group


def without_phone_members(db: DB, group: Group) -> list[Participant]:
    """The group's members without a phone (not removed), for whom its phones may write and vote."""
    return list(db.scalars(select(Participant).join(GroupMember, GroupMember.participant_id == Participant.id)
                           .where(GroupMember.group_id == group.id, Participant.without_phone.is_(True),
                                  Participant.removed.is_(False)).order_by(GroupMember.id)))


def votes_of_members(db: DB, group: Group, members: list[Participant]) -> dict[int, list[int]]:
    """Each member's votes in the group (note ids, a note twice when stacked), in one query."""
    found: dict[int, list[int]] = {m.id: [] for m in members}
    for participant_id, note_id in db.execute(
            select(Vote.participant_id, Vote.note_id).where(Vote.group_id == group.id,
                                                            Vote.participant_id.in_(list(found))).order_by(Vote.id)):
        found[participant_id].append(note_id)
    return found


def _stored_note(db: DB, participant: Participant, client_id: str) -> Note | None:
    return db.scalar(select(Note).where(Note.participant_id == participant.id, Note.client_id == client_id))


# The re-send check and the flood count of one phone in one aggregate; built once (every note runs it).
_STORED_AND_RECENT = select(
    func.max(Note.id).filter(Note.client_id == bindparam("client_id")),
    func.count(Note.id).filter(Note.created_at >= bindparam("since")),
).where(Note.participant_id == bindparam("participant_id"))


_INSERT_NOTE = insert(Note.__table__)  # Core: its result gives the new id (inserted_primary_key)


# A scribe's note for a member without a phone: re-sent (the member's client id) and the scribe
# phone's own flood count (its notes and those it wrote for others).
_STORED_AND_RECENT_FOR = select(
    func.max(Note.id).filter(Note.participant_id == bindparam("author_id"), Note.client_id == bindparam("client_id")),
    func.count(Note.id).filter(Note.created_at >= bindparam("since"),
                               (Note.participant_id == bindparam("scribe_id"))
                               | (Note.written_by_id == bindparam("scribe_id"))),
).where((Note.participant_id.in_([bindparam("author_id"), bindparam("scribe_id")]))
        | (Note.written_by_id == bindparam("scribe_id")))


def add_note(db: DB, session: Session, participant: Participant, client_id, text,
             on_behalf_of: Participant | None = None) -> tuple[Note, bool]:
    """Store a new note; returns (note, created). A repeated client id returns the stored note.
    `on_behalf_of`: a member without a phone of `participant`'s group, whose note this is (scribe_group).

    The hot path of an evening (every phone writes): one query for the re-send check and the flood
    count together, one for the group, the insert, the commit. Notes take no session sequence number
    (their order is the group's, see flipchart/events.py), so no note waits on the session row."""
    if not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id):
        raise NoteError("bad_id")
    since = utcnow() - timedelta(minutes=1)
    if on_behalf_of is None:
        author, scribe_group_ = participant, None
        stored_id, recent = columns(db, _STORED_AND_RECENT, {
            "client_id": client_id, "since": since, "participant_id": participant.id}).one()
    else:
        author, scribe_group_ = on_behalf_of, scribe_group(db, session, participant, on_behalf_of)
        stored_id, recent = columns(db, _STORED_AND_RECENT_FOR, {
            "client_id": client_id, "since": since, "author_id": author.id, "scribe_id": participant.id}).one()
    if stored_id is not None:
        return db.get(Note, stored_id), False
    text = clean_note_text(text)
    group = _writable_group(db, session, participant)
    if scribe_group_ is not None and scribe_group_.id != group.id:
        raise NoteError("not_your_member")
    if recent >= NOTES_PER_MINUTE:
        raise NoteError("too_fast")
    now = utcnow()
    held = held_by_filter(session, text)  # the word filter: waits, hidden, for the facilitator's approval
    values = {"session_id": session.id, "group_id": group.id, "participant_id": author.id,
              "written_by_id": participant.id if on_behalf_of is not None else None,
              "client_id": client_id, "text": text, "hidden": held, "held": held, "merged_into_id": None,
              "edited_by_facilitator": False, "top_rank": None, "created_at": now, "updated_at": now}
    try:
        # A plain INSERT, not the ORM's unit of work (a fifth of a note's CPU for one row); the row
        # then joins the database session as if loaded (its every column is known).
        note_id = columns(db, _INSERT_NOTE, values).inserted_primary_key[0]
        db.commit()
    except IntegrityError:  # the same note raced in through another connection
        db.rollback()
        return _stored_note(db, author, client_id), False
    note = Note(id=note_id, **values)
    make_transient_to_detached(note)
    db.add(note)
    set_committed_value(note, "group", group)  # known, and kept in the database session with the note
    publish(NoteAdded(session, note))
    return note, True


def _own_note(db: DB, session: Session, participant: Participant, note_id) -> Note:
    """A note this phone may change: its own, or one it wrote for a member without a phone."""
    note = db.get(Note, row_id(note_id)) if row_id(note_id) is not None else None
    writer = note.written_by_id if note is not None and note.written_by_id is not None else (
        note.participant_id if note is not None else None)
    if note is None or note.session_id != session.id or writer != participant.id:
        raise NoteError("not_found")
    if note.hidden or note.merged_into_id is not None:
        raise NoteError("not_found")
    group = _writable_group(db, session, participant)
    if note.group_id != group.id:
        raise NoteError("not_found")
    return note


def edit_note(db: DB, session: Session, participant: Participant, note_id, text) -> Note:
    text = clean_note_text(text)
    note = _own_note(db, session, participant, note_id)
    note.text = text
    note.updated_at = utcnow()
    if held_by_filter(session, text):  # held like a new note; its votes go back (see set_hidden)
        note.hidden = note.held = True
        for vote in db.scalars(select(Vote).where(Vote.note_id == note.id)):
            db.delete(vote)
    db.commit()
    publish(NoteEdited(session, note))
    return note


def delete_note(db: DB, session: Session, participant: Participant, note_id) -> Note:
    note = _own_note(db, session, participant, note_id)
    db.delete(note)
    db.commit()
    publish(NoteDeleted(session, note.id, note.group_id))
    return note


# --- moderation (facilitator) ------------------------------------------------------------------

def note_of_session(db: DB, session: Session, note_id) -> Note:
    note = db.get(Note, row_id(note_id)) if row_id(note_id) is not None else None
    if note is None or note.session_id != session.id:
        raise NoteError("not_found")
    return note


def set_hidden(db: DB, session: Session, note: Note, hidden: bool) -> Note:
    """Hide or show a note. Votes on a hidden note go back to their voters: nobody can vote for it
    or take such a vote back, so it would use up one of their three votes for nothing."""
    note.hidden = hidden
    note.held = False  # shown: approved; hidden: the facilitator's own decision
    if hidden:
        for vote in db.scalars(select(Vote).where(Vote.note_id == note.id)):
            db.delete(vote)
    bump(session)
    db.commit()
    publish(NoteModerated(session, note, "hide" if hidden else "unhide",
                          votes_changed=True, boards_changed=False))
    return note


def moderate_text(db: DB, session: Session, note: Note, text) -> Note:
    note.text = clean_note_text(text)
    note.edited_by_facilitator = True
    note.updated_at = utcnow()
    bump(session)
    db.commit()
    publish(NoteModerated(session, note, "edit", votes_changed=False, boards_changed=False))
    return note


def merge(db: DB, session: Session, source: Note, target: Note) -> Note:
    """Merge a duplicate into another note of the same group; its votes move along."""
    if source.id == target.id or source.group_id != target.group_id or target.merged_into_id is not None:
        raise NoteError("bad_merge")
    source.merged_into_id = target.id
    for vote in db.scalars(select(Vote).where(Vote.note_id == source.id)):
        already = db.scalar(select(Vote.id).where(Vote.note_id == target.id,
                                                  Vote.participant_id == vote.participant_id))
        if already is not None and not vote_stacking_allowed(session):
            db.delete(vote)  # the voter gets the vote back
        else:
            vote.note_id = target.id
    bump(session)
    db.commit()
    publish(NoteModerated(session, source, "merge", votes_changed=True, boards_changed=True))
    return target


def remove_participant(db: DB, session: Session, participant: Participant) -> list[Note]:
    """A disruptive participant: notes hidden, votes dropped, cookie no longer admitted."""
    participant.removed = True
    # The notes they wrote, for themselves or as a scribe for a member without a phone.
    notes = list(db.scalars(select(Note).where((Note.participant_id == participant.id)
                                               | (Note.written_by_id == participant.id))))
    for note in notes:
        note.hidden = True
    # Their votes go, and so do the others' votes on their now hidden notes (given back, as in set_hidden).
    for vote in db.scalars(select(Vote).where((Vote.participant_id == participant.id)
                                              | Vote.note_id.in_([n.id for n in notes]))):
        db.delete(vote)
    bump(session)
    db.commit()
    round_ = current_round(db, session)
    groups = tuple(g for g in (round_.groups if round_ else [])
                   if any(m.participant_id == participant.id for m in g.members))
    publish(ParticipantRemoved(session, participant, tuple(notes), groups))
    return notes


# --- voting --------------------------------------------------------------------------------------

def _groups(round_: Round, numbers: list[int] | None) -> list[Group]:
    if numbers is None:
        return list(round_.groups)
    chosen = [g for g in round_.groups if g.number in numbers]
    if len(chosen) != len(set(numbers)):
        raise NoteError("no_group")
    return chosen


def open_voting(db: DB, session: Session, round_: Round, numbers: list[int] | None = None) -> list[Group]:
    """Open voting for some groups (or all); the session moves to the voting phase."""
    groups = _groups(round_, numbers)
    if votes_revealed(session):  # a new vote: hidden again until revealed (the "reveal" setting)
        session.flipchart_settings.votes_revealed = False
    for g in groups:
        g.voting = "open"
        for note in db.scalars(select(Note).where(Note.group_id == g.id)):
            note.top_rank = None
    session.phase = "voting"
    bump(session)
    db.commit()
    publish(VotingOpened(session, tuple(groups)))
    return groups


def close_voting(db: DB, session: Session, round_: Round, numbers: list[int] | None = None) -> list[Group]:
    """Close voting and fix each group's top 3 where no tie needs the facilitator."""
    groups = [g for g in _groups(round_, numbers) if g.voting == "open"]
    for g in groups:
        g.voting = "closed"
        result = top_three(db, g)
        for rank, (note, _votes) in enumerate(result.places, start=1):
            note.top_rank = rank
    bump(session)
    db.commit()
    publish(VotingClosed(session, tuple(groups)))
    return groups


def set_vote_stacking(db: DB, session: Session, allowed: bool) -> Session:
    """Whether one participant may give several of their votes to the same note."""
    settings_of(session).allow_vote_stacking = allowed
    bump(session)
    db.commit()
    publish(VoteSettingsChanged(session, allowed))
    return session


_MY_VOTES = (select(Vote.note_id).where(Vote.group_id == bindparam("group_id"),
                                        Vote.participant_id == bindparam("participant_id")).order_by(Vote.id))


def my_votes(db: DB, participant: Participant, group: Group) -> list[int]:
    """Note ids of the participant's votes in the group (a note twice when stacked)."""
    return list(columns(db, _MY_VOTES, {"group_id": group.id, "participant_id": participant.id}).scalars())


def cast_vote(db: DB, session: Session, participant: Participant, note_id, on,
              on_behalf_of: Participant | None = None) -> tuple[Group, list[int]]:
    """Give (on=True) or take back (on=False) a vote; returns the group and the voter's votes.
    `on_behalf_of`: the scribe gives or takes back one of this member's own three votes (scribe_group)."""
    if not isinstance(on, bool):
        raise NoteError("bad_vote")
    if on_behalf_of is None:
        scribe, group = None, current_group(db, session, participant)
    else:
        scribe, group = participant, scribe_group(db, session, participant, on_behalf_of)
        participant = on_behalf_of  # the voter: their own budget
    if group is None:
        raise NoteError("no_group")
    if group.voting != "open" or not session.is_open:
        raise NoteError("voting_closed")
    note = db.get(Note, row_id(note_id)) if row_id(note_id) is not None else None
    if note is None or note.group_id != group.id or note.hidden or note.merged_into_id is not None:
        raise NoteError("not_found")
    mine = my_votes(db, participant, group)
    if on:
        if len(mine) >= VOTES_PER_PERSON:
            raise NoteError("no_votes_left" if scribe is None else "member_no_votes_left")
        if note.id in mine and not vote_stacking_allowed(session):
            raise NoteError("already_voted")
        db.add(Vote(group_id=group.id, note_id=note.id, participant_id=participant.id))
    else:
        vote = db.scalar(select(Vote).where(Vote.note_id == note.id, Vote.participant_id == participant.id)
                         .order_by(Vote.id.desc()).limit(1))
        if vote is None:
            raise NoteError("not_voted")
        db.delete(vote)
    db.commit()
    votes = my_votes(db, participant, group)
    publish(VoteCast(session, participant, group, tuple(votes), scribe))
    return group, votes


def tallies(db: DB, group: Group) -> Counter:
    return Counter(dict(db.execute(select(Vote.note_id, func.count(Vote.id)).where(Vote.group_id == group.id)
                                   .group_by(Vote.note_id)).all()))


_PROGRESS = select(
    select(func.count(func.distinct(Vote.participant_id))).where(Vote.group_id == bindparam("group_id"))
    .scalar_subquery(),
    select(func.count(GroupMember.id)).join(Participant, Participant.id == GroupMember.participant_id)
    .where(GroupMember.group_id == bindparam("group_id"),
           Participant.removed.is_(False))  # a removed person never votes
    .scalar_subquery(),
    # Members without a phone count as voters like everyone (their scribe votes for them): how many
    # there are, and how many of them have not voted yet.
    select(func.count(GroupMember.id)).join(Participant, Participant.id == GroupMember.participant_id)
    .where(GroupMember.group_id == bindparam("group_id"), Participant.removed.is_(False),
           Participant.without_phone.is_(True))
    .scalar_subquery(),
    select(func.count(func.distinct(Vote.participant_id))).join(Participant, Participant.id == Vote.participant_id)
    .where(Vote.group_id == bindparam("group_id"), Participant.without_phone.is_(True))
    .scalar_subquery())


def progress(db: DB, group: Group) -> dict:
    """How many of the group have voted (used at least one vote) — never the tallies. One query.
    `without_phone`: members without a phone; `waiting_without_phone`: those of them not voted yet."""
    return _progress_payload(group, *columns(db, _PROGRESS, {"group_id": group.id}).one())


def _progress_payload(group: Group, voted, counted, phoneless, phoneless_voted) -> dict:
    data = {"number": group.number, "voters": voted or 0, "members": counted, "state": group.voting}
    if phoneless:
        data.update(without_phone=phoneless, waiting_without_phone=phoneless - (phoneless_voted or 0))
    return data


# The progress and whether the counts may be shown (votes_visible) in one query: every vote asks both.
_PROGRESS_AND_VISIBLE = _PROGRESS.add_columns(select(FlipchartSettings.session_id).where(
    FlipchartSettings.session_id == bindparam("session_id"),
    (FlipchartSettings.vote_results == "live") | FlipchartSettings.votes_revealed.is_(True)).exists())


def progress_and_visibility(db: DB, session: Session, group: Group) -> tuple[dict, bool]:
    """`progress`, and whether phones and the projector may see the group's counts now (votes_visible,
    read from the database in the same query: a vote's hot path loads no settings row)."""
    *counts, visible = columns(db, _PROGRESS_AND_VISIBLE, {"group_id": group.id, "session_id": session.id}).one()
    return _progress_payload(group, *counts), bool(visible) and group.voting != "not_started"


@dataclass
class TopThree:
    places: list[tuple[Note, int]] = field(default_factory=list)  # decided, in rank order
    tied: list[tuple[Note, int]] = field(default_factory=list)  # competing for the remaining places
    open_places: int = 0


def top_three(db: DB, group: Group) -> TopThree:
    """The group's top 3 by the tie rule in this module's docstring (a facilitator pick wins)."""
    notes = visible_notes(db, group)
    counts = tallies(db, group)
    picked = sorted((n for n in notes if n.top_rank), key=lambda n: n.top_rank)
    if picked and group.voting == "closed" and (len(picked) == PLACES or len(picked) == len(
            [n for n in notes if counts[n.id] > 0])):
        return TopThree(places=[(n, counts[n.id]) for n in picked])
    ranked = sorted((n for n in notes if counts[n.id] > 0), key=lambda n: (-counts[n.id], n.id))
    if len(ranked) <= PLACES:
        return TopThree(places=[(n, counts[n.id]) for n in ranked])
    third = counts[ranked[PLACES - 1].id]
    above = [n for n in ranked if counts[n.id] > third]
    level = [n for n in ranked if counts[n.id] == third]
    if len(above) + len(level) == PLACES:
        return TopThree(places=[(n, counts[n.id]) for n in above + level])
    return TopThree(places=[(n, counts[n.id]) for n in above], tied=[(n, counts[n.id]) for n in level],
                    open_places=PLACES - len(above))


def pick_tied(db: DB, session: Session, group: Group, note_ids: list[int]) -> TopThree:
    """The facilitator resolves a tie by choosing which tied notes fill the open places."""
    if group.voting != "closed":
        raise NoteError("voting_not_closed")
    result = top_three(db, group)
    tied_ids = {n.id for n, _v in result.tied}
    if not result.tied or len(set(note_ids)) != result.open_places or not set(note_ids) <= tied_ids:
        raise NoteError("bad_pick")
    order = [n for n, _v in result.places] + [n for n, _v in result.tied if n.id in note_ids]
    for note in visible_notes(db, group):
        note.top_rank = None
    for rank, note in enumerate(order, start=1):
        note.top_rank = rank
    bump(session)
    db.commit()
    publish(TopPicked(session, group))
    return top_three(db, group)


# --- presentation: the projector shows one group's top 3 at a time, then an overview of all --------

def _next_shown(numbers: list[int], current: int | None, action: str) -> int | None:
    first = numbers[0] if numbers else OVERVIEW
    if action == "start":
        return first
    if action == "next":
        if current is None:  # not started yet: "next" (the arrow key) starts from the first group
            return first
        if current in numbers and current != numbers[-1]:
            return numbers[numbers.index(current) + 1]
        return OVERVIEW
    if action == "prev":
        if current == OVERVIEW or current is None:
            return numbers[-1] if numbers else OVERVIEW
        if current in numbers and current != numbers[0]:
            return numbers[numbers.index(current) - 1]
        return current
    if action == "overview":
        return OVERVIEW
    return None  # stop


def step_presentation(db: DB, session: Session, round_: Round, action: str) -> int | None:
    """Move the presentation; returns the group number shown (0 = overview, None = off)."""
    if action not in PRESENTATION_ACTIONS:
        raise NoteError("bad_request")
    current = _next_shown([g.number for g in round_.groups], presenting_group(session), action)
    settings = settings_of(session)
    settings.presenting_group = current
    revealed = current is not None and not settings.votes_revealed
    if current is not None:
        session.phase = "presentation"
        settings.votes_revealed = True  # the presentation shows the top 3s: the results are out
    bump(session)
    db.commit()
    publish(PresentationStepped(session, current, revealed))
    return current


def change_phase(db: DB, session: Session, phase: str) -> Session:
    """The run sheet's phase change. Entering the presentation shows group 1 at once, so the projector
    never goes blank waiting for a "start"; every other phase is the session's own change."""
    round_ = current_round(db, session)
    if (phase == "presentation" and session.is_open and session.phase != "presentation"
            and round_ is not None and round_.groups):
        step_presentation(db, session, round_, "start")
        return session
    return set_phase(db, session, phase)
