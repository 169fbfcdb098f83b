"""Live fan-out of grouping: each phone its own group, the projector and facilitator all groups."""
from __future__ import annotations

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.grouping import service as rounds
from workshop.grouping.service import current_round, group_now
from workshop.live.handlers import LiveHandlers, State
from workshop.live.registry import Conn, join_group_rooms
from workshop.models import Participant, Session
from workshop.sessions.events import broadcast_lobby

handlers = LiveHandlers()


def group_payload(group, with_members: bool) -> dict:
    data = {"round": group.round.number, "number": group.number, "colour": group.colour,
            "table": group.table_label,
            "municipality": group.municipality,
            "size": len(group.members) if with_members else rounds.group_size(get_db(), group)}
    if with_members:
        data["members"] = [{"name": m.participant.first_name, "municipality": m.participant.municipality,
                            "background": m.participant.background, "late": m.late} for m in group.members]
    return data


def groups_payload(round_) -> dict:
    return {"round": round_.number if round_ else None,
            "groups": [group_payload(g, with_members=True) for g in (round_.groups if round_ else [])]}


def broadcast_groups(session: Session, round_, participant_ids=None) -> None:
    """Send each member its own group, and the projector and facilitator all groups.

    `participant_ids` limits the phone messages to those whose group changed (a late arrival).
    """
    rounds.with_members(get_db(), round_)  # everyone is named below: one query, not one per person
    for group in round_.groups:
        payload = group_payload(group, with_members=False)
        for m in group.members:
            if participant_ids is None or m.participant_id in participant_ids:
                socketio.emit("group", payload, to=f"p{m.participant_id}")
    join_group_rooms({m.participant_id: g.id for g in round_.groups for m in g.members})
    everyone = groups_payload(round_)
    everyone["seq"] = session.seq
    socketio.emit("groups", everyone, to=f"s{session.id}:screen")
    socketio.emit("groups", everyone, to=f"s{session.id}:fac")


def send_own_group(session: Session, participant_id: int, state: State) -> None:
    group = group_now(get_db(), session.id, participant_id)
    if group is not None:
        state.emit("group", group_payload(group, with_members=False))


def announce_late_arrival(session: Session, group, participant: Participant) -> None:
    """The facilitator sees where a late arrival was placed."""
    socketio.emit("late_arrival", {"round": group.round.number, "group": group.number,
                                   "name": participant.first_name,
                                   "municipality": participant.municipality,
                                   "background": participant.background}, to=f"s{session.id}:fac")


@handlers.fanout(rounds.RoundPublished)
def on_round_published(event: rounds.RoundPublished) -> None:
    broadcast_groups(event.session, event.round)


@handlers.fanout(rounds.GroupsChanged)
def on_groups_changed(event: rounds.GroupsChanged) -> None:
    """Published rounds are live: phones, projector and facilitator follow every change."""
    if event.round.published_at is not None:
        broadcast_groups(event.session, event.round)


@handlers.fanout(rounds.LateArrivalPlaced)
def on_late_arrival_placed(event: rounds.LateArrivalPlaced) -> None:
    """Only the newcomer's phone hears of its group; everyone else's group is unchanged."""
    broadcast_groups(event.session, event.group.round, {event.participant.id})
    announce_late_arrival(event.session, event.group, event.participant)


def plan_payload(session: Session) -> dict:
    """The quality of the planned rounds still ahead (numbers only, nobody named)."""
    summary = rounds.plan_summary(session)
    return {"plan": summary.payload() if summary else None, "seq": session.seq}


@handlers.fanout(rounds.RoundsPlanned)
def on_rounds_planned(event: rounds.RoundsPlanned) -> None:
    """Planned rounds are the facilitator's alone until one is published."""
    socketio.emit("round_plan", plan_payload(event.session), to=f"s{event.session.id}:fac")


@handlers.fanout(rounds.AbsenceMarked)
def on_absence_marked(event: rounds.AbsenceMarked) -> None:
    broadcast_lobby(event.session)


@handlers.on_sync
def send_group_state(session: Session, conn: Conn, state: State) -> None:
    if conn.role == "participant":
        send_own_group(session, conn.participant_id, state)
    else:
        state.emit("groups", groups_payload(rounds.with_members(get_db(), current_round(get_db(), session))))
        if conn.role == "facilitator":
            state.emit("round_plan", plan_payload(session))
