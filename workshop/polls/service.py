"""Polls and word clouds of the info part: create, open, close, delete, answer, results.

A choice poll has 2–8 options and one answer per participant, changeable while the poll is open.
A words poll takes up to three short answers (one or two words each) per participant and shows
them as a word cloud where inflected forms of one Finnish word count together.
Like every domain module, each change is committed and bumps the session's sequence number
before the caller broadcasts it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DB

from workshop.polls import lemmas
from workshop.models import Participant, Poll, PollAnswer, Session, utcnow
from workshop.sessions.service import bump

KINDS = ("choice", "words")
MAX_QUESTION = 300
MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION = 2, 8, 120
MAX_WORD_ANSWERS = 3  # per participant and words poll
MAX_ANSWER = 60
MAX_ANSWER_WORDS = 2
CLOUD_SIZES = 5  # font size classes w1…w5
MAX_CLOUD_WORDS = 80

# C0/C1 controls, and invisible or direction-changing marks that could garble the projector.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
HAS_WORD_CHAR = re.compile(r"\w")


class PollError(ValueError):
    """Something a facilitator or participant asked that cannot be done; args[0] is a message key."""


def to_int(value) -> int | None:
    """A small non-negative int from a form field or a Socket.IO payload; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**9 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    return None


# --- facilitator ------------------------------------------------------------------------------

def clean_question(question) -> str:
    if not isinstance(question, str):
        raise PollError("bad_question")
    question = " ".join(question.split())
    if not question or len(question) > MAX_QUESTION:
        raise PollError("bad_question")
    if CONTROL_CHARS.search(question):
        raise PollError("control_chars")
    return question


def clean_options(options) -> list[str]:
    cleaned = [" ".join(o.split()) for o in options if isinstance(o, str) and o.strip()]
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise PollError("option_count")
    if any(len(o) > MAX_OPTION for o in cleaned):
        raise PollError("option_too_long")
    if any(CONTROL_CHARS.search(o) for o in cleaned):
        raise PollError("control_chars")
    if len({o.casefold() for o in cleaned}) != len(cleaned):
        raise PollError("option_twice")
    return cleaned


def create_poll(db: DB, session: Session, kind: str, question: str, options=()) -> Poll:
    """A new poll, closed until the facilitator opens it. Words polls have no options."""
    if kind not in KINDS:
        raise PollError("bad_kind")
    poll = Poll(session_id=session.id, kind=kind, question=clean_question(question),
                options=clean_options(options) if kind == "choice" else [], is_open=False)
    db.add(poll)
    bump(session)
    db.commit()
    return poll


def polls_of(db: DB, session: Session) -> list[Poll]:
    return list(db.scalars(select(Poll).where(Poll.session_id == session.id).order_by(Poll.id)))


def poll_of_session(db: DB, session: Session, poll_id) -> Poll:
    """The poll with this id if it belongs to this session; the same error for foreign and missing."""
    poll_id = to_int(poll_id)
    poll = db.get(Poll, poll_id) if poll_id is not None else None
    if poll is None or poll.session_id != session.id:
        raise PollError("no_poll")
    return poll


def open_poll_of(db: DB, session: Session) -> Poll | None:
    return db.scalar(select(Poll).where(Poll.session_id == session.id, Poll.is_open.is_(True))
                     .order_by(Poll.id.desc()).limit(1))


def shown_poll(db: DB, session: Session) -> Poll | None:
    """What the projector shows: the open poll, else the one closed last (its final results)."""
    return open_poll_of(db, session) or db.scalar(
        select(Poll).where(Poll.session_id == session.id, Poll.closed_at.is_not(None))
        .order_by(Poll.closed_at.desc(), Poll.id.desc()).limit(1))


def open_poll(db: DB, session: Session, poll: Poll) -> Poll:
    """Open one poll; any other open poll of the session closes, so phones show one at a time."""
    if not session.is_open:
        raise PollError("session_closed")
    now = utcnow()
    for other in db.scalars(select(Poll).where(Poll.session_id == session.id, Poll.is_open.is_(True),
                                               Poll.id != poll.id)):
        other.is_open, other.closed_at = False, now
    poll.is_open, poll.closed_at = True, None
    bump(session)
    db.commit()
    return poll


