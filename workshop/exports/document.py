"""Exports for the organiser: one load of a whole session, then CSV (zip), XLSX, JSON and a printable report.

`load_session` reads a session with a fixed handful of queries (never one per row) into plain data:
exactly the versioned JSON document described in README.md ("JSON export format"). Every writer
works on that data alone, and `import_session` is its inverse. Nothing in it depends on database
ids: participants and notes have local keys (1, 2, …), questions are referred to by position.

First names leave Paja only when the participant agreed to it (`names_consented`). Spreadsheet
cells that a spreadsheet program would run as a formula get a leading apostrophe.
"""
from __future__ import annotations

import csv
import functools
import gc
import io
import json
import re
import secrets
import unicodedata
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session as DB
from sqlalchemy.orm import selectinload

from workshop.campaigns import service as campaigns_module
from workshop.feedback import service as feedback_module
from workshop.polls import lemmas
from workshop.polls import service as polls_module
from workshop.web.labels import (
    BACKGROUND_LABELS,
    COLOUR_LABELS,
    COME_AGAIN_LABELS,
    DIET_LABELS,
    FEEDBACK_QUESTION_LABELS,
    PHASE_LABELS,
    PLAN_STATUS_LABELS,
    REGISTRATION_STATUS_LABELS,
    STRATEGY_LABELS,
    VOTING_LABELS,
    municipality_label,
)
from workshop.models import (
    BACKGROUNDS,
    GROUP_COLOURS,
    PHASES,
    PLAN_STATUSES,
    QUESTION_MODES,
    REGISTRATION_STATUSES,
    STRATEGIES,
    VOTING_STATES,
    AgendaItem,
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
    PlanUpdate,
    Poll,
    PollAnswer,
    Question,
    Registration,
    Round,
    Series,
    Session,
    SessionMunicipality,
    Theme,
    Vote,
)
from workshop.sessions.service import hash_token, new_join_code

