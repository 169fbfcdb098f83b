"""Polls and word clouds of the info part: create, open, close, delete, answer, results.

A choice poll has 2–8 options and one answer per participant, changeable while the poll is open.
A words poll takes up to three short answers (one or two words each) per participant and shows
them as a word cloud where inflected forms of one Finnish word count together.
Each change bumps the session's sequence number, commits, then publishes a domain event that
polls/events.py sends to the rooms. `tally` is the one count of a poll's answers (live and exports).

Results hidden until revealed: a poll's `show_results` is "reveal" (the default, against group-think:
the projector shows only how many have answered until the facilitator reveals the results) or "live".
The facilitator's own pages always see the running results; `shown_results` is what the projector gets.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session as DB

from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.ids import parse_int, row_id
from workshop.core.text import TextError, clean_text
from workshop.core.visibility import RESULTS_MODES
from workshop.flipchart import service as flipchart
from workshop.models import Participant, Poll, PollAnswer, Session, utcnow
from workshop.polls import lemmas
from workshop.sessions.service import bump

KINDS = ("choice", "words")
MAX_QUESTION = 300
MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION = 2, 8, 120
MAX_WORD_ANSWERS = 3  # per participant and words poll
MAX_ANSWER = 60
MAX_ANSWER_WORDS = 2
CLOUD_SIZES = 5  # font size classes w1…w5
MAX_CLOUD_WORDS = 80

HAS_WORD_CHAR = re.compile(r"\w")


class PollError(DomainError):
    """Something a facilitator or participant asked that cannot be done; args[0] is a message key."""


# core.text's reasons → this feature's message keys (labels.POLL_ERRORS)
QUESTION_ERRORS = {"empty": "bad_question", "too_long": "bad_question", "type": "bad_question",
                   "control": "control_chars"}
OPTION_ERRORS = {"too_long": "option_too_long", "type": "option_count", "control": "control_chars"}
ANSWER_ERRORS = {"empty": "empty_answer", "too_long": "answer_too_long", "type": "empty_answer",
                 "control": "control_chars"}


# --- domain events: published after each commit, sent to the rooms by polls/events.py --------------

@dataclass(frozen=True)
class PollCreated(DomainEvent):
    """A new poll, still closed: nothing live changes until it is opened."""
    session: Session
    poll: Poll


@dataclass(frozen=True)
class PollOpened(DomainEvent):
    """Phones show this poll now (any other open poll of the session was closed)."""
    session: Session
    poll: Poll


@dataclass(frozen=True)
class PollClosed(DomainEvent):
    """Phones stop showing the poll; the projector keeps its final results."""
    session: Session
    poll: Poll


@dataclass(frozen=True)
class PollResultsChanged(DomainEvent):
    """The facilitator revealed the poll's results or changed whether they show live."""
    session: Session
    poll: Poll


@dataclass(frozen=True)
class PollDeleted(DomainEvent):
    session: Session
    poll_id: int


@dataclass(frozen=True)
class PollWordRemoved(DomainEvent):
    """The facilitator took a word (all its forms) off a word cloud."""
    session: Session
    poll: Poll
    removed: int


@dataclass(frozen=True)
class HeldAnswersReviewed(DomainEvent):
    """The facilitator approved (into the cloud) or deleted word-cloud answers the word filter held."""
    session: Session
    poll: Poll
    approved: int


@dataclass(frozen=True)
class PollAnswered(DomainEvent):
    """A participant's answer was saved; `mine` is all of their answers to this poll now."""
    session: Session
    poll: Poll
    participant_id: int
    mine: Mine


# --- facilitator ------------------------------------------------------------------------------

def clean_question(question) -> str:
    try:
        return clean_text(question, MAX_QUESTION, collapse=True)
    except TextError as exc:
        raise PollError(QUESTION_ERRORS[exc.reason]) from None


def clean_options(options) -> list[str]:
    """2–8 distinct options of at most 120 characters; blank lines are left out."""
    cleaned = []
    for option in options:
        try:
            text = clean_text(option, MAX_OPTION, collapse=True, required=False)
        except TextError as exc:
            raise PollError(OPTION_ERRORS[exc.reason]) from None
        if text:
            cleaned.append(text)
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise PollError("option_count")
    if len({o.casefold() for o in cleaned}) != len(cleaned):
        raise PollError("option_twice")
    return cleaned


def clean_results_mode(mode) -> str:
    if mode not in RESULTS_MODES:
        raise PollError("bad_results")
    return mode


def create_poll(db: DB, session: Session, kind: str, question: str, options=(), show_results="reveal") -> Poll:
    """A new poll, closed until the facilitator opens it. Words polls have no options."""
    if kind not in KINDS:
        raise PollError("bad_kind")
    poll = Poll(session_id=session.id, kind=kind, question=clean_question(question),
                options=clean_options(options) if kind == "choice" else [], is_open=False,
                show_results=clean_results_mode(show_results), revealed=False)
    db.add(poll)
    bump(session)
    db.commit()
    publish(PollCreated(session, poll))
    return poll


