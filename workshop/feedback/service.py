"""The feedback survey: configurable questions, anonymous answers, live count and results.

Answers never carry a participant id or a time. A phone only gets `Participant.gave_feedback`
set, so it cannot answer twice; which answer was its is not recorded anywhere.
The feedback link lets people who left early answer after the evening, until its closing time.
Each change commits and publishes a domain event (feedback/events.py sends the count onwards).
"""
from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DB

from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.text import TextError, clean_text
from workshop.core.time import local_now
from workshop.feedback.models import FeedbackSettings
from workshop.models import FeedbackAnswer, Participant, Session
from workshop.sessions.service import bump

QUESTIONS = ("overall", "most_useful", "should_change", "come_again")
TEXT_FIELDS = ("most_useful", "should_change", "extra")
COME_AGAIN = ("yes", "maybe", "no")
MAX_TEXT = 1000
MAX_QUESTION = 300


class FeedbackError(DomainError):
    """A refused answer or setting; args[0] is a key of labels.FEEDBACK_ERRORS."""


@dataclass(frozen=True)
class FeedbackGiven(DomainEvent):
    """One more anonymous answer (from a phone or by the link): the count and ratings changed."""
    session: Session


@dataclass(frozen=True)
class FeedbackSettingsChanged(DomainEvent):
    """The questions, the closing time or the feedback link changed (nothing live shows them)."""
    session: Session


def settings_of(session: Session) -> FeedbackSettings:
    """The workshop's feedback settings; unsaved defaults (default questions, no link) when it never had any."""
    return session.feedback_settings or FeedbackSettings(session_id=session.id)


def editable_settings(session: Session) -> FeedbackSettings:
    """The settings row to change, added to the workshop's database session when it is new; the
    caller commits."""
    if session.feedback_settings is None:
        session.feedback_settings = FeedbackSettings()
    return session.feedback_settings


def config(session: Session) -> dict:
    """Which questions are asked and their wording (None = the default translated wording).

    {"overall": {"on": True, "text": None}, …, "extra": None | "an extra open question"}
    """
    stored = settings_of(session).questions or {}
    out = {key: {"on": bool(stored.get(key, {}).get("on", True)), "text": stored.get(key, {}).get("text")}
           for key in QUESTIONS}
    out["extra"] = stored.get("extra")
    return out


def _clean(value, limit: int, too_long: str, multiline: bool) -> str | None:
    """Optional text under the one text policy (core.text)."""
    try:
        return clean_text(value, limit, multiline=multiline, required=False)
    except TextError as exc:
        raise FeedbackError({"too_long": too_long, "type": "bad_request"}.get(exc.reason, "control")) from exc


def configure(db: DB, session: Session, on: dict, texts: dict, extra: str | None,
              closes_at: datetime | None) -> Session:
    """Save the survey's questions and the feedback link's closing time."""
    questions = {key: {"on": bool(on.get(key)),
                       "text": _clean(texts.get(key), MAX_QUESTION, "question_too_long", multiline=False)}
                 for key in QUESTIONS}
    questions["extra"] = _clean(extra, MAX_QUESTION, "question_too_long", multiline=False)
    if not any(q["on"] for k, q in questions.items() if k != "extra") and not questions["extra"]:
        raise FeedbackError("no_questions")
    settings = editable_settings(session)
    settings.questions = questions
    settings.closes_at = closes_at
    bump(session)
    db.commit()
    publish(FeedbackSettingsChanged(session))
    return session


def share_link(db: DB, session: Session, share: bool) -> Session:
    settings = editable_settings(session)
    settings.token = (settings.token or secrets.token_urlsafe(16)) if share else None
    bump(session)
    db.commit()
    publish(FeedbackSettingsChanged(session))
    return session


def session_by_token(db: DB, token: str) -> Session | None:
    if not token or len(token) > 64:
        return None
    return db.scalar(select(Session).join(FeedbackSettings).where(FeedbackSettings.token == token))


