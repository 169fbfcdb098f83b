"""One load of a whole session into plain data: the versioned JSON document of README.md ("JSON export format").

`load_session` reads a session with a fixed handful of queries (never one per row). Every writer
(tables.py, writers.py, report.py) works on that data alone, and importer.py is its inverse. Nothing
in it depends on database ids: participants and notes have local keys (1, 2, …), questions are
referred to by position. First names leave Paja only when the participant agreed to it.
"""
from __future__ import annotations

import functools
import gc
import json
from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DB
from sqlalchemy.orm import joinedload, selectinload

from workshop.feedback import service as feedback
from workshop.flipchart import service as flipchart
from workshop.models import (
    AuditLine,
    Carpool,
    Facilitator,
    FeedbackAnswer,
    Group,
    GroupMember,
    Nomination,
    NominationVote,
    Note,
    Participant,
    PlanItem,
    Poll,
    PollAnswer,
    Registration,
    Round,
    Series,
    Session,
    Theme,
    Vote,
)
from workshop.qa.models import QaQuestion, QaUpvote
from workshop.themes import service as themes

SCHEMA = "paja.session"
VERSION = 1


def gc_paused(fn):
    """Run without the cyclic garbage collector: an export allocates ~100,000 small objects that hold
    no cycles, and each collection on the way would walk the whole heap (measured: up to 2.5x slower)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()
    return wrapper


def utc_text(value: datetime | None) -> str | None:
    """ISO 8601 in UTC to the second: "2026-12-01T15:30:00Z" (the database gives aware UTC times)."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def local_text(value: datetime | None) -> str | None:
    """A wall-clock time without a zone (the session's start): "2026-12-01T17:30:00"."""
    return value.replace(microsecond=0).isoformat() if value else None