def polls_of(db: DB, session: Session) -> list[Poll]:
    return list(db.scalars(select(Poll).where(Poll.session_id == session.id).order_by(Poll.id)))


def poll_of_session(db: DB, session: Session, poll_id) -> Poll:
    """The poll with this id if it belongs to this session; the same error for foreign and missing."""
    poll_id = row_id(poll_id)
    poll = db.get(Poll, poll_id) if poll_id is not None else None
    if poll is None or poll.session_id != session.id:
        raise PollError("no_poll")
    return poll


# Built once (every phone's connect asks): only the parameter changes.
_OPEN_POLL = (select(Poll).where(Poll.session_id == bindparam("session_id"), Poll.is_open.is_(True))
              .order_by(Poll.id.desc()).limit(1))


def open_poll_of(db: DB, session: Session) -> Poll | None:
    return db.scalar(_OPEN_POLL, {"session_id": session.id})


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
    publish(PollOpened(session, poll))
    return poll


def close_poll(db: DB, session: Session, poll: Poll) -> Poll:
    if poll.is_open:
        poll.is_open, poll.closed_at = False, utcnow()
        bump(session)
        db.commit()
        publish(PollClosed(session, poll))
    return poll


def set_show_results(db: DB, session: Session, poll: Poll, mode) -> Poll:
    """Running results on the projector ("live"), or only once revealed ("reveal")."""
    mode = clean_results_mode(mode)
    if poll.show_results != mode:
        poll.show_results = mode
        bump(session)
        db.commit()
        publish(PollResultsChanged(session, poll))
    return poll


def reveal_poll(db: DB, session: Session, poll: Poll) -> Poll:
    """The projector shows the poll's results from now on (closing a poll does not reveal it)."""
    if not poll.revealed:
        poll.revealed = True
        bump(session)
        db.commit()
        publish(PollResultsChanged(session, poll))
    return poll


def delete_poll(db: DB, session: Session, poll: Poll) -> None:
    poll_id = poll.id
    db.execute(delete(PollAnswer).where(PollAnswer.poll_id == poll_id))
    db.delete(poll)
    bump(session)
    db.commit()
    publish(PollDeleted(session, poll_id))


def remove_word(db: DB, session: Session, poll: Poll, key: str) -> int:
    """Take one word (all its inflected forms) off a word cloud, e.g. an offensive one. Returns count."""
    if poll.kind != "words":
        raise PollError("no_poll")
    ids = [a.id for a in _answers(db, poll) if cloud_key(a.text or "") == key]
    if ids:
        db.execute(delete(PollAnswer).where(PollAnswer.id.in_(ids)))
        bump(session)
        db.commit()
        publish(PollWordRemoved(session, poll, len(ids)))
    return len(ids)


def held_answers(db: DB, poll: Poll) -> list[PollAnswer]:
    """Word-cloud answers the word filter holds, oldest first (no participant named on the page)."""
    return list(db.scalars(select(PollAnswer).where(PollAnswer.poll_id == poll.id, PollAnswer.held.is_(True))
                           .order_by(PollAnswer.id)))


def review_held(db: DB, session: Session, poll: Poll, answer_id, approve: bool) -> None:
    """Approve a held answer into the cloud, or delete it."""
    answer = db.get(PollAnswer, row_id(answer_id) or 0)
    if answer is None or answer.poll_id != poll.id or not answer.held:
        raise PollError("no_poll")
    if approve:
        answer.held = False
    else:
        db.delete(answer)
    bump(session)
    db.commit()
    publish(HeldAnswersReviewed(session, poll, int(approve)))


# --- participants -----------------------------------------------------------------------------

def clean_answer_text(text) -> str:
    """One or two words, 1–60 characters, no control characters; inner whitespace collapsed."""
    try:
        cleaned = clean_text(text, MAX_ANSWER, collapse=True)
    except TextError as exc:
        raise PollError(ANSWER_ERRORS[exc.reason]) from None
    if not HAS_WORD_CHAR.search(cleaned):
        raise PollError("empty_answer")
    if len(cleaned.split()) > MAX_ANSWER_WORDS:
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
    index = parse_int(choice)
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
    held = flipchart.held_by_filter(session, cleaned)  # waits for the facilitator, counted nowhere
    answer = PollAnswer(poll_id=poll.id, participant_id=participant.id, text=cleaned, held=held)
    db.add(answer)
    bump(session)
    db.commit()
    return answer


