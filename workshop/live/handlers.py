"""A feature's Socket.IO handlers, collected in its events.py and bound to the app in create_app.

`LiveHandlers.on(event, role=…)` is the one preamble of every client event: who is asking (role),
the payload against its declared schema, the flood limit, and a translated error acknowledgement
for every refusal (a DomainError raised by the service included).
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass

from flask import Flask
from flask_babel import gettext
from flask_socketio import SocketIO
from pydantic import BaseModel, ValidationError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session as DB
from sqlalchemy.orm import lazyload

from workshop.core.errors import DomainError
from workshop.core.events import subscribe
from workshop.db import get_db
from workshop.extensions import socketio
from workshop.live.registry import Conn, current_conn, within_limit
from workshop.models import Participant, Session

SYNC_KEY = "paja_sync"
log = logging.getLogger(__name__)


@dataclass
class LiveContext:
    """Who sent the current event, loaded once: the database session, the socket's identity, the
    workshop, and the participant (None for projector and facilitator sockets)."""
    db: DB
    conn: Conn
    session: Session
    participant: Participant | None = None


class State:
    """Everything one socket gets on (re)connect and on "sync": every feature's `on_sync` part, sent as
    ONE "state" message, [[event, payload], …] in registration order. static/js/live.js hands each part
    to the page's handlers of that event, as if the events had come one by one. One message instead of
    about eight: one encoding, one queue entry and one WebSocket frame per (re)connect.

    A part may need a lock until the message is out (flipchart_order: no change of a flipchart may
    reach the socket before the snapshot that misses it): `hold` keeps it until the send. Used as a
    context manager: sent at the end, not sent when a sender raised; held locks released either way."""

    def __init__(self, sid: str):
        self.sid = sid
        self.parts: list[list] = []
        self._held = ExitStack()

    def emit(self, event: str, payload) -> None:
        self.parts.append([event, payload])

    def hold(self, context: AbstractContextManager) -> None:
        self._held.enter_context(context)

    def __enter__(self) -> State:
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        with self._held:
            if exc_type is None and self.parts:
                socketio.emit("state", self.parts, to=self.sid)


def error_ack(errors: Mapping, key: str) -> dict:
    message = errors.get(key) or errors.get("bad_request") or "?"
    return {"ok": False, "error": gettext(str(message))}


def schema_error_key(exc: ValidationError, errors: Mapping) -> str:
    """A schema may refuse a field with a message key as its error type (PydanticCustomError(key, …));
    the first such key keeps its own message, anything else is "bad_request"."""
    return next((e["type"] for e in exc.errors() if e["type"] in errors), "bad_request")


# The phone's row and its workshop in one query, without the workshop's settings rows that Session
# loads joined by default (a phone's events seldom need them; they load when touched): building the
# joined loaders cost about a tenth of a note's CPU. Built once: only the parameter changes.
_PHONE_AND_WORKSHOP = (select(Participant, Session).join(Session, Session.id == Participant.session_id)
                       .where(Participant.id == bindparam("participant_id")).options(lazyload("*")))


def live_context(roles: tuple[str, ...]) -> LiveContext | None:
    conn = current_conn()
    if conn is None or conn.role not in roles:
        return None
    db = get_db()
    if conn.role == "participant":
        row = db.execute(_PHONE_AND_WORKSHOP, {"participant_id": conn.participant_id}).first()
        if row is None or row[0].removed:
            return None
        return LiveContext(db, conn, row[1], row[0])
    session = db.get(Session, conn.session_id)
    return LiveContext(db, conn, session) if session is not None else None


class LiveHandlers:
    """Event handlers, reconnect-state senders and domain-event fan-outs of one feature.

    Nothing is registered at import: `bind` does it for one app, from create_app's ordered list.
    `on_sync` functions add the feature's current state for one socket on (re)connect and on
    "sync": fn(session, conn, state), each part by `state.emit(event, payload)` (see State).
    `fanout(EventType)` functions take the committed domain event and emit it to the rooms allowed
    to see it.
    """

    def __init__(self) -> None:
        self.events: dict[str, Callable] = {}
        self.syncs: list[Callable] = []
        self.fanouts: list[tuple[type, Callable]] = []

    def on(self, event: str, *, role: str | tuple[str, ...] | None = None,
           schema: type[BaseModel] | None = None, limit: str | None = None,
           errors: Mapping | None = None) -> Callable:
        """Without `role`: a raw Socket.IO handler (connect, disconnect). With it: fn(ctx, payload)
        whose refusals become {"ok": False, "error": <translated message from `errors`>}: the key
        "forbidden" for a socket of another role, "bad_request" for a payload its schema refuses (or the
        message key a refused field names: schema_error_key),
        "too_fast" over the flood limit, a DomainError's key (each falls back to "bad_request")."""
        roles = (role,) if isinstance(role, str) else role
        messages = errors or {}

        def decorator(fn: Callable) -> Callable:
            if roles is None:
                self.events[event] = fn
                return fn

            @functools.wraps(fn)
            def handler(data=None, *_args):
                ctx = live_context(roles)
                if ctx is None:  # wrong role, or no longer a participant
                    return error_ack(messages, "forbidden")
                payload = data
                if schema is not None:
                    try:
                        payload = schema.model_validate(data)
                    except ValidationError as exc:
                        return error_ack(messages, schema_error_key(exc, messages))
                if limit and ctx.participant is not None and not within_limit(limit, ctx.participant.id):
                    log.warning("Flood limit: %s from participant %d refused", event, ctx.participant.id)
                    return error_ack(messages, "too_fast")
                try:
                    return fn(ctx, payload)
                except DomainError as exc:
                    return error_ack(messages, exc.key)

            self.events[event] = handler
            return handler
        return decorator

    def on_sync(self, fn: Callable) -> Callable:
        self.syncs.append(fn)
        return fn

    def fanout(self, event_type: type) -> Callable:
        """Mark fn(event) as the fan-out of a domain event: which rooms see it, with which payload."""
        def decorator(fn: Callable) -> Callable:
            self.fanouts.append((event_type, fn))
            return fn
        return decorator

    def bind(self, app: Flask, socketio: SocketIO) -> None:
        """Register on this app's Socket.IO server (call after socketio.init_app)."""
        for event, fn in self.events.items():
            socketio.on_event(event, fn)
        app.extensions.setdefault(SYNC_KEY, []).extend(self.syncs)
        for event_type, fn in self.fanouts:
            subscribe(event_type, fn)


def sync_senders(app: Flask) -> list[Callable]:
    return app.extensions.get(SYNC_KEY, [])
