"""Campaigns around the evening (seeds/002): the carpool contest and the "good deed" award.

Carpool: each car that came together reports its passengers (driver included) and the kilometres
of the trip. The leaderboard ranks cars by combined distance = passengers × kilometres.
CO₂ saved assumes every passenger other than the driver would otherwise have driven the same
distance alone in an average Finnish passenger car emitting CO2_KG_PER_KM (0.15 kg/km, roughly
the Finnish car fleet's average per vehicle-kilometre in Traficom / VTT LIPASTO figures):
saved = (passengers − 1) × kilometres × CO2_KG_PER_KM.

Good deed: anyone with the campaign link nominates (nominee, deed, own municipality) before the
event; at the event the facilitator opens a vote among the nominations (one vote per phone) or
simply picks the winner.
"""
from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DB

from workshop.campaigns.models import CampaignSettings
from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.ids import parse_int, row_id
from workshop.core.text import TextError, clean_text
from workshop.models import (
    SCREEN_PANELS,
    Carpool,
    Nomination,
    NominationVote,
    Participant,
    Session,
)
from workshop.sessions.service import allowed_municipalities, bump

CO2_KG_PER_KM = 0.15
MAX_PASSENGERS = 9
MAX_KILOMETRES = 1000


class CampaignError(DomainError):
    """A refused campaign change; args[0] is a key of labels.CAMPAIGN_ERRORS."""


# --- domain events ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CampaignEvent(DomainEvent):
    session: Session


@dataclass(frozen=True)
class CampaignSettingsChanged(CampaignEvent):
    """The carpool contest or the good deed award was turned on or off."""


@dataclass(frozen=True)
class ScreenPanelChanged(CampaignEvent):
    """The projector's extra panel changed (feedback results, leaderboard, nominations or none)."""


@dataclass(frozen=True)
class CarpoolEntered(CampaignEvent):
    carpool: Carpool


@dataclass(frozen=True)
class CarpoolDeleted(CampaignEvent):
    carpool_id: int


@dataclass(frozen=True)
class Nominated(CampaignEvent):
    nomination: Nomination


@dataclass(frozen=True)
class NominationPicked(CampaignEvent):
    """The facilitator named the award's winner."""
    nomination: Nomination


@dataclass(frozen=True)
class NominationHidden(CampaignEvent):
    """The facilitator hid a nomination (or showed it again: `hidden` False)."""
    nomination: Nomination
    hidden: bool


@dataclass(frozen=True)
class GoodDeedVotingChanged(CampaignEvent):
    """The phones' vote for the good deed award opened or closed."""
    open: bool


@dataclass(frozen=True)
class GoodDeedVoteCast(CampaignEvent):
    vote: NominationVote


# --- text, numbers and municipalities as the campaign page sends them --------------------------------

def _text(value, limit: int, missing: str, too_long: str, multiline: bool = False) -> str:
    """Required text under the one text policy (core.text)."""
    try:
        return clean_text(value, limit, multiline=multiline)
    except TextError as exc:
        key = {"empty": missing, "type": missing, "too_long": too_long}.get(exc.reason, "control")
        raise CampaignError(key) from exc


def _number(value, low: int, high: int, error: str) -> int:
    number = parse_int(value, minimum=low, maximum=high)
    if number is None:
        raise CampaignError(error)
    return number


def _municipality(session: Session, code) -> str | None:
    if code in (None, ""):
        return None
    if code not in allowed_municipalities(session):
        raise CampaignError("bad_municipality")
    return code


# --- settings ------------------------------------------------------------------------------------

def settings_of(session: Session) -> CampaignSettings:
    """The workshop's campaign settings; unsaved defaults (all off) when it never had any."""
    return session.campaign_settings or CampaignSettings(
        session_id=session.id, carpool_enabled=False, good_deed_enabled=False, good_deed_voting=False)