def answer(db: DB, session: Session, participant: Participant, poll_id, choice=None, text=None) -> PollAnswered:
    """The one entry point of the phone's HTTP form and Socket.IO event: raw values in, validated here."""
    poll = poll_of_session(db, session, poll_id)
    if poll.kind == "choice":
        choose(db, session, poll, participant, choice)
    else:
        add_words(db, session, poll, participant, text)
    return publish(PollAnswered(session, poll, participant.id, mine(db, poll, participant.id)))


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


# --- the one tally: live results and exports count the same way ----------------------------------

@dataclass(frozen=True)
class OptionCount:
    index: int
    text: str
    count: int
    percent: int  # of the votes cast


@dataclass(frozen=True)
class WordCount:
    key: str  # the word's base forms, lower case: what the facilitator removes by
    word: str  # as shown: the base forms of the first answer with this key
    count: int


@dataclass(frozen=True)
class Tally:
    """One poll's results: no participant named. `total` is the votes of a choice poll, or the
    answers a words poll's cloud counts; `words` is sorted by frequency, then alphabetically."""
    kind: str
    people: int
    total: int
    options: tuple[OptionCount, ...] = ()
    words: tuple[WordCount, ...] = ()


def tally(kind: str, options: Sequence[str],
          answers: Iterable[tuple[Hashable, int | None, str | None]]) -> Tally:
    """Count a poll's answers, given oldest first as (participant, choice, text).

    `participant` is anything that tells people apart (a row id, an export key). The limits hold
    even if answers raced past them: a choice poll counts each person's latest valid choice, a words
    poll each person's first three answers.
    """
    answers = list(answers)
    people = len({who for who, _choice, _text in answers})
    if kind == "choice":
        latest = {who: choice for who, choice, _text in answers
                  if choice is not None and 0 <= choice < len(options)}
        votes = Counter(latest.values())
        total = sum(votes.values())
        rows = tuple(OptionCount(i, text, votes.get(i, 0), round(100 * votes.get(i, 0) / total) if total else 0)
                     for i, text in enumerate(options))
        return Tally(kind, people, total, options=rows)
    per_person: Counter = Counter()
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for who, _choice, text in answers:
        per_person[who] += 1
        if text and per_person[who] <= MAX_WORD_ANSWERS:
            key = cloud_key(text)
            if key:
                counts[key] += 1
                shown.setdefault(key, lemmas.phrase_lemma(text))
    words = tuple(WordCount(key, shown[key], n) for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return Tally(kind, people, sum(counts.values()), words=words)


def _answer_rows(db: DB, poll: Poll) -> list[tuple[int, int | None, str | None]]:
    rows = db.execute(select(PollAnswer.participant_id, PollAnswer.choice, PollAnswer.text)
                      .where(PollAnswer.poll_id == poll.id, PollAnswer.held.is_(False)).order_by(PollAnswer.id))
    return [tuple(r) for r in rows]


def word_cloud(words: Sequence[WordCount]) -> list[dict]:
    """The most frequent words, each with a font size class 1–5."""
    top = words[:MAX_CLOUD_WORDS]
    if not top:
        return []
    high, low = top[0].count, top[-1].count
    return [{"key": w.key, "word": w.word, "count": w.count,
             "size": 1 + round((CLOUD_SIZES - 1) * (w.count - low) / (high - low)) if high > low else 3}
            for w in top]


def results_visible(poll: Poll) -> bool:
    """Whether the projector (and a shared results page during the workshop) may show the results."""
    return poll.show_results == "live" or bool(poll.revealed)


def results(db: DB, poll: Poll) -> dict:
    """What the facilitator sees (and the projector once the results are visible); no participant is named."""
    counted = tally(poll.kind, poll.options or [], _answer_rows(db, poll))
    data = {"id": poll.id, "kind": poll.kind, "question": poll.question, "open": poll.is_open,
            "people": counted.people, "total": counted.total, "hidden": False,
            "show_results": poll.show_results, "revealed": bool(poll.revealed)}
    if poll.kind == "choice":
        data["options"] = [{"index": o.index, "text": o.text, "count": o.count, "percent": o.percent}
                           for o in counted.options]
    else:
        data["words"] = word_cloud(counted.words)
    return data


def shown_results(db: DB, poll: Poll) -> dict:
    """What the projector gets: the results once visible; before that only that answers are coming in
    (how many), never a count per option, a word or an order by count."""
    if results_visible(poll):
        return results(db, poll)
    counted = tally(poll.kind, poll.options or [], _answer_rows(db, poll))
    return {"id": poll.id, "kind": poll.kind, "question": poll.question, "open": poll.is_open,
            "people": counted.people, "total": counted.total, "hidden": True}


def phone_view(poll: Poll | None) -> dict | None:
    """What a phone needs to show the open poll."""
    if poll is None:
        return None
    return {"id": poll.id, "kind": poll.kind, "question": poll.question, "options": list(poll.options),
            "max_words": MAX_WORD_ANSWERS, "max_length": MAX_ANSWER}
