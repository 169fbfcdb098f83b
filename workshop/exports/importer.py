"""JSON import: the inverse of `document.load_session`, validated by the declared shape in schema.py.

The copy gets new ids, a new join code, projector link, registration codes and cookie hashes:
nobody's old link or phone works in it. The facilitator who imports owns it.
"""
from __future__ import annotations

import json
import secrets

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session as DB

from workshop.exports.schema import NOT_A_SESSION, Document, NoteData
from workshop.feedback import service as feedback
from workshop.flipchart.models import FlipchartSettings
from workshop.models import (
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
from workshop.qa.models import QaQuestion, QaSettings, QaUpvote
from workshop.registration.service import CODE_ALPHABET, CODE_LENGTH
from workshop.sessions.service import hash_token, new_join_code
from workshop.themes.models import CommonTheme, CommonThemeSettings


class SessionImportError(ValueError):
    """A file that is not a Paja session export (or one this version cannot read); args[0] says why."""


def parse_document(raw: bytes | str) -> Document:
    """A JSON file's text, checked against the declared shape."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SessionImportError(f"not JSON: {exc}") from exc
    return read_document(data)


def read_document(data) -> Document:
    """Parsed JSON, checked: the first broken rule becomes the error's sentence, with where it is."""
    try:
        return Document.model_validate(data)
    except ValidationError as exc:
        raise SessionImportError(_sentence(exc)) from None


def _sentence(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    if error["type"] == NOT_A_SESSION:  # the header: what the file is at all
        return error["msg"]
    reason = str(error["ctx"]["error"]) if error["type"] == "value_error" else error["msg"]
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"]).lstrip(".")
    return f"damaged export: {reason} (at {where})" if where else f"damaged export: {reason}"


def import_session(db: DB, data: Document | dict, facilitator: Facilitator) -> Session:
    """Recreate an exported session owned by `facilitator`; nothing is kept when anything fails."""
    document = data if isinstance(data, Document) else read_document(data)
    try:
        session = _import(db, document, facilitator)
        db.commit()
    except Exception:
        db.rollback()
        raise
    return session


def _import(db: DB, doc: Document, facilitator: Facilitator) -> Session:
    s = doc.session
    session = Session(
        facilitator_id=facilitator.id, title=s.title, starts_at=s.starts_at,
        host_municipality=s.host_municipality, phase=s.phase, content_language=s.content_language,
        is_open=s.open, join_code=new_join_code(db) if s.open else None,
        screen_token=secrets.token_urlsafe(24), seq=0, created_at=s.created_at,
        closed_at=s.closed_at, flipchart_settings=FlipchartSettings(
            allow_vote_stacking=s.allow_vote_stacking, presenting_group=s.presenting_group,
            vote_results=s.vote_results, votes_revealed=s.votes_revealed))
    session.municipalities = [SessionMunicipality(code=c, position=i) for i, c in enumerate(s.municipalities)]
    session.agenda = [AgendaItem(title=a.title, minutes=a.minutes, position=i) for i, a in enumerate(s.agenda)]
    session.themes = [Theme(title=t.title, position=i,
                            questions=[Question(text=q, position=j) for j, q in enumerate(t.questions)])
                      for i, t in enumerate(s.themes)]
    if s.series:
        series = db.scalar(select(Series).where(Series.facilitator_id == facilitator.id, Series.name == s.series))
        session.series_id = (series or _new_series(db, facilitator, s.series)).id
    db.add(session)
    db.flush()

    people = {}
    for p in doc.participants:
        people[p.key] = Participant(
            session_id=session.id, token_hash=hash_token(secrets.token_urlsafe(32)),  # nobody's cookie fits
            municipality=p.municipality, background=p.background, organisation=p.organisation,
            is_contact_person=p.contact_person, first_name=p.first_name if p.names_consented else None,
            names_consented=p.names_consented, joined_at=p.joined_at, absent=p.absent, removed=p.removed,
            without_phone=p.without_phone)
        db.add(people[p.key])
    groups = []
    for r in doc.rounds:
        round_ = Round(session_id=session.id, number=r.number, strategy=r.strategy, group_size=r.group_size,
                       group_count=r.group_count, merge_small=r.merge_small, question_mode=r.question_mode,
                       seed=r.seed, created_at=r.created_at, published_at=r.published_at)
        for g in r.groups:
            group = Group(number=g.number, colour=g.colour, table_label=g.table, municipality=g.municipality,
                          voting=g.voting)
            round_.groups.append(group)
            groups.append((round_, group, g))
        db.add(round_)
    db.flush()

    notes: dict[int, tuple[Note, NoteData]] = {}
    for round_, group, g in groups:
        ref = g.question
        group.question_id = session.themes[ref.theme].questions[ref.question].id if ref else None
        for m in g.members:
            db.add(GroupMember(round_id=round_.id, group_id=group.id, participant_id=people[m.participant].id,
                               late=m.late))
        for n in g.notes:
            note = Note(session_id=session.id, group_id=group.id,
                        participant_id=people[n.author].id if n.author is not None else None,
                        written_by_id=people[n.written_by].id if n.written_by is not None else None,
                        client_id=f"import-{n.key:08d}", text=n.text, hidden=n.hidden, held=n.held,
                        edited_by_facilitator=n.edited, top_rank=n.top_rank,
                        created_at=n.created_at, updated_at=n.updated_at)
            db.add(note)
            notes[n.key] = (note, n)
    poll_rows = []
    for p in doc.polls:
        poll = Poll(session_id=session.id, kind=p.kind, question=p.question, options=list(p.options),
                    is_open=p.open, created_at=p.created_at, closed_at=p.closed_at,
                    show_results=p.show_results, revealed=p.revealed)
        db.add(poll)
        poll_rows.append((poll, p))
    db.flush()

    for note, n in notes.values():
        if n.merged_into is not None:
            note.merged_into_id = notes[n.merged_into][0].id
        for voter in n.votes:
            db.add(Vote(group_id=note.group_id, note_id=note.id, participant_id=people[voter].id))
    for poll, p in poll_rows:
        for a in p.answers:
            db.add(PollAnswer(poll_id=poll.id, participant_id=people[a.participant].id, choice=a.choice,
                              text=a.text, held=a.held, created_at=a.created_at))
    for i in doc.plan:
        item = PlanItem(session_id=session.id, municipality=i.municipality, what=i.what, owner=i.owner,
                        due=i.due, status=i.status,
                        source_note_id=notes[i.source_note][0].id if i.source_note is not None else None,
                        created_at=i.created_at, updated_at=i.updated_at)
        item.updates = [PlanUpdate(session_id=session.id if u.in_this_workshop else None, status=u.status,
                                   comment=u.comment, by_facilitator=u.by_facilitator, created_at=u.created_at)
                        for u in i.history]
        db.add(item)
    _import_outreach(db, session, doc, people)
    if doc.common_themes is not None:
        session.common_theme_settings = CommonThemeSettings(shown=doc.common_themes.shown)
        db.add_all(CommonTheme(session_id=session.id, position=i, label=t.label, related=list(t.related),
                               note_ids=[notes[k][0].id for k in t.notes])
                   for i, t in enumerate(doc.common_themes.themes))
    if doc.qa is not None:
        _import_qa(db, session, doc, people)
    db.flush()
    return session


def _import_qa(db: DB, session: Session, doc: Document, people: dict) -> None:
    session.qa_settings = QaSettings(named=doc.qa.named, results=doc.qa.results, revealed=doc.qa.revealed)
    rows = {}
    for q in doc.qa.questions:
        rows[q.key] = QaQuestion(session_id=session.id, participant_id=people[q.author].id if q.author else None,
                                 text=q.text, name=q.name, pinned=q.pinned, answered=q.answered, hidden=q.hidden,
                                 held=q.held, created_at=q.created_at)
    db.add_all(rows.values())
    db.flush()
    for q in doc.qa.questions:
        if q.merged_into is not None:
            rows[q.key].merged_into_id = rows[q.merged_into].id
        db.add_all(QaUpvote(question_id=rows[q.key].id, participant_id=people[v].id) for v in q.votes)


def _import_outreach(db: DB, session: Session, doc: Document, people: dict) -> None:
    used: set[str] = set()
    for r in doc.registrations:
        code = ""
        while not code or code in used:  # new codes and links: nobody's old link works in the copy
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        used.add(code)
        db.add(Registration(
            session_id=session.id, token_hash=hash_token(secrets.token_urlsafe(24)), code=code, name=r.name,
            email=r.email, phone=r.phone, municipality=r.municipality, organisation=r.organisation,
            background=r.background, diets=list(r.diets), diet_other=r.diet_other, accessibility=r.accessibility,
            status=r.status, participant_id=people[r.participant].id if r.participant is not None else None,
            created_at=r.created_at, cancelled_at=r.cancelled_at))
    if doc.feedback is not None:
        if doc.feedback.questions is not None:
            feedback.editable_settings(session).questions = doc.feedback.questions
        for a in doc.feedback.answers:
            db.add(FeedbackAnswer(session_id=session.id, overall=a.overall, most_useful=a.most_useful,
                                  should_change=a.should_change, come_again=a.come_again, extra=a.extra,
                                  via_link=a.via_link))
    for c in doc.carpools:
        db.add(Carpool(session_id=session.id, name=c.name, municipality=c.municipality,
                       passengers=c.passengers, kilometres=c.kilometres, created_at=c.created_at))
    for n in doc.nominations:
        nomination = Nomination(session_id=session.id, nominee=n.nominee, deed=n.deed, municipality=n.municipality,
                                hidden=n.hidden, picked=n.picked, created_at=n.created_at)
        db.add(nomination)
        db.flush()
        for voter in n.votes:
            db.add(NominationVote(session_id=session.id, nomination_id=nomination.id, participant_id=people[voter].id))


def _new_series(db: DB, facilitator: Facilitator, name: str) -> Series:
    series = Series(facilitator_id=facilitator.id, name=name)
    db.add(series)
    db.flush()
    return series