def editable_settings(session: Session) -> CampaignSettings:
    """The settings row to change, added to the workshop's database session when it is new; the
    caller commits."""
    if session.campaign_settings is None:
        session.campaign_settings = CampaignSettings(
            carpool_enabled=False, good_deed_enabled=False, good_deed_voting=False)
    return session.campaign_settings


def configure(db: DB, session: Session, carpool: bool, good_deed: bool) -> Session:
    """Turn the campaigns on or off; the public campaign link exists while either is on."""
    settings = editable_settings(session)
    settings.carpool_enabled, settings.good_deed_enabled = bool(carpool), bool(good_deed)
    if carpool or good_deed:
        settings.token = settings.token or secrets.token_urlsafe(16)
    else:
        settings.token = None
        settings.good_deed_voting = False
    bump(session)
    db.commit()
    publish(CampaignSettingsChanged(session))
    return session


def session_by_token(db: DB, token: str) -> Session | None:
    if not token or len(token) > 64:
        return None
    return db.scalar(select(Session).join(CampaignSettings).where(CampaignSettings.token == token))


def set_screen_panel(db: DB, session: Session, panel: str | None) -> Session:
    if panel not in (None, "", *SCREEN_PANELS):
        raise CampaignError("bad_request")
    editable_settings(session).screen_panel = panel or None
    bump(session)
    db.commit()
    publish(ScreenPanelChanged(session))
    return session


# --- carpool contest ----------------------------------------------------------------------------

def report_carpool(db: DB, session: Session, name, passengers, kilometres, municipality=None) -> Carpool:
    if not settings_of(session).carpool_enabled or session.phase == "closed":
        raise CampaignError("carpool_off")
    car = Carpool(session_id=session.id, name=_text(name, 80, "car_name_missing", "car_name_too_long"),
                  passengers=_number(passengers, 1, MAX_PASSENGERS, "bad_passengers"),
                  kilometres=_number(kilometres, 1, MAX_KILOMETRES, "bad_kilometres"),
                  municipality=_municipality(session, municipality))
    db.add(car)
    bump(session)
    db.commit()
    publish(CarpoolEntered(session, car))
    return car


def delete_carpool(db: DB, session: Session, car_id) -> None:
    car_id = row_id(car_id)
    car = db.get(Carpool, car_id) if car_id is not None else None
    if car is None or car.session_id != session.id:
        raise CampaignError("not_found")
    db.delete(car)
    bump(session)
    db.commit()
    publish(CarpoolDeleted(session, car_id))


def carpool_figures(passengers: int, kilometres: int) -> dict:
    """Combined distance (person-kilometres) and CO₂ saved, in kg with one decimal."""
    return {"combined_km": passengers * kilometres,
            "co2_kg": round((passengers - 1) * kilometres * CO2_KG_PER_KM, 1)}


def leaderboard(db: DB, session: Session) -> dict:
    """Cars by combined distance, longest first (ties: more people, then who reported first)."""
    cars = db.scalars(select(Carpool).where(Carpool.session_id == session.id).order_by(Carpool.id)).all()
    return leaderboard_of([{"id": c.id, "name": c.name, "municipality": c.municipality, "passengers": c.passengers,
                            "kilometres": c.kilometres} for c in cars])