def close_poll(db: DB, session: Session, poll: Poll) -> Poll:
    if poll.is_open:
        poll.is_open, poll.closed_at = False, utcnow()
        bump(session)
        db.commit()
    return poll


def delete_poll(db: DB, session: Session, poll: Poll) -> None:
    db.execute(delete(PollAnswer).where(PollAnswer.poll_id == poll.id))
    db.delete(poll)
    bump(session)
    db.commit()


def remove_word(db: DB, session: Session, poll: Poll, key: str) -> int:
    """Take one word (all its inflected forms) off a word cloud, e.g. an offensive one. Returns count."""
    if poll.kind != "words":
        raise PollError("no_poll")
    ids = [a.id for a in _answers(db, poll) if cloud_key(a.text or "") == key]
    if ids:
        db.execute(delete(PollAnswer).where(PollAnswer.id.in_(ids)))
        bump(session)
        db.commit()
    return len(ids)


# --- participants -----------------------------------------------------------------------------

def clean_answer_text(text) -> str:
    """One or two words, 1–60 characters, no control characters; inner whitespace collapsed."""
    if not isinstance(text, str):
        raise PollError("empty_answer")
    if len(text) > 4 * MAX_ANSWER:  # no work on megabytes of input
        raise PollError("answer_too_long")
    if CONTROL_CHARS.search(text):
        raise PollError("control_chars")
    words = text.split()
    cleaned = " ".join(words)
    if not cleaned or not HAS_WORD_CHAR.search(cleaned):
        raise PollError("empty_answer")
    if len(cleaned) > MAX_ANSWER:
        raise PollError("answer_too_long")
    if len(words) > MAX_ANSWER_WORDS:
        raise PollError("too_many_words")
    return cleaned


def _check_can_answer(session: Session, poll: Poll, participant: Participant) -> None:
    if participant.session_id != session.id or participant.removed:
        raise PollError("not_participant")
    if poll.session_id != session.id:
        raise PollError("no_poll")
    if not session.is_open or not poll.is_open:
        raise PollError("poll_closed")


def _answers(db: DB, poll: Poll, participant_id: int | None = None) -> list[PollAnswer]:
    query = select(PollAnswer).where(PollAnswer.poll_id == poll.id)
    if participant_id is not None:
        query = query.where(PollAnswer.participant_id == participant_id)
    return list(db.scalars(query.order_by(PollAnswer.id)))


def choose(db: DB, session: Session, poll: Poll, participant: Participant, choice) -> PollAnswer:
    """A choice poll's answer: a new one, or the participant's earlier one changed."""
    _check_can_answer(session, poll, participant)
    if poll.kind != "choice":
        raise PollError("wrong_kind")
    index = to_int(choice)
    if index is None or index >= len(poll.options):
        raise PollError("bad_choice")
    mine = _answers(db, poll, participant.id)
    answer = mine[0] if mine else PollAnswer(poll_id=poll.id, participant_id=participant.id)
    for extra in mine[1:]:  # two simultaneous first answers: keep one
        db.delete(extra)
    answer.choice = index
    answer.created_at = utcnow()
    db.add(answer)
    bump(session)
    db.commit()
    return answer


def add_words(db: DB, session: Session, poll: Poll, participant: Participant, text) -> PollAnswer:
    """One more word-cloud answer, up to three per participant."""
    _check_can_answer(session, poll, participant)
    if poll.kind != "words":
        raise PollError("wrong_kind")
    cleaned = clean_answer_text(text)
    earlier = _answers(db, poll, participant.id)
    if len(earlier) >= MAX_WORD_ANSWERS:
        raise PollError("word_limit")
    if any(cloud_key(a.text or "") == cloud_key(cleaned) for a in earlier):
        raise PollError("word_twice")  # one person cannot make a word bigger alone
    answer = PollAnswer(poll_id=poll.id, participant_id=participant.id, text=cleaned)
    db.add(answer)
    bump(session)
    db.commit()
    return answer


