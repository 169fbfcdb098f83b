"""Top-3 voting: each participant has three votes among their own group's notes.

Tie rule: notes are ranked by votes. The top 3 are the notes with more votes than the note in
third place, plus the notes with exactly that many votes when they all fit. If more notes share
the third-place count than there are places left, they are shown as tied and the facilitator
picks which of them fill the remaining places. A note with no votes never enters the top 3.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DB

from workshop.models import Group, Note, Participant, Round, Session, Vote
from workshop.flipchart.notes import NoteError, current_group, visible_notes
from workshop.sessions.service import bump, row_id

VOTES_PER_PERSON = 3
PLACES = 3


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
    for g in groups:
        g.voting = "open"
        for note in db.scalars(select(Note).where(Note.group_id == g.id)):
            note.top_rank = None
    session.phase = "voting"
    bump(session)
    db.commit()
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
    return groups


def my_votes(db: DB, participant: Participant, group: Group) -> list[int]:
    """Note ids of the participant's votes in the group (a note twice when stacked)."""
    return list(db.scalars(select(Vote.note_id).where(Vote.group_id == group.id,
                                                      Vote.participant_id == participant.id).order_by(Vote.id)))


def cast_vote(db: DB, session: Session, participant: Participant, note_id, on) -> tuple[Group, list[int]]:
    """Give (on=True) or take back (on=False) a vote; returns the group and the voter's votes."""
    if not isinstance(on, bool):
        raise NoteError("bad_vote")
    group = current_group(db, session, participant)
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
            raise NoteError("no_votes_left")
        if note.id in mine and not session.allow_vote_stacking:
            raise NoteError("already_voted")
        db.add(Vote(group_id=group.id, note_id=note.id, participant_id=participant.id))
    else:
        vote = db.scalar(select(Vote).where(Vote.note_id == note.id, Vote.participant_id == participant.id)
                         .order_by(Vote.id.desc()).limit(1))
        if vote is None:
            raise NoteError("not_voted")
        db.delete(vote)
    bump(session)
    db.commit()
    return group, my_votes(db, participant, group)


def tallies(db: DB, group: Group) -> Counter:
    return Counter(dict(db.execute(select(Vote.note_id, func.count(Vote.id)).where(Vote.group_id == group.id)
                                   .group_by(Vote.note_id)).all()))


def progress(db: DB, group: Group) -> dict:
    """How many of the group have voted (used at least one vote) — never the tallies."""
    voters = db.scalar(select(func.count(func.distinct(Vote.participant_id))).where(Vote.group_id == group.id))
    members = sum(1 for m in group.members if not m.participant.removed)  # a removed person never votes
    return {"number": group.number, "voters": voters or 0, "members": members, "state": group.voting}


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
    return top_three(db, group)
