"""Live fan-out of the team: a change (a member added, a role changed, an invitation made, withdrawn or
accepted) tells the workshop's facilitator pages the team's new version; the team page offers a reload."""
from __future__ import annotations

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.live.handlers import LiveHandlers
from workshop.team import service as team

handlers = LiveHandlers()


@handlers.fanout(team.TeamChanged)
def team_to_staff(event: team.TeamChanged) -> None:
    session = event.session
    socketio.emit("team", {"version": team.version(get_db(), session)}, to=f"s{session.id}:fac")
