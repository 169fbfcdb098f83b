"""Grouping rounds: create a draft with a strategy, adjust it, publish it, place late arrivals.

Wraps the pure engine in mixing.py with the database. Like every domain module, each change bumps
the session's sequence number, is committed, and is then published as a domain event. Drafts are
the facilitator's alone: only changes to a published round reach phones and projector.
"""
from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import bindparam, func, inspect, select
from sqlalchemy.orm import Session as DB
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.memo import memo
from workshop.core.rows import columns
from workshop.core.text import TextError, clean_text
from workshop.grouping import mixing
from workshop.grouping.models import RoundPlan
from workshop.models import (
    BACKGROUNDS,
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
MAX_PLANNED_ROUNDS = 12
DEFAULT_PLANNED_ROUNDS = 3
# An agenda item whose title holds one of these is group work: one planned mixed round for each
# MINUTES_PER_MIXED_ROUND of it (at least one).
GROUP_WORK_WORDS = ("ryhmä", "grupp", "group")
MINUTES_PER_MIXED_ROUND = 30


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


@dataclass(frozen=True)
class RoundsPlanned(DomainEvent):
    """The planned mixed rounds changed: planned, re-planned (a late arrival, an absence, another
    round published), one of them published, or the plan cleared. The facilitator sees their quality."""
    session: Session


@dataclass
class PlanSettings:
    rounds: int
    group_size: int | None = None
    group_count: int | None = None


@dataclass(frozen=True)
class PlanSummary:
    """What the facilitator sees of a plan: the quality of the rounds still ahead."""
    total: int
    published: int
    repeats: list[int]
    bound: int
    group_size: int | None
    group_count: int | None

    @property
    def upcoming(self) -> int:
        return len(self.repeats)

    @property
    def meeting_again(self) -> int:
        return sum(self.repeats)

    @property
    def perfect(self) -> bool:
        return self.meeting_again == 0

    def payload(self) -> dict:
        return {"total": self.total, "published": self.published, "repeats": self.repeats,
                "bound": self.bound, "perfect": self.perfect}


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


def _newest_published(session_id: int, *columns):
    """SELECT of the newest published round of a session (the whole row, or `columns`)."""
    return (select(*(columns or (Round,))).where(Round.session_id == session_id, Round.published_at.is_not(None))
            .order_by(Round.number.desc()).limit(1))


def current_round(db: DB, session: Session) -> Round | None:
    """The newest published round: the groups people sit in now."""
    return db.scalar(_newest_published(session.id))


def with_members(db: DB, round_: Round | None) -> Round | None:
    """The round with every group's members and each member's participant row loaded, in one query
    (payloads that name everyone would otherwise load each group's members, and then each person's row,
    one query at a time: a late arrival in a room of 1,000 cost a thousand queries)."""
    if round_ is None or all("members" not in inspect(g).unloaded and all(
            "participant" not in inspect(m).unloaded for m in g.members) for g in round_.groups):
        return round_  # (already loaded: a late arrival's placing loaded them for its broadcast)
    by_group: dict[int, list[GroupMember]] = {}
    for member in db.scalars(select(GroupMember).where(GroupMember.round_id == round_.id)
                             .options(joinedload(GroupMember.participant)).order_by(GroupMember.id)):
        by_group.setdefault(member.group_id, []).append(member)
    for group in round_.groups:
        if "members" in inspect(group).unloaded:
            set_committed_value(group, "members", by_group.get(group.id, []))
    return round_


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
    if round_.published_at is not None:
        replan(db, session)  # who met whom changed
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
    """Show the round on every phone; the first round published also starts the grouping phase.

    Planned rounds still ahead are re-planned: who met whom has changed."""
    if round_.published_at is not None:
        raise RoundError("already_published")
    round_.published_at = utcnow()
    bump(session)
    db.commit()
    if session.phase in ("lobby", "info", "qa"):
        set_phase(db, session, "grouping")  # phones switch to the grouping view, then get their group
    publish(RoundPublished(session, round_))
    replan(db, session)
    return round_


# --- planned mixed rounds ---------------------------------------------------------------------

def default_planned_rounds(session: Session) -> int:
    """How many mixed rounds to plan unless the facilitator says otherwise: for each agenda item
    that names group work (GROUP_WORK_WORDS) one per MINUTES_PER_MIXED_ROUND minutes, at least one;
    DEFAULT_PLANNED_ROUNDS when the agenda names no group work."""
    count = sum(max(1, item.minutes // MINUTES_PER_MIXED_ROUND) for item in session.agenda
                if any(word in item.title.casefold() for word in GROUP_WORK_WORDS))
    return min(MAX_PLANNED_ROUNDS, count) or DEFAULT_PLANNED_ROUNDS


def _size_kwargs(group_size: int | None, group_count: int | None) -> dict:
    return {"group_size": group_size} if group_size else {"group_count": group_count}


def _fill_plan(db: DB, session: Session, plan: RoundPlan) -> None:
    """(Re)plan the rounds not yet published, with every published round as history: nobody in
    a published round moves. Deterministic: the seed follows the plan's seed and progress."""
    people = [person_of(p) for p in present_participants(db, session)]
    result = mixing.plan(people, rounds=plan.total - plan.published, earlier_rounds=earlier_groups(db, session),
                         seed=(plan.seed + plan.published) % MAX_SEED,
                         **_size_kwargs(plan.group_size, plan.group_count))
    plan.rounds, plan.repeats, plan.bound = result.rounds, result.repeats, result.bound
    plan.updated_at = utcnow()


def plan_rounds(db: DB, session: Session, settings: PlanSettings, seed: int | None = None) -> RoundPlan:
    """Plan the evening's next `settings.rounds` mixed rounds together (replacing an earlier plan)."""
    _validate(RoundSettings("mixed", settings.group_size, settings.group_count))
    if not 1 <= settings.rounds <= MAX_PLANNED_ROUNDS:
        raise RoundError("bad_rounds")
    if not present_participants(db, session):
        raise RoundError("no_participants")
    plan = session.round_plan
    if plan is None:
        plan = RoundPlan(session_id=session.id, rounds=[], repeats=[])
        session.round_plan = plan
    plan.total, plan.published = settings.rounds, 0
    plan.group_size, plan.group_count = settings.group_size, settings.group_count
    plan.seed = secrets.randbelow(MAX_SEED) if seed is None else seed
    _fill_plan(db, session, plan)
    bump(session)
    db.commit()
    publish(RoundsPlanned(session))
    return plan


def publish_planned(db: DB, session: Session) -> Round:
    """Publish the next planned round as a new round (re-planned first if the people present are
    no longer the ones it was planned for)."""
    plan = session.round_plan
    if plan is None or plan.published >= plan.total:
        raise RoundError("no_plan")
    here = present_participants(db, session)
    present = {p.id for p in here}
    if not present:
        raise RoundError("no_participants")
    if not plan.rounds or {i for group in plan.rounds[0] for i in group} != present:
        _fill_plan(db, session, plan)
    groups = plan.rounds[0]
    number = (db.scalar(select(func.max(Round.number)).where(Round.session_id == session.id)) or 0) + 1
    round_ = Round(session_id=session.id, number=number, strategy="mixed", seed=plan.seed,
                   group_size=plan.group_size, group_count=plan.group_count, published_at=utcnow())
    db.add(round_)
    db.flush()
    _fill(db, round_, groups)
    plan.published += 1
    plan.rounds, plan.repeats = plan.rounds[1:], plan.repeats[1:]
    people = [person_of(p) for p in here]
    plan.bound = mixing.repeat_bound(people, rounds=len(plan.rounds), earlier_rounds=earlier_groups(db, session),
                                     **_size_kwargs(plan.group_size, plan.group_count)) if plan.rounds else 0
    bump(session)
    db.commit()
    if session.phase in ("lobby", "info", "qa"):
        set_phase(db, session, "grouping")
    publish(RoundPublished(session, round_))
    publish(RoundsPlanned(session))
    return round_


def clear_plan(db: DB, session: Session) -> None:
    """Forget the planned rounds not yet published (published rounds stay)."""
    if session.round_plan is None:
        raise RoundError("no_plan")
    session.round_plan = None
    bump(session)
    db.commit()
    publish(RoundsPlanned(session))


def replan(db: DB, session: Session) -> bool:
    """Re-plan the planned rounds still ahead after the people or the history changed; True if
    there were any. Published rounds are never touched."""
    plan = session.round_plan
    if plan is None or plan.published >= plan.total:
        return False
    _fill_plan(db, session, plan)
    bump(session)
    db.commit()
    publish(RoundsPlanned(session))
    return True


def plan_summary(session: Session) -> PlanSummary | None:
    plan = session.round_plan
    if plan is None:
        return None
    return PlanSummary(plan.total, plan.published, list(plan.repeats), plan.bound, plan.group_size, plan.group_count)


def delete_draft(db: DB, session: Session, round_: Round) -> None:
    if round_.published_at is not None:
        raise RoundError("already_published")
    db.delete(round_)
    bump(session)
    db.commit()


# Built once (every note and every connect runs it): only the parameters change.
_GROUP_NOW = (select(Group).join(GroupMember, GroupMember.group_id == Group.id)
              .where(GroupMember.round_id == _newest_published(bindparam("session_id"), Round.id).scalar_subquery(),
                     GroupMember.participant_id == bindparam("participant_id"))
              .options(joinedload(Group.round)))


_GROUP_SIZE = select(func.count(GroupMember.id)).where(GroupMember.group_id == bindparam("group_id"))


def group_size(db: DB, group: Group) -> int:
    """How many sit in the group: counted by the database unless its members are loaded already (a
    phone's connect needs the number, not an object per member)."""
    if "members" not in inspect(group).unloaded:
        return len(group.members)
    return columns(db, _GROUP_SIZE, {"group_id": group.id}).scalar()


def group_now(db: DB, session_id: int, participant_id: int) -> Group | None:
    """The participant's group in the newest published round (None when not in it), with its round,
    in one query, remembered until the next commit: a phone's connect asks twice, every note once."""
    remembered = memo(db)
    key = ("group_now", session_id, participant_id)
    if key not in remembered:
        remembered[key] = db.scalar(_GROUP_NOW, {"session_id": session_id, "participant_id": participant_id})
    return remembered[key]


def place_late_arrival(db: DB, session: Session, participant: Participant) -> Group | None:
    """Put a newcomer where they add most to the current round, moving nobody else; then re-plan
    the planned rounds still ahead with them in."""
    group = _place_in_current_round(db, session, participant)
    replan(db, session)
    return group


def _place_in_current_round(db: DB, session: Session, participant: Participant) -> Group | None:
    round_ = with_members(db, current_round(db, session))  # every member and person in one query
    if round_ is None or not round_.groups:
        return None
    members = [m for g in round_.groups for m in g.members]
    if any(m.participant_id == participant.id for m in members):
        return None
    ids = member_ids(round_)
    people = {m.participant_id: person_of(m.participant) for m in members}
    index = mixing.place_late_arrival(ids, people, person_of(participant),
                                      earlier_groups(db, session, before=round_))
    group = round_.groups[index]
    group.members.append(GroupMember(round_id=round_.id, participant=participant, late=True))
    bump(session)
    db.commit()
    publish(LateArrivalPlaced(session, group, participant))
    return group


def set_absent(db: DB, session: Session, participant: Participant, absent: bool) -> None:
    """Mark someone absent (or back): published groups stay; planned rounds ahead are re-planned."""
    participant.absent = absent
    bump(session)
    db.commit()
    publish(AbsenceMarked(session, participant))
    replan(db, session)


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
    if round_.published_at is not None:
        replan(db, session)
    return moves


@dataclass(frozen=True)
class HomeGroup:
    """A home group as the facilitator sees it: whose it is, how big, which backgrounds sit in it."""
    number: int
    colour: str
    municipality: str | None
    size: int
    backgrounds: list[tuple[str, int]]  # (background, people), in BACKGROUNDS order


def home_overview(round_: Round) -> tuple[list[HomeGroup], dict[str, bool]]:
    """The home groups, and for each municipality split over several groups whether its
    backgrounds are spread evenly between them (what matters there, not the mixing score)."""
    rows, by_municipality = [], {}
    for g in round_.groups:
        people = [m.participant for m in g.members]
        counts = Counter(p.background for p in people)
        order = {b: k for k, b in enumerate(BACKGROUNDS)}
        rows.append(HomeGroup(g.number, g.colour, g.municipality, len(people),
                              sorted(counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))))
        if g.municipality:
            by_municipality.setdefault(g.municipality, []).append([p.id for p in people])
    everyone = {m.participant_id: person_of(m.participant) for g in round_.groups for m in g.members}
    balanced = {code: mixing.score(groups, everyone).background_excess == 0
                for code, groups in by_municipality.items() if len(groups) > 1}
    return rows, balanced


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


_QUESTION_TEXT = select(Question.text).where(Question.id == bindparam("question_id"))
_VOTING_STATE = select(Group.voting, Group.question_id).where(Group.id == bindparam("group_id"))


def question_text(db: DB, group: Group) -> str | None:
    """The group's question as a board shows it (its text only: no ORM object per snapshot)."""
    return columns(db, _QUESTION_TEXT, {"question_id": group.question_id}).scalar() if group.question_id else None


def refresh_voting_state(db: DB, group: Group) -> None:
    """Read the group's voting state and question again, as committed now (a snapshot under the
    flipchart lock), in one plain SELECT instead of the ORM's refresh of expired attributes."""
    row = columns(db, _VOTING_STATE, {"group_id": group.id}).one()
    set_committed_value(group, "voting", row.voting)
    set_committed_value(group, "question_id", row.question_id)
