"""Guards for a workshop's pages: the facilitator's own session or 404, the participant of this browser,
the join codes this browser has shown it knows."""
from __future__ import annotations

from flask import abort, current_app, g, request
from flask import session as cookie_session

from workshop.db import get_db
from workshop.models import Participant, Session
from workshop.sessions import service as sessions
from workshop.web.guards import current_facilitator

# What a team role may change (docs/architecture.md, "Facilitator team"): every role reads every page
# and download of the workshop; an observer changes nothing; an assistant works the door (registrations,
# people without a phone, absences), moderation and the timer; a facilitator everything but deleting the
# workshop and managing its team, which only the owner does.
ASSISTANT_CHANGES = {
    "registration.organiser_page", "registration.organiser_cancel", "registration.stop",
    "grouping.add_without_phone", "grouping.mark_absent",
    "board.moderate", "board.remove_participant", "timer.timer_action",
    ("polls.poll_action", "approve"), ("polls.poll_action", "reject"), ("polls.poll_action", "remove-word"),
    "qa.moderate",  # pin, answered, hide, merge, approve; the Q&A's settings and reveal are the facilitator's
}
OWNER_CHANGES = {("results.results_action", "delete"), "team.team_page", "team.member_action", "team.invite",
                 "team.revoke_invite"}


def may_change(role: str, endpoint: str | None, action: str | None) -> bool:
    """Whether a facilitator of this role in the workshop may POST to this endpoint (and action)."""
    keys = {endpoint, (endpoint, action)}
    if role == "owner":
        return True
    if keys & OWNER_CHANGES:
        return False
    if role == "facilitator":
        return True
    return role == "assistant" and bool(keys & ASSISTANT_CHANGES)


def own_session(session_id: int) -> Session:
    """The logged-in facilitator's session with this id, else 404 (never another's; a team member's
    too). A change their team role does not allow is refused with 403 and a translated page."""
    db = get_db()
    fac = current_facilitator()
    found = sessions.session_for_facilitator(db, session_id, fac.id)
    if found is None:
        abort(404)
    role = sessions.role_in(db, found, fac.id)
    g.team_role = role
    if request.method not in ("GET", "HEAD") and not may_change(
            role, request.endpoint, (request.view_args or {}).get("action")):
        abort(403)
    if request.method not in ("GET", "HEAD"):
        g.audit_session = found.id  # the change is written to the workshop's history once it succeeds
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
