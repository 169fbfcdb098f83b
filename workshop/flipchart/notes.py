"""Flipchart notes: write, edit and delete own notes; the facilitator moderates.

A note belongs to a group of the current round. Phones send a client-generated id with each new
note, so a note re-sent after a lost acknowledgement is recognised instead of doubled.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DB

from workshop.models import Group, Note, Participant, Session, Vote, utcnow
from workshop.grouping.service import current_round, group_of
from workshop.sessions.service import bump, row_id

MAX_CHARS = 280
NOTES_PER_MINUTE = 20
WRITING_PHASES = ("groupwork", "voting")  # a group writes until its own voting opens
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
# Control characters, and lone surrogates (JSON can carry them; no database can store them as UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class NoteError(ValueError):
    """A refused request; args[0] is a key of labels.NOTE_ERRORS."""


def clean_text(text) -> str:
    """Plain text of 1–280 characters; line breaks kept, control characters refused."""
    if not isinstance(text, str):
        raise NoteError("empty")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
    if not text:
        raise NoteError("empty")
    if len(text) > MAX_CHARS:
        raise NoteError("too_long")
    if _CONTROL.search(text):
        raise NoteError("control")
    return text


def current_group(db: DB, session: Session, participant: Participant) -> Group | None:
    round_ = current_round(db, session)
    return group_of(db, round_, participant.id) if round_ else None


def visible_notes(db: DB, group: Group) -> list[Note]:
    return list(db.scalars(select(Note).where(Note.group_id == group.id, Note.hidden.is_(False),
                                              Note.merged_into_id.is_(None)).order_by(Note.id)))


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


def can_write(session: Session, group: Group | None) -> bool:
    return bool(group) and session.is_open and session.phase in WRITING_PHASES and group.voting == "not_started"


def add_note(db: DB, session: Session, participant: Participant, client_id, text) -> tuple[Note, bool]:
    """Store a new note; returns (note, created). A repeated client id returns the stored note."""
    if not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id):
        raise NoteError("bad_id")
    existing = db.scalar(select(Note).where(Note.participant_id == participant.id, Note.client_id == client_id))
    if existing is not None:
        return existing, False
    text = clean_text(text)
    group = _writable_group(db, session, participant)
    recent = db.scalar(select(func.count(Note.id)).where(
        Note.participant_id == participant.id, Note.created_at >= utcnow() - timedelta(minutes=1)))
    if recent >= NOTES_PER_MINUTE:
        raise NoteError("too_fast")
    note = Note(session_id=session.id, group_id=group.id, participant_id=participant.id,
                client_id=client_id, text=text)
    db.add(note)
    bump(session)
    try:
        db.commit()
    except IntegrityError:  # the same note raced in through another connection
        db.rollback()
        return db.scalar(select(Note).where(Note.participant_id == participant.id,
                                            Note.client_id == client_id)), False
    return note, True


def _own_note(db: DB, session: Session, participant: Participant, note_id) -> Note:
    note = db.get(Note, row_id(note_id)) if row_id(note_id) is not None else None
    if note is None or note.session_id != session.id or note.participant_id != participant.id:
        raise NoteError("not_found")
    if note.hidden or note.merged_into_id is not None:
        raise NoteError("not_found")
    group = _writable_group(db, session, participant)
    if note.group_id != group.id:
        raise NoteError("not_found")
    return note


def edit_note(db: DB, session: Session, participant: Participant, note_id, text) -> Note:
    text = clean_text(text)
    note = _own_note(db, session, participant, note_id)
    note.text = text
    note.updated_at = utcnow()
    bump(session)
    db.commit()
    return note


def delete_note(db: DB, session: Session, participant: Participant, note_id) -> Note:
    note = _own_note(db, session, participant, note_id)
    db.delete(note)
    bump(session)
    db.commit()
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
    if hidden:
        for vote in db.scalars(select(Vote).where(Vote.note_id == note.id)):
            db.delete(vote)
    bump(session)
    db.commit()
    return note


def moderate_text(db: DB, session: Session, note: Note, text) -> Note:
    note.text = clean_text(text)
    note.edited_by_facilitator = True
    note.updated_at = utcnow()
    bump(session)
    db.commit()
    return note


def merge(db: DB, session: Session, source: Note, target: Note) -> Note:
    """Merge a duplicate into another note of the same group; its votes move along."""
    if source.id == target.id or source.group_id != target.group_id or target.merged_into_id is not None:
        raise NoteError("bad_merge")
    source.merged_into_id = target.id
    for vote in db.scalars(select(Vote).where(Vote.note_id == source.id)):
        already = db.scalar(select(Vote.id).where(Vote.note_id == target.id,
                                                  Vote.participant_id == vote.participant_id))
        if already is not None and not session.allow_vote_stacking:
            db.delete(vote)  # the voter gets the vote back
        else:
            vote.note_id = target.id
    bump(session)
    db.commit()
    return target


def remove_participant(db: DB, session: Session, participant: Participant) -> list[Note]:
    """A disruptive participant: notes hidden, votes dropped, cookie no longer admitted."""
    participant.removed = True
    notes = list(db.scalars(select(Note).where(Note.participant_id == participant.id)))
    for note in notes:
        note.hidden = True
    # Their votes go, and so do the others' votes on their now hidden notes (given back, as in set_hidden).
    for vote in db.scalars(select(Vote).where((Vote.participant_id == participant.id)
                                              | Vote.note_id.in_([n.id for n in notes]))):
        db.delete(vote)
    bump(session)
    db.commit()
    return notes