def leaderboard_of(cars: list[dict]) -> dict:
    """The leaderboard from plain car dicts (the database's or an export's, in reporting order)."""
    rows = [{**c, "id": c.get("id", i), **carpool_figures(c["passengers"], c["kilometres"])}
            for i, c in enumerate(cars)]
    rows.sort(key=lambda r: (-r["combined_km"], -r["passengers"], r["id"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return {"cars": rows, "combined_km": sum(r["combined_km"] for r in rows),
            "co2_kg": round(sum((r["passengers"] - 1) * r["kilometres"] for r in rows) * CO2_KG_PER_KM, 1),
            "people": sum(r["passengers"] for r in rows), "kg_per_km": CO2_KG_PER_KM}


# --- good deed award ----------------------------------------------------------------------------

def nominate(db: DB, session: Session, nominee, deed, municipality=None) -> Nomination:
    if not settings_of(session).good_deed_enabled or session.phase == "closed":
        raise CampaignError("good_deed_off")
    nomination = Nomination(session_id=session.id,
                            nominee=_text(nominee, 120, "nominee_missing", "nominee_too_long"),
                            deed=_text(deed, 1000, "deed_missing", "deed_too_long", multiline=True),
                            municipality=_municipality(session, municipality))
    db.add(nomination)
    bump(session)
    db.commit()
    publish(Nominated(session, nomination))
    return nomination


def nomination_of(db: DB, session: Session, nomination_id) -> Nomination:
    nomination_id = row_id(nomination_id)
    n = db.get(Nomination, nomination_id) if nomination_id is not None else None
    if n is None or n.session_id != session.id:
        raise CampaignError("not_found")
    return n


def set_voting(db: DB, session: Session, open_: bool) -> Session:
    if open_ and not settings_of(session).good_deed_enabled:
        raise CampaignError("good_deed_off")
    editable_settings(session).good_deed_voting = bool(open_)
    bump(session)
    db.commit()
    publish(GoodDeedVotingChanged(session, bool(open_)))
    return session


def vote(db: DB, session: Session, participant: Participant, nomination_id) -> NominationVote:
    """One vote per participant; voting again moves the vote."""
    if not settings_of(session).good_deed_voting:
        raise CampaignError("voting_closed")
    nomination = nomination_of(db, session, nomination_id)
    if nomination.hidden or participant.session_id != session.id:
        raise CampaignError("not_found")
    existing = db.scalar(select(NominationVote).where(NominationVote.session_id == session.id,
                                                      NominationVote.participant_id == participant.id))
    if existing is None:
        existing = NominationVote(session_id=session.id, participant_id=participant.id, nomination_id=nomination.id)
        db.add(existing)
    else:
        existing.nomination_id = nomination.id
    bump(session)
    db.commit()
    publish(GoodDeedVoteCast(session, existing))
    return existing


def my_vote(db: DB, session: Session, participant: Participant) -> int | None:
    return db.scalar(select(NominationVote.nomination_id).where(NominationVote.session_id == session.id,
                                                                NominationVote.participant_id == participant.id))


def pick(db: DB, session: Session, nomination: Nomination) -> Nomination:
    """The facilitator names the winner (one at a time; picking again moves it)."""
    for other in db.scalars(select(Nomination).where(Nomination.session_id == session.id, Nomination.picked)):
        other.picked = False
    nomination.picked = True
    bump(session)
    db.commit()
    publish(NominationPicked(session, nomination))
    return nomination


def set_hidden(db: DB, session: Session, nomination: Nomination, hidden: bool) -> Nomination:
    nomination.hidden = bool(hidden)
    if hidden:
        nomination.picked = False
    bump(session)
    db.commit()
    publish(NominationHidden(session, nomination, bool(hidden)))
    return nomination


def nominations(db: DB, session: Session, include_hidden: bool = False) -> list[dict]:
    """Nominations with their votes, most votes first."""
    counts = Counter(dict(db.execute(select(NominationVote.nomination_id, func.count(NominationVote.id))
                                     .where(NominationVote.session_id == session.id)
                                     .group_by(NominationVote.nomination_id)).all()))
    rows = db.scalars(select(Nomination).where(Nomination.session_id == session.id).order_by(Nomination.id)).all()
    out = [{"id": n.id, "nominee": n.nominee, "deed": n.deed, "municipality": n.municipality,
            "hidden": n.hidden, "picked": n.picked, "votes": counts.get(n.id, 0)}
           for n in rows if include_hidden or not n.hidden]
    out.sort(key=lambda n: (not n["picked"], -n["votes"], n["id"]))
    return out
