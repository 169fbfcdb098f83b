"""Live fan-out of registrations: the headcount to the facilitator's pages only."""
from __future__ import annotations

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.live.handlers import LiveHandlers, State
from workshop.live.registry import Conn
from workshop.models import Session
from workshop.registration import service as registrations

handlers = LiveHandlers()


def registrations_payload(db, session: Session) -> dict:
    return {**registrations.headcount(db, session), "seq": session.seq}


@handlers.fanout(registrations.RegistrationSettingsChanged)
@handlers.fanout(registrations.Registered)
@handlers.fanout(registrations.RegistrationCancelled)
@handlers.fanout(registrations.DoorMatched)
def headcount_to_organiser(event: registrations.RegistrationChanged) -> None:
    session = event.session
    socketio.emit("registrations", registrations_payload(get_db(), session), to=f"s{session.id}:fac")


@handlers.on_sync
def send_registration_state(session: Session, conn: Conn, state: State) -> None:
    if conn.role == "facilitator":
        state.emit("registrations", registrations_payload(get_db(), session))
