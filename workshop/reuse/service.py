"""Reuse a workshop's plan: duplicate it, save it as a template for the whole installation, start
a new workshop from a template, or the next workshop of a series from the series' latest.

What is copied (a workshop's *blueprint*): the title, municipalities, themes and their questions, the
agenda, the participant limit, the series, the registration page's capacity, the feedback survey's
questions, the flipchart's vote-stacking rule, how vote and question results are shown (live or on
reveal, core/visibility.py; never "revealed") and whether questions may carry a name, and which campaigns
are on. Never people, notes, votes,
plans, rounds or secret links: a copy gets its own join code and projector link, and its
registration, feedback and results links stay closed until the facilitator opens them.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session as DB

from workshop.campaigns import service as campaigns
from workshop.core.errors import DomainError
from workshop.core.events import DomainEvent, publish
from workshop.core.text import TextError, clean_text
from workshop.core.visibility import RESULTS_MODES
from workshop.feedback import service as feedback
from workshop.flipchart import service as flipchart
from workshop.models import Series, Session
from workshop.qa import service as qa
from workshop.registration import service as registration
from workshop.reuse.models import WorkshopTemplate
from workshop.sessions import service as sessions
from workshop.sessions.service import SessionSpec, ThemeSpec

MAX_NAME = 200
BLUEPRINT_VERSION = 1


class ReuseError(DomainError):
    """args[0]: "name_missing", "name_too_long", "control", "not_found", "not_yours", "empty_series"."""


@dataclass(frozen=True)
class TemplateSaved(DomainEvent):
    template: WorkshopTemplate


@dataclass(frozen=True)
class TemplateDeleted(DomainEvent):
    template_id: int


def blueprint_of(session: Session) -> dict:
    """The workshop's plan without its people, as plain JSON-ready values."""
    spec = sessions.spec_of(session)
    campaign = campaigns.settings_of(session)
    return {
        "version": BLUEPRINT_VERSION,
        "title": spec.title,
        "host_municipality": spec.host_municipality,
        "municipalities": spec.municipalities,
        "themes": [{"title": t.title, "questions": list(t.questions)} for t in spec.themes],
        "agenda": [[title, minutes] for title, minutes in spec.agenda],
        "max_participants": spec.max_participants,
        "registration": {"capacity": registration.settings_of(session).capacity},
        "feedback": {"questions": feedback.settings_of(session).questions},
        "flipchart": {"allow_vote_stacking": flipchart.vote_stacking_allowed(session),
                      "vote_results": flipchart.vote_results(session)},
        "qa": {"named": bool(qa.settings_of(session).named), "results": qa.settings_of(session).results},
        "campaigns": {"carpool": bool(campaign.carpool_enabled), "good_deed": bool(campaign.good_deed_enabled)},
    }


def _spec(blueprint: dict, title: str, series_id: int | None) -> SessionSpec:
    return SessionSpec(
        title=title, starts_at=None, host_municipality=blueprint.get("host_municipality"),
        municipalities=list(blueprint.get("municipalities") or []),
        themes=[ThemeSpec(t["title"], list(t.get("questions") or [])) for t in blueprint.get("themes") or []],
        agenda=[(str(title_), int(minutes)) for title_, minutes in blueprint.get("agenda") or []],
        series_id=series_id, max_participants=blueprint.get("max_participants"))


def _name(value) -> str:
    try:
        return clean_text(value, MAX_NAME, collapse=True)
    except TextError as exc:
        raise ReuseError({"empty": "name_missing", "too_long": "name_too_long"}.get(exc.reason, "control")) from exc


def create_from(db: DB, facilitator_id: int, blueprint: dict, title, series_id: int | None = None) -> Session:
    """A new workshop in the lobby with the blueprint's plan, owned by `facilitator_id`."""
    session = sessions.create_session(db, facilitator_id, _spec(blueprint, _name(title), series_id))
    capacity = (blueprint.get("registration") or {}).get("capacity")
    if capacity:
        registration.editable_settings(session).capacity = capacity
    questions = (blueprint.get("feedback") or {}).get("questions")
    if questions:
        feedback.editable_settings(session).questions = questions
    board = blueprint.get("flipchart") or {}
    if board.get("allow_vote_stacking"):
        flipchart.settings_of(session).allow_vote_stacking = True
    if board.get("vote_results") in RESULTS_MODES:  # older blueprints: the default ("reveal")
        flipchart.settings_of(session).vote_results = board["vote_results"]
    asked = blueprint.get("qa") or {}
    if asked.get("named") or asked.get("results") == "live":
        settings = qa.editable_settings(session)
        settings.named, settings.results = bool(asked.get("named")), asked.get("results", "reveal")
    wanted = blueprint.get("campaigns") or {}
    if wanted.get("carpool") or wanted.get("good_deed"):
        settings = campaigns.editable_settings(session)
        settings.carpool_enabled = bool(wanted.get("carpool"))
        settings.good_deed_enabled = bool(wanted.get("good_deed"))
        settings.token = secrets.token_urlsafe(16)
    db.commit()
    return session


def duplicate(db: DB, session: Session, facilitator_id: int, title) -> Session:
    """A copy of `session` (same series) for `facilitator_id`, under the new title."""
    return create_from(db, facilitator_id, blueprint_of(session), title, session.series_id)


def next_in_series(db: DB, series: Series, facilitator_id: int, title) -> Session:
    """The series' next workshop, started from its latest one (by date, then creation): the earlier
    workshops' open plan actions are then followed up on the new one's plans page."""
    latest = db.scalars(select(Session).where(Session.series_id == series.id)
                        .order_by(Session.starts_at.desc().nulls_last(), Session.id.desc()).limit(1)).first()
    if latest is None:
        raise ReuseError("empty_series")
    return create_from(db, facilitator_id, blueprint_of(latest), title, series.id)


def save_template(db: DB, session: Session, facilitator_id: int, name) -> WorkshopTemplate:
    template = WorkshopTemplate(name=_name(name), facilitator_id=facilitator_id, content=blueprint_of(session))
    db.add(template)
    db.commit()
    publish(TemplateSaved(template))
    return template


def templates(db: DB) -> list[WorkshopTemplate]:
    """Every template of the installation, newest first."""
    return list(db.scalars(select(WorkshopTemplate).order_by(WorkshopTemplate.created_at.desc(),
                                                             WorkshopTemplate.id.desc())))


def template(db: DB, template_id: int) -> WorkshopTemplate:
    found = db.get(WorkshopTemplate, template_id)
    if found is None:
        raise ReuseError("not_found")
    return found


def delete_template(db: DB, template_: WorkshopTemplate, facilitator_id: int) -> None:
    """Only the template's author removes it (others' evenings may be built on it)."""
    if template_.facilitator_id != facilitator_id:
        raise ReuseError("not_yours")
    template_id = template_.id
    db.delete(template_)
    db.commit()
    publish(TemplateDeleted(template_id))


def series_of(db: DB, series_id: int, facilitator_id: int) -> Series:
    series = db.get(Series, series_id)
    if series is None or series.facilitator_id != facilitator_id:
        raise ReuseError("not_found")
    return series