@gc_paused
def load_session(db: DB, session_id: int) -> dict:
    """The whole session as the version-1 JSON document; a fixed number of queries whatever its size."""
    s = db.scalar(select(Session).where(Session.id == session_id).options(
        selectinload(Session.municipalities), selectinload(Session.agenda), joinedload(Session.feedback_settings),
        joinedload(Session.qa_settings),
        selectinload(Session.themes).selectinload(Theme.questions)))
    if s is None:
        raise LookupError(session_id)
    series = db.scalar(select(Series.name).where(Series.id == s.series_id)) if s.series_id else None
    question_ref = {q.id: {"theme": i, "question": j}
                    for i, t in enumerate(s.themes) for j, q in enumerate(t.questions)}

    people = db.execute(select(
        Participant.id, Participant.municipality, Participant.background, Participant.organisation,
        Participant.is_contact_person, Participant.first_name, Participant.names_consented,
        Participant.joined_at, Participant.absent, Participant.removed, Participant.without_phone,
    ).where(Participant.session_id == s.id).order_by(Participant.id)).all()
    person_key = {p.id: key for key, p in enumerate(people, start=1)}

    rounds = db.scalars(select(Round).where(Round.session_id == s.id).order_by(Round.number)
                        .options(selectinload(Round.groups))).all()
    members = defaultdict(list)
    for m in db.execute(select(GroupMember.group_id, GroupMember.participant_id, GroupMember.late)
                        .join(Round, Round.id == GroupMember.round_id)
                        .where(Round.session_id == s.id).order_by(GroupMember.id)):
        members[m.group_id].append({"participant": person_key[m.participant_id], "late": m.late})
    notes = defaultdict(list)
    for n in db.execute(select(
            Note.id, Note.group_id, Note.participant_id, Note.written_by_id, Note.text, Note.hidden, Note.held,
            Note.merged_into_id, Note.edited_by_facilitator, Note.top_rank, Note.created_at, Note.updated_at,
    ).where(Note.session_id == s.id).order_by(Note.id)):
        notes[n.group_id].append(n)
    votes = defaultdict(list)
    for v in db.execute(select(Vote.note_id, Vote.participant_id).join(Note, Note.id == Vote.note_id)
                        .where(Note.session_id == s.id).order_by(Vote.id)):
        votes[v.note_id].append(person_key[v.participant_id])

    # Notes are numbered in reading order: round, group, then as they were written.
    note_key: dict[int, int] = {}
    for r in rounds:
        for g in r.groups:
            for n in notes[g.id]:
                note_key[n.id] = len(note_key) + 1

    def note_data(n) -> dict:
        return {"key": note_key[n.id], "author": person_key.get(n.participant_id),
                "written_by": person_key.get(n.written_by_id), "text": n.text,
                "hidden": n.hidden, "held": n.held, "merged_into": note_key.get(n.merged_into_id),
                "edited": n.edited_by_facilitator, "top_rank": n.top_rank,
                "created_at": utc_text(n.created_at), "updated_at": utc_text(n.updated_at),
                "votes": votes[n.id]}

    def group_data(g: Group) -> dict:
        return {"number": g.number, "colour": g.colour, "table": g.table_label, "municipality": g.municipality,
                "question": question_ref.get(g.question_id), "voting": g.voting,
                "members": members[g.id], "notes": [note_data(n) for n in notes[g.id]]}

    answers = defaultdict(list)
    for a in db.execute(select(PollAnswer.poll_id, PollAnswer.participant_id, PollAnswer.choice,
                               PollAnswer.text, PollAnswer.held, PollAnswer.created_at)
                        .join(Poll, Poll.id == PollAnswer.poll_id)
                        .where(Poll.session_id == s.id).order_by(PollAnswer.id)):
        answers[a.poll_id].append({"participant": person_key[a.participant_id], "choice": a.choice,
                                   "text": a.text, "held": a.held, "created_at": utc_text(a.created_at)})
    polls = db.scalars(select(Poll).where(Poll.session_id == s.id).order_by(Poll.id)).all()
    items = db.scalars(select(PlanItem).where(PlanItem.session_id == s.id).order_by(PlanItem.id)
                       .options(selectinload(PlanItem.updates))).all()

    outreach = _load_outreach(db, s, person_key)
    outreach["audit"] = [{"who": name, "action": action, "at": utc_text(at)} for name, action, at in db.execute(
        select(Facilitator.name, AuditLine.action, AuditLine.created_at)
        .join(Facilitator, Facilitator.id == AuditLine.facilitator_id, isouter=True)
        .where(AuditLine.session_id == s.id).order_by(AuditLine.id))]
    common = themes.themes_of(db, s)
    if common:  # the room's common themes (optional field of version 1; README)
        outreach["common_themes"] = {
            "shown": themes.settings_of(s).shown,
            "themes": [{"label": t.label, "notes": [note_key[i] for i in t.note_ids if i in note_key],
                        "related": list(t.related or [])} for t in common]}
    qa = _load_qa(db, s, person_key)
    if qa is not None:  # the room's questions to the panel (optional field of version 1; README)
        outreach["qa"] = qa
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "session": {
            "title": s.title, "starts_at": local_text(s.starts_at), "host_municipality": s.host_municipality,
            "municipalities": [m.code for m in s.municipalities], "series": series,
            "phase": s.phase, "open": s.is_open, "created_at": utc_text(s.created_at),
            "closed_at": utc_text(s.closed_at), "allow_vote_stacking": flipchart.vote_stacking_allowed(s),
            "presenting_group": flipchart.presenting_group(s), "content_language": s.content_language or "fi",
            "vote_results": flipchart.vote_results(s), "votes_revealed": flipchart.votes_revealed(s),
            "agenda": [{"title": a.title, "minutes": a.minutes} for a in s.agenda],
            "themes": [{"title": t.title, "questions": [q.text for q in t.questions]} for t in s.themes],
        },
        "participants": [{
            "key": person_key[p.id], "municipality": p.municipality, "background": p.background,
            "organisation": p.organisation, "contact_person": p.is_contact_person,
            "first_name": p.first_name if p.names_consented else None, "names_consented": p.names_consented,
            "joined_at": utc_text(p.joined_at), "absent": p.absent, "removed": p.removed,
            "without_phone": p.without_phone,
        } for p in people],
        "rounds": [{
            "number": r.number, "strategy": r.strategy, "group_size": r.group_size,
            "group_count": r.group_count, "merge_small": r.merge_small, "question_mode": r.question_mode,
            "seed": r.seed, "created_at": utc_text(r.created_at), "published_at": utc_text(r.published_at),
            "groups": [group_data(g) for g in r.groups],
        } for r in rounds],
        "polls": [{
            "kind": p.kind, "question": p.question, "options": list(p.options or []), "open": p.is_open,
            "created_at": utc_text(p.created_at), "closed_at": utc_text(p.closed_at), "answers": answers[p.id],
            "show_results": p.show_results, "revealed": bool(p.revealed),
        } for p in polls],
        "plan": [{
            "municipality": i.municipality, "what": i.what, "owner": i.owner, "due": i.due,
            "status": i.status, "source_note": note_key.get(i.source_note_id),
            "created_at": utc_text(i.created_at), "updated_at": utc_text(i.updated_at),
            "history": [{"status": u.status, "comment": u.comment, "by_facilitator": u.by_facilitator,
                         "in_this_workshop": u.session_id == s.id, "created_at": utc_text(u.created_at)}
                        for u in i.updates],
        } for i in items],
        **outreach,
    }


