"""Grouping rounds: create a draft with a strategy, adjust it, publish it, place late arrivals.

Wraps the pure engine in mixing.py with the database. Like every domain module, each change bumps
the session's sequence number, is committed, and is then published as a domain event. Drafts are
the facilitator's alone: only changes to a published round reach phones and projector.
"""
from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DB
from sqlalchemy.orm import joinedload

from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.memo import memo
from workshop.core.text import TextError, clean_text
from workshop.grouping import mixing
from workshop.models import (
    GROUP_COLOURS,
    QUESTION_MODES,
    STRATEGIES,
    Group,
    GroupMember,
    Participant,
    Question,
    Round,
    Session,
    utcnow,
)
from workshop.sessions.service import bump, set_phase

MAX_GROUPS = 60
MAX_SEED = 2**31 - 1
MAX_TABLE_LABEL = 60


class RoundError(DomainError):
    """A facilitator's request that cannot be done; `key` names the message."""


# --- domain events ----------------------------------------------------------------------------

@dataclass(frozen=True)
class RoundPublished(DomainEvent):
    """Every phone now sees its group; projector and facilitator see all groups."""
    session: Session
    round: Round


@dataclass(frozen=True)
class GroupsChanged(DomainEvent):
    """People moved, a table label, a re-balance: seen live only when the round is published."""
    session: Session
    round: Round


@dataclass(frozen=True)
class LateArrivalPlaced(DomainEvent):
    """A newcomer was put into a group of the current round; nobody else moved."""
    session: Session
    group: Group
    participant: Participant


@dataclass(frozen=True)
class AbsenceMarked(DomainEvent):
    """The facilitator marked someone absent (or back): groups change only on a re-balance."""
    session: Session
    participant: Participant


@dataclass(frozen=True)
class QuestionsAssigned(DomainEvent):
    """The groups of a round got their questions (assigned or rotated)."""
    session: Session
    round: Round


@dataclass
class RoundSettings:
    strategy: str
    group_size: int | None = None
    group_count: int | None = None
    merge_small: bool = False


def colour_of(number: int) -> tuple[str, str]:
    """Colour key and hex of group `number` (1-based); numbers keep groups apart when colours repeat."""
    return GROUP_COLOURS[(number - 1) % len(GROUP_COLOURS)]


def person_of(p: Participant) -> mixing.Person:
    return mixing.Person(id=p.id, municipality=p.municipality, background=p.background,
                         organisation=p.organisation, is_contact_person=p.is_contact_person)


def present_participants(db: DB, session: Session) -> list[Participant]:
    return list(db.scalars(select(Participant).where(
        Participant.session_id == session.id, Participant.removed.is_(False), Participant.absent.is_(False))
        .order_by(Participant.id)))


def rounds_of(db: DB, session: Session) -> list[Round]:
    return list(db.scalars(select(Round).where(Round.session_id == session.id).order_by(Round.number)))


def current_round(db: DB, session: Session) -> Round | None:
    """The newest published round: the groups people sit in now."""
    return db.scalar(select(Round).where(Round.session_id == session.id, Round.published_at.is_not(None))
                     .order_by(Round.number.desc()).limit(1))


def member_ids(round_: Round) -> list[list[int]]:
    return [[m.participant_id for m in g.members] for g in round_.groups]


def earlier_groups(db: DB, session: Session, before: Round | None = None) -> list[list[list[int]]]:
    """Groups of the published rounds before `before` (all when None): who has met whom."""
    result = []
    for r in rounds_of(db, session):
        if r.published_at is not None and (before is None or r.number < before.number):
            result.append(member_ids(r))
    return result