def answer(db: DB, session: Session, participant: Participant, poll_id, choice=None, text=None) -> Poll:
    """The one entry point of the phone's HTTP form and Socket.IO event: raw values in, validated here."""
    poll = poll_of_session(db, session, poll_id)
    if poll.kind == "choice":
        choose(db, session, poll, participant, choice)
    else:
        add_words(db, session, poll, participant, text)
    return poll


# --- what is shown ----------------------------------------------------------------------------

@dataclass
class Mine:
    """A participant's own answers to one poll (never anyone else's)."""
    choice: int | None
    words: list[str]

    def as_dict(self) -> dict:
        return {"choice": self.choice, "words": self.words, "left": MAX_WORD_ANSWERS - len(self.words)}


def mine(db: DB, poll: Poll, participant_id: int) -> Mine:
    answers = _answers(db, poll, participant_id)
    if poll.kind == "choice":
        return Mine(answers[-1].choice if answers else None, [])
    return Mine(None, [a.text for a in answers if a.text])


def participants_with_answers(db: DB, poll: Poll) -> list[int]:
    return list(db.scalars(select(PollAnswer.participant_id).where(PollAnswer.poll_id == poll.id).distinct()))


def cloud_key(text: str) -> str:
    return lemmas.phrase_lemma(text).lower()


def choice_counts(db: DB, poll: Poll) -> list[int]:
    """Votes per option; one per participant even if two first answers raced into the table."""
    latest: dict[int, int] = {}
    for a in _answers(db, poll):
        if a.choice is not None and 0 <= a.choice < len(poll.options):
            latest[a.participant_id] = a.choice
    counts = Counter(latest.values())
    return [counts.get(i, 0) for i in range(len(poll.options))]


def _word_answers(db: DB, poll: Poll) -> list[PollAnswer]:
    """The answers that count: at most three per participant, even if two raced past the limit."""
    per_person: Counter[int] = Counter()
    counted = []
    for a in _answers(db, poll):
        per_person[a.participant_id] += 1
        if a.text and per_person[a.participant_id] <= MAX_WORD_ANSWERS:
            counted.append(a)
    return counted


def word_cloud(db: DB, poll: Poll) -> list[dict]:
    """Words by frequency, inflections counted together; each with a size class 1–5."""
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for a in _word_answers(db, poll):
        key = cloud_key(a.text or "")
        if key:
            counts[key] += 1
            shown.setdefault(key, lemmas.phrase_lemma(a.text))
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CLOUD_WORDS]
    if not top:
        return []
    high, low = top[0][1], top[-1][1]
    return [{"key": key, "word": shown[key], "count": n,
             "size": 1 + round((CLOUD_SIZES - 1) * (n - low) / (high - low)) if high > low else 3}
            for key, n in top]


def results(db: DB, poll: Poll) -> dict:
    """What the projector and the facilitator see; no participant is named."""
    data = {"id": poll.id, "kind": poll.kind, "question": poll.question, "open": poll.is_open,
            "people": len(participants_with_answers(db, poll))}
    if poll.kind == "choice":
        counts = choice_counts(db, poll)
        total = sum(counts)
        data["total"] = total
        data["options"] = [{"index": i, "text": text, "count": n,
                            "percent": round(100 * n / total) if total else 0}
                           for i, (text, n) in enumerate(zip(poll.options, counts))]
    else:
        data["total"] = len(_word_answers(db, poll))
        data["words"] = word_cloud(db, poll)
    return data


def phone_view(poll: Poll | None) -> dict | None:
    """What a phone needs to show the open poll."""
    if poll is None:
        return None
    return {"id": poll.id, "kind": poll.kind, "question": poll.question, "options": list(poll.options),
            "max_words": MAX_WORD_ANSWERS, "max_length": MAX_ANSWER}