SCHEMA = "paja.session"
VERSION = 1
MIMETYPES = {
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
EXTENSIONS = {"csv": "csv.zip", "xlsx": "xlsx", "json": "json", "html": "html", "pdf": "pdf"}

try:  # dates are shown in Finnish time; UTC where the system has no time zone data
    LOCAL_TZ = ZoneInfo("Europe/Helsinki")
except ZoneInfoNotFoundError:  # pragma: no cover
    LOCAL_TZ = UTC


class SessionImportError(ValueError):
    """A file that is not a Paja session export (or one this version cannot read); args[0] says why."""


# --- load: the whole session as plain data ---------------------------------------------------------

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
    """ISO 8601 in UTC to the second: "2026-12-01T15:30:00Z". SQLite hands back naive UTC times."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def local_text(value: datetime | None) -> str | None:
    """A wall-clock time without a zone (the session's start): "2026-12-01T17:30:00"."""
    return value.replace(microsecond=0, tzinfo=None).isoformat() if value else None


@gc_paused
def load_session(db: DB, session_id: int) -> dict:
    """The whole session as the version-1 JSON document; a fixed number of queries whatever its size."""
    s = db.scalar(select(Session).where(Session.id == session_id).options(
        selectinload(Session.municipalities), selectinload(Session.agenda),
        selectinload(Session.themes).selectinload(Theme.questions)))
    if s is None:
        raise LookupError(session_id)
    series = db.scalar(select(Series.name).where(Series.id == s.series_id)) if s.series_id else None
    question_ref = {q.id: {"theme": i, "question": j}
                    for i, t in enumerate(s.themes) for j, q in enumerate(t.questions)}

    people = db.execute(select(
        Participant.id, Participant.municipality, Participant.background, Participant.organisation,
        Participant.is_contact_person, Participant.first_name, Participant.names_consented,
        Participant.joined_at, Participant.absent, Participant.removed,
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
            Note.id, Note.group_id, Note.participant_id, Note.text, Note.hidden, Note.merged_into_id,
            Note.edited_by_facilitator, Note.top_rank, Note.created_at, Note.updated_at,
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
        return {"key": note_key[n.id], "author": person_key.get(n.participant_id), "text": n.text,
                "hidden": n.hidden, "merged_into": note_key.get(n.merged_into_id),
                "edited": n.edited_by_facilitator, "top_rank": n.top_rank,
                "created_at": utc_text(n.created_at), "updated_at": utc_text(n.updated_at),
                "votes": votes[n.id]}

    def group_data(g: Group) -> dict:
        return {"number": g.number, "colour": g.colour, "table": g.table_label, "municipality": g.municipality,
                "question": question_ref.get(g.question_id), "voting": g.voting,
                "members": members[g.id], "notes": [note_data(n) for n in notes[g.id]]}

    answers = defaultdict(list)
    for a in db.execute(select(PollAnswer.poll_id, PollAnswer.participant_id, PollAnswer.choice,
                               PollAnswer.text, PollAnswer.created_at)
                        .join(Poll, Poll.id == PollAnswer.poll_id)
                        .where(Poll.session_id == s.id).order_by(PollAnswer.id)):
        answers[a.poll_id].append({"participant": person_key[a.participant_id], "choice": a.choice,
                                   "text": a.text, "created_at": utc_text(a.created_at)})
    polls = db.scalars(select(Poll).where(Poll.session_id == s.id).order_by(Poll.id)).all()
    items = db.scalars(select(PlanItem).where(PlanItem.session_id == s.id).order_by(PlanItem.id)
                       .options(selectinload(PlanItem.updates))).all()

    outreach = _load_outreach(db, s, person_key)
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "session": {
            "title": s.title, "starts_at": local_text(s.starts_at), "host_municipality": s.host_municipality,
            "municipalities": [m.code for m in s.municipalities], "series": series,
            "phase": s.phase, "open": s.is_open, "created_at": utc_text(s.created_at),
            "closed_at": utc_text(s.closed_at), "allow_vote_stacking": s.allow_vote_stacking,
            "presenting_group": s.presenting_group,
            "agenda": [{"title": a.title, "minutes": a.minutes} for a in s.agenda],
            "themes": [{"title": t.title, "questions": [q.text for q in t.questions]} for t in s.themes],
        },
        "participants": [{
            "key": person_key[p.id], "municipality": p.municipality, "background": p.background,
            "organisation": p.organisation, "contact_person": p.is_contact_person,
            "first_name": p.first_name if p.names_consented else None, "names_consented": p.names_consented,
            "joined_at": utc_text(p.joined_at), "absent": p.absent, "removed": p.removed,
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
        "feedback": {"questions": s.feedback_questions, "answers": [feedback_module.as_dict(a) for a in answers]},
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
            "nominations": [n for n in data.get("nominations", []) if n["municipality"] == code]}


def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


# --- import: the inverse of load_session --------------------------------------------------------

def _time(text) -> datetime | None:
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is None else value.astimezone(UTC)


def _one_of(value, allowed, what: str):
    if value not in allowed:
        raise SessionImportError(f"unknown {what}: {value!r}")
    return value


def parse_document(raw: bytes | str) -> dict:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SessionImportError(f"not JSON: {exc}") from exc
    return check_document(data)


def check_document(data) -> dict:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise SessionImportError(f'not a Paja session export (no "schema": "{SCHEMA}")')
    if data.get("version") != VERSION:
        raise SessionImportError(f"export format version {data.get('version')!r}; this Paja reads version {VERSION}")
    if "municipality" in data:
        raise SessionImportError("a one-municipality export cannot be imported; export the whole workshop")
    return data


def import_session(db: DB, data: dict, facilitator: Facilitator) -> Session:
    """Recreate an exported session (new ids, join code and projector link) owned by `facilitator`."""
    check_document(data)
    try:
        session = _import(db, data, facilitator)
    except SessionImportError:
        db.rollback()
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        db.rollback()
        raise SessionImportError(f"damaged export: {exc.__class__.__name__} {exc}") from exc
    db.commit()
    return session


def _import(db: DB, data: dict, facilitator: Facilitator) -> Session:
    s = data["session"]
    is_open = bool(s["open"])
    session = Session(
        facilitator_id=facilitator.id, title=s["title"], starts_at=_time(s["starts_at"]),
        host_municipality=s["host_municipality"], phase=_one_of(s["phase"], PHASES, "phase"),
        is_open=is_open, join_code=new_join_code(db) if is_open else None,
        screen_token=secrets.token_urlsafe(24), seq=0, created_at=_time(s["created_at"]),
        closed_at=_time(s["closed_at"]), allow_vote_stacking=bool(s["allow_vote_stacking"]),
        presenting_group=s["presenting_group"])
    session.municipalities = [SessionMunicipality(code=c, position=i) for i, c in enumerate(s["municipalities"])]
    session.agenda = [AgendaItem(title=a["title"], minutes=a["minutes"], position=i)
                      for i, a in enumerate(s["agenda"])]
    session.themes = [Theme(title=t["title"], position=i,
                            questions=[Question(text=q, position=j) for j, q in enumerate(t["questions"])])
                      for i, t in enumerate(s["themes"])]
    if s["series"]:
        series = db.scalar(select(Series).where(Series.facilitator_id == facilitator.id,
                                                Series.name == s["series"]))
        session.series_id = (series or _new_series(db, facilitator, s["series"])).id
    db.add(session)
    db.flush()

    people = {}
    for p in data["participants"]:
        consented = bool(p["names_consented"])
        people[p["key"]] = Participant(
            session_id=session.id, token_hash=hash_token(secrets.token_urlsafe(32)),  # nobody's cookie fits
            municipality=p["municipality"], background=_one_of(p["background"], BACKGROUNDS, "background"),
            organisation=p["organisation"], is_contact_person=bool(p["contact_person"]),
            first_name=p["first_name"] if consented else None, names_consented=consented,
            joined_at=_time(p["joined_at"]), absent=bool(p["absent"]), removed=bool(p["removed"]))
        db.add(people[p["key"]])
    groups = []
    for r in data["rounds"]:
        round_ = Round(session_id=session.id, number=r["number"], strategy=_one_of(r["strategy"], STRATEGIES, "strategy"),
                       group_size=r["group_size"], group_count=r["group_count"], merge_small=bool(r["merge_small"]),
                       question_mode=_one_of(r["question_mode"], QUESTION_MODES, "question mode"),
                       seed=r["seed"], created_at=_time(r["created_at"]), published_at=_time(r["published_at"]))
        for g in r["groups"]:
            group = Group(number=g["number"], colour=_one_of(g["colour"], dict(GROUP_COLOURS), "colour"),
                          table_label=g["table"], municipality=g["municipality"],
                          voting=_one_of(g["voting"], VOTING_STATES, "voting state"))
            round_.groups.append(group)
            groups.append((round_, group, g))
        db.add(round_)
    db.flush()

    notes: dict[int, tuple[Note, dict]] = {}
    for round_, group, g in groups:
        ref = g["question"]
        group.question_id = session.themes[ref["theme"]].questions[ref["question"]].id if ref else None
        for m in g["members"]:
            db.add(GroupMember(round_id=round_.id, group_id=group.id, participant_id=people[m["participant"]].id,
                               late=bool(m["late"])))
        for n in g["notes"]:
            note = Note(session_id=session.id, group_id=group.id,
                        participant_id=people[n["author"]].id if n["author"] is not None else None,
                        client_id=f"import-{n['key']:08d}", text=n["text"], hidden=bool(n["hidden"]),
                        edited_by_facilitator=bool(n["edited"]), top_rank=n["top_rank"],
                        created_at=_time(n["created_at"]), updated_at=_time(n["updated_at"]))
            db.add(note)
            notes[n["key"]] = (note, n)
    poll_rows = []
    for p in data["polls"]:
        poll = Poll(session_id=session.id, kind=_one_of(p["kind"], polls_module.KINDS, "poll kind"),
                    question=p["question"], options=list(p["options"]), is_open=bool(p["open"]),
                    created_at=_time(p["created_at"]), closed_at=_time(p["closed_at"]))
        db.add(poll)
        poll_rows.append((poll, p))
    db.flush()

    for note, n in notes.values():
        if n["merged_into"] is not None:
            note.merged_into_id = notes[n["merged_into"]][0].id
        for voter in n["votes"]:
            db.add(Vote(group_id=note.group_id, note_id=note.id, participant_id=people[voter].id))
    for poll, p in poll_rows:
        for a in p["answers"]:
            db.add(PollAnswer(poll_id=poll.id, participant_id=people[a["participant"]].id, choice=a["choice"],
                              text=a["text"], created_at=_time(a["created_at"])))
    for i in data["plan"]:
        item = PlanItem(session_id=session.id, municipality=i["municipality"], what=i["what"], owner=i["owner"],
                        due=i["due"], status=_one_of(i["status"], PLAN_STATUSES, "plan status"),
                        source_note_id=notes[i["source_note"]][0].id if i["source_note"] is not None else None,
                        created_at=_time(i["created_at"]), updated_at=_time(i["updated_at"]))
        item.updates = [PlanUpdate(session_id=session.id if u["in_this_workshop"] else None,
                                   status=_one_of(u["status"], PLAN_STATUSES, "plan status"), comment=u["comment"],
                                   by_facilitator=bool(u["by_facilitator"]), created_at=_time(u["created_at"]))
                        for u in i["history"]]
        db.add(item)
    _import_outreach(db, session, data, people)
    db.flush()
    return session


def _import_outreach(db: DB, session: Session, data: dict, people: dict) -> None:
    from workshop.registration.service import CODE_ALPHABET, CODE_LENGTH
    used: set[str] = set()
    for r in data.get("registrations", []):
        code = ""
        while not code or code in used:  # new codes and links: nobody's old link works in the copy
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        used.add(code)
        db.add(Registration(
            session_id=session.id, token_hash=hash_token(secrets.token_urlsafe(24)), code=code, name=r["name"],
            email=r["email"], phone=r["phone"], municipality=r["municipality"], organisation=r["organisation"],
            background=_one_of(r["background"], BACKGROUNDS, "background"), diets=list(r["diets"]),
            diet_other=r["diet_other"], accessibility=r["accessibility"],
            status=_one_of(r["status"], REGISTRATION_STATUSES, "registration status"),
            participant_id=people[r["participant"]].id if r["participant"] is not None else None,
            created_at=_time(r["created_at"]), cancelled_at=_time(r["cancelled_at"])))
    fb = data.get("feedback") or {}
    session.feedback_questions = fb.get("questions")
    for a in fb.get("answers", []):
        db.add(FeedbackAnswer(session_id=session.id, overall=a["overall"], most_useful=a["most_useful"],
                              should_change=a["should_change"], come_again=a["come_again"], extra=a["extra"],
                              via_link=bool(a["via_link"])))
    for c in data.get("carpools", []):
        db.add(Carpool(session_id=session.id, name=c["name"], municipality=c["municipality"],
                       passengers=c["passengers"], kilometres=c["kilometres"], created_at=_time(c["created_at"])))
    for n in data.get("nominations", []):
        nomination = Nomination(session_id=session.id, nominee=n["nominee"], deed=n["deed"],
                                municipality=n["municipality"], hidden=bool(n["hidden"]), picked=bool(n["picked"]),
                                created_at=_time(n["created_at"]))
        db.add(nomination)
        db.flush()
        for voter in n["votes"]:
            db.add(NominationVote(session_id=session.id, nomination_id=nomination.id, participant_id=people[voter].id))


def _new_series(db: DB, facilitator: Facilitator, name: str) -> Series:
    series = Series(facilitator_id=facilitator.id, name=name)
    db.add(series)
    db.flush()
    return series


# --- derived views of the data, shared by the spreadsheets and the report --------------------------

def local_time(text: str | None) -> datetime | None:
    """A stored time as Finnish wall-clock time (naive, for spreadsheets and the report)."""
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value.tzinfo else value


def fi_datetime(value: datetime | None) -> str:
    """dd.mm.yyyy HH.MM, as Finnish Excel reads it."""
    return value.strftime("%d.%m.%Y %H.%M") if value else ""


def lang() -> str:
    return str(get_locale() or "fi")


def question_text(data: dict, ref: dict | None) -> str | None:
    if ref is None:
        return None
    return data["session"]["themes"][ref["theme"]]["questions"][ref["question"]]


def all_notes(data: dict):
    """(round, group, note) for every note, in key order."""
    for r in data["rounds"]:
        for g in r["groups"]:
            for n in g["notes"]:
                yield r, g, n


def top_notes(group: dict) -> list[dict]:
    """The group's top 3 as fixed when its voting closed (a tie the facilitator has not picked stays out)."""
    return sorted((n for n in group["notes"] if n["top_rank"]), key=lambda n: n["top_rank"])


def visible(note: dict) -> bool:
    return not note["hidden"] and note["merged_into"] is None


def poll_results(poll: dict, number: int) -> dict:
    """Counts as the projector shows them (polls.results), computed from the exported answers."""
    people = len({a["participant"] for a in poll["answers"]})
    if poll["kind"] == "choice":
        latest = {a["participant"]: a["choice"] for a in poll["answers"]
                  if a["choice"] is not None and 0 <= a["choice"] < len(poll["options"])}
        counts = Counter(latest.values())
        total = sum(counts.values())
        options = [{"text": text, "count": counts.get(i, 0),
                    "percent": round(100 * counts.get(i, 0) / total) if total else 0}
                   for i, text in enumerate(poll["options"])]
        return {"number": number, "kind": "choice", "question": poll["question"], "open": poll["open"],
                "people": people, "total": total, "rows": options}
    per_person: Counter = Counter()
    words: Counter = Counter()
    shown: dict[str, str] = {}
    for a in poll["answers"]:
        per_person[a["participant"]] += 1
        if a["text"] and per_person[a["participant"]] <= polls_module.MAX_WORD_ANSWERS:
            key = polls_module.cloud_key(a["text"])
            if key:
                words[key] += 1
                shown.setdefault(key, lemmas.phrase_lemma(a["text"]))
    top = sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))
    high = top[0][1] if top else 0
    return {"number": number, "kind": "words", "question": poll["question"], "open": poll["open"],
            "people": people, "total": sum(words.values()),
            "rows": [{"text": shown[k], "count": n, "percent": round(100 * n / high)} for k, n in top]}


# --- tables: what the CSV files and the workbook's sheets hold -----------------------------------

@dataclass
class Table:
    name: str  # file name of the CSV inside the zip (stable, for scripts)
    title: str  # sheet name in the workbook (translated)
    headers: list[str]
    rows: list[list]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text a spreadsheet would run as a formula gets a leading apostrophe (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Labels:
    """Translated labels, looked up once per export rather than once per cell."""

    def __init__(self):
        self.lang = lang()
        self.yes_no = {True: _("yes"), False: _("no")}
        self.cache: dict = {}

    def yes(self, flag) -> str:
        return self.yes_no[bool(flag)]

    def muni(self, code: str | None) -> str | None:
        if not code:
            return None
        if ("m", code) not in self.cache:
            self.cache["m", code] = municipality_label(code, self.lang)
        return self.cache["m", code]

    def of(self, labels: dict, key) -> str:
        if (id(labels), key) not in self.cache:
            self.cache[id(labels), key] = str(labels[key]) if key in labels else (key or "")
        return self.cache[id(labels), key]


T = {  # sheet titles and column headers
    "workshop": _l("Workshop"),
    "participants": _l("Participants"),
    "groups": _l("Groups"),
    "notes": _l("Notes"),
    "top3": _l("Top 3"),
    "plan": _l("Plan"),
    "plan_history": _l("Plan history"),
    "polls": _l("Polls"),
    "poll_results": _l("Poll results"),
    "field": _l("Field"),
    "value": _l("Value"),
    "title": _l("Title"),
    "date": _l("Date"),
    "host": _l("Host municipality"),
    "municipalities": _l("Municipalities"),
    "series": _l("Workshop series"),
    "phase": _l("Phase"),
    "only_for": _l("Only for municipality"),
    "participant": _l("Participant number"),
    "muni_code": _l("Municipality code"),
    "municipality": _l("Municipality"),
    "background": _l("Background"),
    "organisation": _l("Organisation"),
    "contact": _l("Contact person"),
    "first_name": _l("First name (shared with consent)"),
    "joined": _l("Joined"),
    "absent": _l("Absent"),
    "removed": _l("Removed"),
    "round": _l("Round"),
    "group": _l("Group"),
    "colour": _l("Colour"),
    "table": _l("Table"),
    "home": _l("Home municipality"),
    "question": _l("Question"),
    "size": _l("People"),
    "members": _l("Members (participant numbers)"),
    "voting": _l("Voting"),
    "note": _l("Note number"),
    "text": _l("Text"),
    "hidden": _l("Hidden"),
    "merged_into": _l("Merged into note"),
    "edited": _l("Edited by facilitator"),
    "votes": _l("Votes"),
    "rank": _l("Top 3 place"),
    "written": _l("Written"),
    "action": _l("Action number"),
    "what": _l("Action"),
    "owner": _l("Owner"),
    "due": _l("Due"),
    "status": _l("Status"),
    "from_note": _l("From note"),
    "created": _l("Created"),
    "updated": _l("Updated"),
    "time": _l("Time"),
    "comment": _l("Comment"),
    "by_facilitator": _l("By facilitator"),
    "here": _l("In this workshop"),
    "poll": _l("Poll number"),
    "kind": _l("Type"),
    "open": _l("Open"),
    "people": _l("People who answered"),
    "answers": _l("Answers"),
    "option": _l("Option or word"),
    "count": _l("Count"),
    "percent": _l("Percent"),
    "registrations": _l("Registrations"),
    "feedback": _l("Feedback"),
    "feedback_results": _l("Feedback results"),
    "carpools": _l("Carpools"),
    "nominations": _l("Good deed nominations"),
    "registration": _l("Registration number"),
    "name": _l("Name"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "diets": _l("Dietary needs"),
    "diet_other": _l("Other dietary needs"),
    "accessibility": _l("Accessibility needs"),
    "arrived": _l("Arrived"),
    "registered": _l("Registered"),
    "answer": _l("Answer number"),
    "overall": _l("Overall (1–5)"),
    "most_useful": _l("Most useful"),
    "should_change": _l("What should change"),
    "come_again": _l("Would come again"),
    "extra": _l("Extra question"),
    "via_link": _l("By the feedback link"),
    "rank_place": _l("Place"),
    "car": _l("Car"),
    "passengers": _l("People in the car"),
    "kilometres": _l("Kilometres"),
    "combined_km": _l("Combined kilometres"),
    "co2_kg": _l("CO₂ saved (kg)"),
    "nominee": _l("Nominee"),
    "deed": _l("Good deed"),
    "nominator_municipality": _l("Nominator's municipality"),
    "picked": _l("Winner"),
}
POLL_KINDS = {"choice": _l("Multiple choice"), "words": _l("Word cloud")}


def _table(name: str, columns: list[str], rows: list[list]) -> Table:
    return Table(name, str(T[name]), [str(T[c]) for c in columns], rows)


def tables(data: dict) -> list[Table]:
    """Every table of the export, rows in display form (translated labels, local datetimes)."""
    s = data["session"]
    label = _Labels()
    note_count = sum(1 for _ in all_notes(data))
    info = [
        [str(T["title"]), s["title"]],
        [str(T["date"]), local_time(s["starts_at"])],
        [str(T["host"]), label.muni(s["host_municipality"])],
        [str(T["municipalities"]), ", ".join(label.muni(c) for c in s["municipalities"])],
        [str(T["series"]), s["series"]],
        [str(T["phase"]), label.of(PHASE_LABELS, s["phase"])],
        [str(T["participants"]), len(data["participants"])],
        [str(T["notes"]), note_count],
    ]
    if data.get("municipality"):
        info.append([str(T["only_for"]), label.muni(data["municipality"])])
    result = [_table("workshop", ["field", "value"], info)]

    result.append(_table("participants", [
        "participant", "muni_code", "municipality", "background", "organisation", "contact", "first_name",
        "joined", "absent", "removed"], [
        [p["key"], p["municipality"], label.muni(p["municipality"]), label.of(BACKGROUND_LABELS, p["background"]),
         p["organisation"], label.yes(p["contact_person"]), p["first_name"] if p["names_consented"] else None,
         local_time(p["joined_at"]), label.yes(p["absent"]), label.yes(p["removed"])]
        for p in data["participants"]]))

    result.append(_table("groups", [
        "round", "group", "colour", "table", "home", "question", "size", "members", "voting"], [
        [r["number"], g["number"], label.of(COLOUR_LABELS, g["colour"]), g["table"], label.muni(g["municipality"]),
         question_text(data, g["question"]), len(g["members"]),
         ", ".join(str(m["participant"]) for m in g["members"]), label.of(VOTING_LABELS, g["voting"])]
        for r in data["rounds"] for g in r["groups"]]))

    result.append(_table("notes", [
        "note", "round", "group", "text", "hidden", "merged_into", "edited", "votes", "rank", "written"], [
        [n["key"], r["number"], g["number"], n["text"], label.yes(n["hidden"]), n["merged_into"],
         label.yes(n["edited"]), len(n["votes"]), n["top_rank"], local_time(n["created_at"])]
        for r, g, n in all_notes(data)]))

    result.append(_table("top3", ["round", "group", "question", "rank", "note", "text", "votes"], [
        [r["number"], g["number"], question_text(data, g["question"]), n["top_rank"], n["key"], n["text"],
         len(n["votes"])]
        for r in data["rounds"] for g in r["groups"] for n in top_notes(g)]))

    result.append(_table("plan", [
        "action", "muni_code", "municipality", "what", "owner", "due", "status", "from_note", "created",
        "updated"], [
        [k, i["municipality"], label.muni(i["municipality"]), i["what"], i["owner"], i["due"],
         label.of(PLAN_STATUS_LABELS, i["status"]), i["source_note"], local_time(i["created_at"]),
         local_time(i["updated_at"])]
        for k, i in enumerate(data["plan"], start=1)]))

    result.append(_table("plan_history", [
        "action", "municipality", "time", "status", "comment", "by_facilitator", "here"], [
        [k, label.muni(i["municipality"]), local_time(u["created_at"]), label.of(PLAN_STATUS_LABELS, u["status"]),
         u["comment"], label.yes(u["by_facilitator"]), label.yes(u["in_this_workshop"])]
        for k, i in enumerate(data["plan"], start=1) for u in i["history"]]))

    results = [poll_results(p, k) for k, p in enumerate(data["polls"], start=1)]
    result.append(_table("polls", ["poll", "kind", "question", "open", "people", "answers"], [
        [r["number"], label.of(POLL_KINDS, r["kind"]), r["question"], label.yes(r["open"]), r["people"], r["total"]]
        for r in results]))
    result.append(_table("poll_results", ["poll", "question", "option", "count", "percent"], [
        [r["number"], r["question"], row["text"], row["count"], row["percent"] if r["kind"] == "choice" else None]
        for r in results for row in r["rows"]]))
    return result + outreach_tables(data, label)


def registration_table(data: dict, label=None) -> Table:
    """The organiser's list of who registered (name and contact: the registrants gave them for this)."""
    label = label or _Labels()
    return _table("registrations", [
        "registration", "name", "email", "phone", "muni_code", "municipality", "organisation", "background",
        "diets", "diet_other", "accessibility", "status", "arrived", "registered"], [
        [k, r["name"], r["email"], r["phone"], r["municipality"], label.muni(r["municipality"]), r["organisation"],
         label.of(BACKGROUND_LABELS, r["background"]), ", ".join(label.of(DIET_LABELS, d) for d in r["diets"]),
         r["diet_other"], r["accessibility"], label.of(REGISTRATION_STATUS_LABELS, r["status"]),
         label.yes(r["participant"] is not None), local_time(r["created_at"])]
        for k, r in enumerate(data.get("registrations", []), start=1)])


def feedback_results(data: dict) -> dict:
    return feedback_module.summarise((data.get("feedback") or {}).get("answers", []))


def outreach_tables(data: dict, label) -> list[Table]:
    answers = (data.get("feedback") or {}).get("answers", [])
    summary = feedback_results(data)
    result_rows = [[str(T["overall"]), str(o["value"]), o["count"], o["percent"]] for o in summary["overall"]]
    result_rows += [[str(T["come_again"]), label.of(COME_AGAIN_LABELS, o["value"]), o["count"], o["percent"]]
                    for o in summary["come_again"]]
    board = campaigns_module.leaderboard_of(data.get("carpools", []))
    return [
        registration_table(data, label),
        _table("feedback", ["answer", "overall", "most_useful", "should_change", "come_again", "extra", "via_link"], [
            [k, a["overall"], a["most_useful"], a["should_change"],
             label.of(COME_AGAIN_LABELS, a["come_again"]) if a["come_again"] else None, a["extra"],
             label.yes(a["via_link"])] for k, a in enumerate(answers, start=1)]),
        _table("feedback_results", ["question", "option", "count", "percent"], result_rows),
        _table("carpools", ["rank_place", "car", "municipality", "passengers", "kilometres", "combined_km", "co2_kg"], [
            [c["rank"], c["name"], label.muni(c["municipality"]), c["passengers"], c["kilometres"], c["combined_km"],
             c["co2_kg"]] for c in board["cars"]]),
        _table("nominations", ["nominee", "deed", "nominator_municipality", "votes", "picked", "hidden"], [
            [n["nominee"], n["deed"], label.muni(n["municipality"]), len(n["votes"]), label.yes(n["picked"]),
             label.yes(n["hidden"])] for n in data.get("nominations", [])]),
    ]


# --- writers --------------------------------------------------------------------------------------

def _csv_cell(value):
    if isinstance(value, datetime):
        return fi_datetime(value)
    return "" if value is None else neutralise(value)


def to_csv_zip(data: dict) -> bytes:
    """One CSV per table in a zip: UTF-8 with BOM and ";" between fields, as Finnish Excel expects."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables(data):
            text = io.StringIO()
            writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
            writer.writerow(table.headers)
            writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
            archive.writestr(f"{table.name}.csv", "\ufeff" + text.getvalue())
    return out.getvalue()


def table_csv(table: Table) -> bytes:
    """One table as one CSV file (UTF-8 with BOM, ";"), like the files in the zip."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def render_registrations(data: dict, fmt: str) -> bytes:
    """The organiser's registration list alone, as CSV or XLSX."""
    table = registration_table(data)
    return table_csv(table) if fmt == "csv" else to_xlsx(data, [table])


SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH = 60


def to_xlsx(data: dict, only: list[Table] | None = None) -> bytes:
    """The same tables as sheets: bold frozen header row, columns as wide as their content."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for table in (only if only is not None else tables(data)):
        sheet = book.create_sheet(SHEET_NAME_BAD.sub(" ", table.title)[:31])
        widths = [len(h) for h in table.headers]
        for row in table.rows[:500]:  # a sample is enough to size the columns
            for i, value in enumerate(row):
                size = 16 if isinstance(value, datetime) else len(str(value)) if value is not None else 0
                widths[i] = max(widths[i], min(size, MAX_WIDTH))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width + 2
        sheet.freeze_panes = "A2"
        header = []
        for h in table.headers:
            cell = WriteOnlyCell(sheet, value=h)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells = []
            for value in row:
                if isinstance(value, datetime):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "dd.mm.yyyy hh:mm"
                elif isinstance(value, str) and len(value) > MAX_WIDTH:
                    cell = WriteOnlyCell(sheet, value=neutralise(value))
                    cell.alignment = wrap
                else:
                    cell = neutralise(value)
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the printable report ------------------------------------------------------------------------

def report_context(data: dict) -> dict:
    """Everything report.html shows, resolved from the data (names only with consent)."""
    s = data["session"]
    present = [p for p in data["participants"] if not p["removed"]]
    people = {p["key"]: p for p in data["participants"]}
    codes = list(dict.fromkeys(s["municipalities"] + [p["municipality"] for p in present]))
    if data.get("municipality"):
        codes = [data["municipality"]]
    by = Counter((p["municipality"], p["background"]) for p in present)
    attendance = [{"code": c, "counts": [by[c, b] for b in BACKGROUNDS],
                   "total": sum(by[c, b] for b in BACKGROUNDS)} for c in codes]
    rounds = []
    for r in data["rounds"]:
        groups = []
        for g in r["groups"]:
            members = [people[m["participant"]] for m in g["members"] if m["participant"] in people]
            shown = sorted((n for n in g["notes"] if visible(n)), key=lambda n: (-len(n["votes"]), n["key"]))
            groups.append({
                "number": g["number"], "colour": g["colour"], "table": g["table"], "municipality": g["municipality"],
                "question": question_text(data, g["question"]), "voting": g["voting"],
                "size": len(members),
                "by_municipality": Counter(p["municipality"] for p in members).most_common(),
                "by_background": Counter(p["background"] for p in members).most_common(),
                "names": [p["first_name"] for p in members if p["names_consented"] and p["first_name"]],
                "notes": shown, "hidden": sum(1 for n in g["notes"] if not visible(n)),
                "top": top_notes(g),
            })
        rounds.append({"number": r["number"], "strategy": r["strategy"], "published": bool(r["published_at"]),
                       "groups": groups})
    plans = defaultdict(list)
    for i in data["plan"]:
        plans[i["municipality"]].append({**i, "comment": next(
            (u["comment"] for u in reversed(i["history"]) if u["comment"]), None)})
    return {
        "data": data, "session": s, "starts_at": local_time(s["starts_at"]),
        "municipality": data.get("municipality"), "backgrounds": BACKGROUNDS, "attendance": attendance,
        "background_totals": [sum(a["counts"][i] for a in attendance) for i in range(len(BACKGROUNDS))],
        "total": sum(a["total"] for a in attendance),
        "absent": sum(1 for p in present if p["absent"]),
        "contact_persons": sum(1 for p in present if p["contact_person"]),
        "rounds": rounds, "polls": [poll_results(p, k) for k, p in enumerate(data["polls"], start=1)],
        "plans": [(c, plans[c]) for c in sorted(plans, key=lambda c: (codes.index(c) if c in codes else len(codes), c))],
        "plan_status_labels": PLAN_STATUS_LABELS, "strategy_labels": STRATEGY_LABELS,
        **report_outreach(data, present),
    }


def report_outreach(data: dict, present: list[dict]) -> dict:
    """The report's registration, feedback and campaign sections (charts as SVG rows like polls)."""
    regs = [r for r in data.get("registrations", []) if r["status"] == "confirmed"]
    summary = feedback_results(data)
    questions = (data.get("feedback") or {}).get("questions") or {}

    def wording(key):
        return (questions.get(key) or {}).get("text") or str(FEEDBACK_QUESTION_LABELS[key])

    charts = []
    if summary["rated"]:
        charts.append({"question": wording("overall"), "kind": "choice", "total": summary["rated"],
                       "average": summary["average"],
                       "rows": [{"text": str(o["value"]), "count": o["count"], "percent": o["percent"]}
                                for o in reversed(summary["overall"])]})
    answered_again = sum(o["count"] for o in summary["come_again"])
    if answered_again:
        charts.append({"question": wording("come_again"), "kind": "choice", "total": answered_again, "average": None,
                       "rows": [{"text": str(COME_AGAIN_LABELS[o["value"]]), "count": o["count"],
                                 "percent": o["percent"]} for o in summary["come_again"]]})
    texts = [(wording(k) if k != "extra" else (questions.get("extra") or str(T["extra"])), summary["texts"][k])
             for k in feedback_module.TEXT_FIELDS if summary["texts"][k]]
    return {
        "registration": {"registered": len(regs), "arrived": sum(1 for r in regs if r["participant"] is not None),
                         "walk_ins": len(present) - sum(1 for r in regs if r["participant"] is not None),
                         "waiting": sum(1 for r in data.get("registrations", []) if r["status"] == "waiting")}
        if data.get("registrations") else None,
        "feedback": {"count": summary["count"], "charts": charts, "texts": texts} if summary["count"] else None,
        "carpool": campaigns_module.leaderboard_of(data.get("carpools", [])) if data.get("carpools") else None,
        "nominations": sorted(data.get("nominations", []), key=lambda n: (not n["picked"], -len(n["votes"])))
        if data.get("nominations") else None,
    }


def standalone_css() -> str:
    """The report's style sheets, for a report file that must work without the server (CLI, PDF)."""
    from workshop.config import ROOT
    return "\n".join((ROOT / "static" / "css" / name).read_text(encoding="utf-8")
                     for name in ("paja.css", "report.css"))


def render_report(data: dict, standalone: bool = False) -> str:
    from flask import render_template
    return render_template("facilitator/report.html", standalone=standalone,
                           css=standalone_css() if standalone else None, **report_context(data))


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # not installed, or its system libraries are missing
        return False
    return True


def to_pdf(data: dict) -> bytes:
    from weasyprint import HTML
    return HTML(string=render_report(data, standalone=True)).write_pdf()


# --- one entry point for the routes and the CLI --------------------------------------------------

@gc_paused
def render(data: dict, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv_zip(data)
    if fmt == "xlsx":
        return to_xlsx(data)
    if fmt == "json":
        return to_json(data)
    if fmt == "html":
        return render_report(data, standalone=True).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(data)
    raise ValueError(fmt)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40] or "workshop"


def filename(data: dict, fmt: str) -> str:
    """e.g. paja-2026-12-01-ita-lapin-paja-320.xlsx (the date and the municipality when there are)."""
    s = data["session"]
    parts = ["paja"]
    if s["starts_at"]:
        parts.append(s["starts_at"][:10])
    parts.append(slug(s["title"]))
    if data.get("municipality"):
        parts.append(slug(data["municipality"]))
    return "-".join(parts) + "." + EXTENSIONS[fmt]
