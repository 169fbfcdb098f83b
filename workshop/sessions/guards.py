"""Guards for a workshop's pages: the facilitator's own session or 404, the participant of this browser,
the join codes this browser has shown it knows."""
from __future__ import annotations

from flask import abort, current_app, request
from flask import session as cookie_session

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


KNOWN_CODES = "codes"  # in the signed cookie session: join codes this browser got right (QR link or typed)


def knows_code(code: str) -> bool:
    """Whether this browser has opened this join code by its QR link or typed it right (no guessing limit
    applies to it any more)."""
    codes = cookie_session.get(KNOWN_CODES)
    return isinstance(codes, list) and code in codes


def remember_code(code: str) -> None:
    codes = cookie_session.get(KNOWN_CODES)
    cookie_session[KNOWN_CODES] = [code] + [c for c in (codes if isinstance(codes, list) else []) if c != code][:4]
