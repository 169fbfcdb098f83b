"""Guards for a workshop's pages: the facilitator's own session or 404, the participant of this browser."""
from __future__ import annotations

from flask import abort, current_app, request

from workshop.db import get_db
from workshop.models import Participant, Session
from workshop.sessions import service as sessions
from workshop.web.guards import current_facilitator


def own_session(session_id: int) -> Session:
    """The logged-in facilitator's session with this id, else 404 (never another's)."""
    found = sessions.session_for_facilitator(get_db(), session_id, current_facilitator().id)
    if found is None:
        abort(404)
    return found


def participant_cookie_name(session_id: int) -> str:
    prefix = "__Host-" if current_app.config["SESSION_COOKIE_SECURE"] else ""
    return f"{prefix}paja_p{session_id}"


def current_participant(session: Session | None) -> Participant | None:
    """The participant whose cookie this browser carries for the session (None: not joined)."""
    if session is None:
        return None
    token = request.cookies.get(participant_cookie_name(session.id))
    return sessions.participant_by_token(get_db(), session.id, token)