def link_open(session: Session, now: datetime | None = None) -> bool:
    """The feedback link works from when it is shared until its closing time."""
    settings = settings_of(session)
    if not settings.token:
        return False
    return settings.closes_at is None or (now or local_now()) < settings.closes_at


def clean_answer(session: Session, raw: dict) -> dict:
    """Validate a submitted form (phone or link); only the asked questions are kept."""
    if not isinstance(raw, dict):
        raise FeedbackError("bad_request")
    asked = config(session)
    answer = {"overall": None, "most_useful": None, "should_change": None, "come_again": None, "extra": None}
    if asked["overall"]["on"] and raw.get("overall") not in (None, ""):
        value = raw.get("overall")
        if not (isinstance(value, str) and value in ("1", "2", "3", "4", "5")):
            raise FeedbackError("bad_overall")
        answer["overall"] = int(value)
    if asked["come_again"]["on"] and raw.get("come_again") not in (None, ""):
        if raw.get("come_again") not in COME_AGAIN:
            raise FeedbackError("bad_come_again")
        answer["come_again"] = raw["come_again"]
    for key in ("most_useful", "should_change"):
        if asked[key]["on"]:
            answer[key] = _clean(raw.get(key), MAX_TEXT, "too_long", multiline=True)
    if asked["extra"]:
        answer["extra"] = _clean(raw.get("extra"), MAX_TEXT, "too_long", multiline=True)
    if all(v is None for v in answer.values()):
        raise FeedbackError("empty")
    return answer


def submit(db: DB, session: Session, raw: dict, participant: Participant | None = None,
           now: datetime | None = None) -> FeedbackAnswer:
    """Store one anonymous answer: from a participant's phone in the feedback phase, or by the link."""
    if participant is not None:
        if participant.session_id != session.id:
            raise FeedbackError("bad_request")
        if session.phase != "feedback" and not link_open(session, now):
            raise FeedbackError("not_open")
        if participant.gave_feedback:
            raise FeedbackError("already")
    elif not link_open(session, now):
        raise FeedbackError("not_open")
    data = clean_answer(session, raw)
    answer = FeedbackAnswer(session_id=session.id, via_link=participant is None, **data)
    db.add(answer)
    if participant is not None:
        participant.gave_feedback = True
    bump(session)
    db.commit()
    publish(FeedbackGiven(session))
    return answer


def count(db: DB, session: Session) -> int:
    return db.scalar(select(func.count(FeedbackAnswer.id)).where(FeedbackAnswer.session_id == session.id)) or 0


def answers_of(db: DB, session: Session) -> list[FeedbackAnswer]:
    return list(db.scalars(select(FeedbackAnswer).where(FeedbackAnswer.session_id == session.id)
                           .order_by(FeedbackAnswer.id)))


def summarise(answers: list[dict]) -> dict:
    """Counts and the average from plain answer dicts (the export's shape), for charts and the projector."""
    overall = Counter(a["overall"] for a in answers if a.get("overall"))
    rated = sum(overall.values())
    again = Counter(a["come_again"] for a in answers if a.get("come_again"))
    answered_again = sum(again.values())
    return {
        "count": len(answers),
        "rated": rated,
        "average": round(sum(k * n for k, n in overall.items()) / rated, 1) if rated else None,
        "overall": [{"value": v, "count": overall.get(v, 0),
                     "percent": round(100 * overall.get(v, 0) / rated) if rated else 0} for v in range(1, 6)],
        "come_again": [{"value": v, "count": again.get(v, 0),
                        "percent": round(100 * again.get(v, 0) / answered_again) if answered_again else 0}
                       for v in COME_AGAIN],
        "texts": {key: [a[key] for a in answers if a.get(key)] for key in TEXT_FIELDS},
    }


def as_dict(answer: FeedbackAnswer) -> dict:
    return {"overall": answer.overall, "most_useful": answer.most_useful, "should_change": answer.should_change,
            "come_again": answer.come_again, "extra": answer.extra, "via_link": answer.via_link}


def results(db: DB, session: Session) -> dict:
    return summarise([as_dict(a) for a in answers_of(db, session)])
