"""Live fan-out of the common themes: the whole edit state to facilitator pages, the shown themes to the
projector (nothing but "not shown" while the facilitator is still editing)."""
from __future__ import annotations

from dataclasses import asdict

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.live.handlers import LiveHandlers, State
from workshop.live.registry import Conn
from workshop.models import Session
from workshop.themes import service as themes

handlers = LiveHandlers()


def themes_payload(session: Session, for_screen: bool) -> dict:
    shown = themes.settings_of(session).shown
    payload = {"shown": shown, "seq": session.seq, "themes": []}
    if shown or not for_screen:
        payload["themes"] = [asdict(t) for t in themes.shown_themes(get_db(), session)
                             if not for_screen or len(t.groups) >= 2]
    return payload


@handlers.fanout(themes.CommonThemesChanged)
def themes_to_staff(event: themes.CommonThemesChanged) -> None:
    session = event.session
    socketio.emit("common_themes", themes_payload(session, for_screen=False), to=f"s{session.id}:fac")
    socketio.emit("common_themes", themes_payload(session, for_screen=True), to=f"s{session.id}:screen")


@handlers.on_sync
def send_themes(session: Session, conn: Conn, state: State) -> None:
    """A (re)connected projector gets the themes as shown now (a change made while it was away included)."""
    if conn.role == "screen":
        state.emit("common_themes", themes_payload(session, for_screen=True))
