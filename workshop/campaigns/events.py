"""Live fan-out of campaigns: carpool leaderboard and good-deed nominations to projector and facilitator,
the good-deed vote's state to phones, and which extra panel the projector shows."""
from __future__ import annotations

from workshop.campaigns import service as campaigns
from workshop.db import get_db
from workshop.extensions import socketio
from workshop.live.handlers import LiveHandlers, State
from workshop.live.registry import Conn
from workshop.models import Session

handlers = LiveHandlers()


def _staff(session: Session) -> tuple[str, str]:
    return f"s{session.id}:screen", f"s{session.id}:fac"


def nominations_payload(db, session: Session) -> dict:
    return {"voting": campaigns.settings_of(session).good_deed_voting,
            "nominations": campaigns.nominations(db, session), "seq": session.seq}


def leaderboard_payload(db, session: Session) -> dict:
    return {**campaigns.leaderboard(db, session), "seq": session.seq}


def good_deed_payload(session: Session) -> dict:
    return {"voting": campaigns.settings_of(session).good_deed_voting, "seq": session.seq}


def panel_payload(session: Session) -> dict:
    return {"panel": campaigns.settings_of(session).screen_panel, "seq": session.seq}


@handlers.fanout(campaigns.CarpoolEntered)
@handlers.fanout(campaigns.CarpoolDeleted)
def leaderboard_to_staff(event: campaigns.CampaignEvent) -> None:
    payload = leaderboard_payload(get_db(), event.session)
    for room in _staff(event.session):
        socketio.emit("leaderboard", payload, to=room)


@handlers.fanout(campaigns.CampaignSettingsChanged)
@handlers.fanout(campaigns.Nominated)
@handlers.fanout(campaigns.NominationPicked)
@handlers.fanout(campaigns.NominationHidden)
@handlers.fanout(campaigns.GoodDeedVotingChanged)
@handlers.fanout(campaigns.GoodDeedVoteCast)
def nominations_to_staff_and_phones(event: campaigns.CampaignEvent) -> None:
    """The nominations with their votes to projector and facilitator; to phones only whether the vote is open."""
    session = event.session
    payload = nominations_payload(get_db(), session)
    for room in _staff(session):
        socketio.emit("nominations", payload, to=room)
    socketio.emit("good_deed", good_deed_payload(session), to=f"s{session.id}")


@handlers.fanout(campaigns.ScreenPanelChanged)
def panel_to_projector(event: campaigns.ScreenPanelChanged) -> None:
    socketio.emit("screen_panel", panel_payload(event.session), to=f"s{event.session.id}:screen")


@handlers.on_sync
def send_campaign_state(session: Session, conn: Conn, state: State) -> None:
    db = get_db()
    if conn.role == "participant":
        state.emit("good_deed", good_deed_payload(session))
        return
    if conn.role == "screen":
        state.emit("screen_panel", panel_payload(session))
    settings = campaigns.settings_of(session)
    if settings.carpool_enabled:
        state.emit("leaderboard", leaderboard_payload(db, session))
    if settings.good_deed_enabled:
        state.emit("nominations", nominations_payload(db, session))