def _compute(db: DB, session: Session, settings: RoundSettings, seed: int, before: Round | None):
    people = [person_of(p) for p in present_participants(db, session)]
    if not people:
        raise RoundError("no_participants")
    kwargs = {"group_size": settings.group_size} if settings.group_size else {"group_count": settings.group_count}
    if settings.strategy == "mixed":
        return mixing.mix(people, earlier_rounds=earlier_groups(db, session, before), seed=seed, **kwargs)
    if settings.strategy == "random":
        return mixing.random_groups(people, seed=seed, **kwargs)
    if settings.strategy == "home":
        size = settings.group_size or max(2, -(-len(people) // max(1, settings.group_count or 1)))
        return mixing.home_groups(people, group_size=size, merge_small=settings.merge_small)
    # manual: people dealt in joining order; the facilitator moves them.
    sizes = mixing.group_sizes(len(people), **kwargs)
    groups, start = [], 0
    for size in sizes:
        groups.append([p.id for p in people[start:start + size]])
        start += size
    return groups


def _validate(settings: RoundSettings) -> None:
    if settings.strategy not in STRATEGIES:
        raise RoundError("bad_strategy")
    if bool(settings.group_size) == bool(settings.group_count):
        raise RoundError("size_or_count")
    value = settings.group_size or settings.group_count
    if not 1 <= value <= MAX_GROUPS:
        raise RoundError("bad_size")


def _fill(db: DB, round_: Round, groups: list[list[int]]) -> None:
    round_.groups = []
    db.flush()
    by_id = {p.id: p for p in db.scalars(select(Participant).where(
        Participant.id.in_([pid for g in groups for pid in g])))}
    for number, ids in enumerate(groups, start=1):
        group = Group(number=number, colour=colour_of(number)[0])
        if round_.strategy == "home" and ids:
            group.municipality = Counter(by_id[i].municipality for i in ids).most_common(1)[0][0]
        group.members = [GroupMember(round_id=round_.id, participant_id=pid) for pid in ids]
        round_.groups.append(group)


def create_round(db: DB, session: Session, settings: RoundSettings, seed: int | None = None) -> Round:
    """A draft round: computed, stored, shown to the facilitator only."""
    _validate(settings)
    seed = secrets.randbelow(MAX_SEED) if seed is None else seed
    groups = _compute(db, session, settings, seed, before=None)
    number = (db.scalar(select(func.max(Round.number)).where(Round.session_id == session.id)) or 0) + 1
    round_ = Round(session_id=session.id, number=number, strategy=settings.strategy, seed=seed,
                   group_size=settings.group_size, group_count=settings.group_count,
                   merge_small=settings.merge_small)
    db.add(round_)
    db.flush()
    _fill(db, round_, groups)
    bump(session)
    db.commit()
    return round_


def reroll(db: DB, session: Session, round_: Round, seed: int | None = None) -> Round:
    """Compute the draft again with another seed."""
    if round_.published_at is not None:
        raise RoundError("already_published")
    round_.seed = secrets.randbelow(MAX_SEED) if seed is None else seed
    settings = RoundSettings(round_.strategy, round_.group_size, round_.group_count, round_.merge_small)
    _fill(db, round_, _compute(db, session, settings, round_.seed, before=round_))
    bump(session)
    db.commit()
    return round_


def group_by_number(round_: Round, number: int | None) -> Group:
    for g in round_.groups:
        if g.number == number:
            return g
    raise RoundError("no_group")


def _membership(round_: Round, participant_id: int) -> GroupMember:
    for g in round_.groups:
        for m in g.members:
            if m.participant_id == participant_id:
                return m
    raise RoundError("not_in_round")


def move_member(db: DB, session: Session, round_: Round, participant_id: int, to_number: int) -> Group:
    """Move one person to another group (manual adjustment; allowed after publishing too)."""
    target = group_by_number(round_, to_number)
    member = _membership(round_, participant_id)
    member.group = target
    bump(session)
    db.commit()
    publish(GroupsChanged(session, round_))
    return target


def set_table_label(db: DB, session: Session, group: Group, label: str | None) -> None:
    try:
        group.table_label = clean_text(label, MAX_TABLE_LABEL, required=False, collapse=True)
    except TextError as exc:
        raise RoundError("label_too_long" if exc.reason == "too_long" else "control") from None
    bump(session)
    db.commit()
    publish(GroupsChanged(session, group.round))


def publish_round(db: DB, session: Session, round_: Round) -> Round:
    """Show the round on every phone; the first round published also starts the grouping phase."""
    if round_.published_at is not None:
        raise RoundError("already_published")
    round_.published_at = utcnow()
    bump(session)
    db.commit()
    if session.phase in ("lobby", "info"):
        set_phase(db, session, "grouping")  # phones switch to the grouping view, then get their group
    publish(RoundPublished(session, round_))
    return round_


def delete_draft(db: DB, session: Session, round_: Round) -> None:
    if round_.published_at is not None:
        raise RoundError("already_published")
    db.delete(round_)
    bump(session)
    db.commit()


def group_now(db: DB, session_id: int, participant_id: int) -> Group | None:
    """The participant's group in the newest published round (None when not in it), with its round,
    in one query, remembered until the next commit: a phone's connect asks twice, every note once."""
    remembered = memo(db)
    key = ("group_now", session_id, participant_id)
    if key not in remembered:
        newest = (select(Round.id).where(Round.session_id == session_id, Round.published_at.is_not(None))
                  .order_by(Round.number.desc()).limit(1).scalar_subquery())
        remembered[key] = db.scalar(select(Group).join(GroupMember, GroupMember.group_id == Group.id).where(
            GroupMember.round_id == newest, GroupMember.participant_id == participant_id)
            .options(joinedload(Group.round)))
    return remembered[key]


def group_of(db: DB, round_: Round, participant_id: int) -> Group | None:
    return db.scalar(select(Group).join(GroupMember).where(
        GroupMember.round_id == round_.id, GroupMember.participant_id == participant_id))


def place_late_arrival(db: DB, session: Session, participant: Participant) -> Group | None:
    """Put a newcomer where they add most to the current round, moving nobody else."""
    round_ = current_round(db, session)
    if round_ is None or not round_.groups or group_of(db, round_, participant.id) is not None:
        return None
    ids = member_ids(round_)
    people = {p.id: person_of(p) for p in db.scalars(select(Participant).where(
        Participant.id.in_([i for g in ids for i in g])))}
    index = mixing.place_late_arrival(ids, people, person_of(participant),
                                      earlier_groups(db, session, before=round_))
    group = round_.groups[index]
    group.members.append(GroupMember(round_id=round_.id, participant_id=participant.id, late=True))
    bump(session)
    db.commit()
    publish(LateArrivalPlaced(session, group, participant))
    return group


def set_absent(db: DB, session: Session, participant: Participant, absent: bool) -> None:
    participant.absent = absent
    bump(session)
    db.commit()
    publish(AbsenceMarked(session, participant))


def rebalance(db: DB, session: Session, round_: Round) -> int:
    """On request: drop absent people from the round and even out sizes with the fewest moves.

    Returns how many present people moved. Each move takes someone from a largest group to a
    smallest one, choosing the person whose move keeps the score best.
    """
    for g in round_.groups:
        g.members = [m for m in g.members if not (m.participant.absent or m.participant.removed)]
    db.flush()
    people = {p.id: person_of(p) for p in present_participants(db, session)}
    earlier = earlier_groups(db, session, before=round_)
    moves = 0
    while True:
        sizes = [len(g.members) for g in round_.groups]
        big, small = sizes.index(max(sizes)), sizes.index(min(sizes))
        if sizes[big] - sizes[small] <= 1:
            break
        ids = member_ids(round_)
        best = None
        for pid in ids[big]:
            if pid not in people:
                continue
            trial = mixing.move(ids, pid, small)
            rating = mixing.score(trial, people, earlier).key()
            if best is None or rating < best[0]:  # smaller key = better grouping
                best = (rating, pid)
        member = _membership(round_, best[1])
        member.group = round_.groups[small]
        moves += 1
    bump(session)
    db.commit()
    publish(GroupsChanged(session, round_))
    return moves


def round_score(db: DB, session: Session, round_: Round) -> mixing.Score:
    ids = member_ids(round_)
    people = {p.id: person_of(p) for p in db.scalars(select(Participant).where(
        Participant.id.in_([i for g in ids for i in g])))}
    return mixing.score(ids, people, earlier_groups(db, session, before=round_))


def session_questions(session: Session) -> list:
    """All questions of the session in theme order."""
    return [q for theme in session.themes for q in theme.questions]


def assign_questions(db: DB, session: Session, round_: Round, mode: str, question_id: int | None = None) -> None:
    """Give groups their question: all the same, one per group in order, or rotating."""
    questions = session_questions(session)
    if mode not in QUESTION_MODES or not questions:
        raise RoundError("bad_questions")
    if mode == "same":
        chosen = next((q for q in questions if q.id == question_id), None)
        if chosen is None:
            raise RoundError("bad_questions")
        for g in round_.groups:
            g.question_id = chosen.id
    else:
        for i, g in enumerate(round_.groups):
            g.question_id = questions[i % len(questions)].id
    round_.question_mode = mode
    bump(session)
    db.commit()
    publish(QuestionsAssigned(session, round_))


def rotate_questions(db: DB, session: Session, round_: Round) -> None:
    """Every group moves on to the next question (rotating mode)."""
    questions = session_questions(session)
    if not questions:
        raise RoundError("bad_questions")
    ids = [q.id for q in questions]
    for g in round_.groups:
        current = ids.index(g.question_id) if g.question_id in ids else -1
        g.question_id = ids[(current + 1) % len(ids)]
    round_.question_mode = "rotating"
    bump(session)
    db.commit()
    publish(QuestionsAssigned(session, round_))


def question_of(db: DB, group: Group) -> Question | None:
    return db.get(Question, group.question_id) if group.question_id else None