def _load_qa(db: DB, s: Session, person_key: dict) -> dict | None:
    """The Q&A's settings and every question (held, hidden and merged ones too) with who upvoted it: one
    query (the settings came with the session)."""
    rows = db.execute(select(QaQuestion, QaUpvote.participant_id)
                      .outerjoin(QaUpvote, QaUpvote.question_id == QaQuestion.id)
                      .where(QaQuestion.session_id == s.id).order_by(QaQuestion.id, QaUpvote.id)).all()
    settings = s.qa_settings
    if not rows and settings is None:
        return None
    questions = list(dict.fromkeys(q for q, _voter in rows))
    key = {q.id: i for i, q in enumerate(questions, start=1)}
    votes = defaultdict(list)
    for q, voter in rows:
        if voter is not None:
            votes[q.id].append(person_key[voter])
    return {"named": bool(settings and settings.named), "results": settings.results if settings else "reveal",
            "revealed": bool(settings and settings.revealed),
            "questions": [{"key": key[q.id], "author": person_key.get(q.participant_id), "text": q.text,
                           "name": q.name, "pinned": q.pinned, "answered": q.answered, "hidden": q.hidden,
                           "held": q.held, "merged_into": key.get(q.merged_into_id),
                           "created_at": utc_text(q.created_at), "votes": votes[q.id]} for q in questions]}


def _load_outreach(db: DB, s: Session, person_key: dict) -> dict:
    """Registrations, anonymous feedback and campaigns (optional fields of version 1; README)."""
    regs = db.scalars(select(Registration).where(Registration.session_id == s.id).order_by(Registration.id)).all()
    answers = db.scalars(select(FeedbackAnswer).where(FeedbackAnswer.session_id == s.id)
                         .order_by(FeedbackAnswer.id)).all()
    cars = db.scalars(select(Carpool).where(Carpool.session_id == s.id).order_by(Carpool.id)).all()
    votes = defaultdict(list)
    for v in db.execute(select(NominationVote.nomination_id, NominationVote.participant_id)
                        .where(NominationVote.session_id == s.id).order_by(NominationVote.id)):
        votes[v.nomination_id].append(person_key[v.participant_id])
    noms = db.scalars(select(Nomination).where(Nomination.session_id == s.id).order_by(Nomination.id)).all()
    return {
        "registrations": [{
            "name": r.name, "email": r.email, "phone": r.phone, "municipality": r.municipality,
            "organisation": r.organisation, "background": r.background, "diets": list(r.diets or []),
            "diet_other": r.diet_other, "accessibility": r.accessibility, "status": r.status,
            "participant": person_key.get(r.participant_id), "created_at": utc_text(r.created_at),
            "cancelled_at": utc_text(r.cancelled_at),
        } for r in regs],
        # Anonymous: no participant and no time, in the order given.
        "feedback": {"questions": feedback.settings_of(s).questions, "answers": [feedback.as_dict(a) for a in answers]},
        "carpools": [{"name": c.name, "municipality": c.municipality, "passengers": c.passengers,
                      "kilometres": c.kilometres, "created_at": utc_text(c.created_at)} for c in cars],
        "nominations": [{"nominee": n.nominee, "deed": n.deed, "municipality": n.municipality, "hidden": n.hidden,
                         "picked": n.picked, "votes": votes[n.id], "created_at": utc_text(n.created_at)}
                        for n in noms],
    }


def for_municipality(data: dict, code: str) -> dict:
    """One municipality's share: its participants, the groups they were in (with all those groups'
    notes and votes), its people's poll answers and its plan. Not importable: refs point outside it."""
    keys = {p["key"] for p in data["participants"] if p["municipality"] == code}
    rounds = []
    for r in data["rounds"]:
        groups = [{**g, "members": [m for m in g["members"] if m["participant"] in keys]}
                  for g in r["groups"]
                  if g["municipality"] == code or any(m["participant"] in keys for m in g["members"])]
        rounds.append({**r, "groups": groups})
    return {**data, "municipality": code,
            "participants": [p for p in data["participants"] if p["key"] in keys],
            "rounds": rounds,
            "polls": [{**p, "answers": [a for a in p["answers"] if a["participant"] in keys]}
                      for p in data["polls"]],
            "plan": [i for i in data["plan"] if i["municipality"] == code],
            "registrations": [r for r in data.get("registrations", []) if r["municipality"] == code],
            "carpools": [c for c in data.get("carpools", []) if c["municipality"] == code],
            "nominations": [n for n in data.get("nominations", []) if n["municipality"] == code],
            "common_themes": None, "audit": []}


def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
