"""Projector pages, reached by a secret read-only link (no login needed on the projector computer)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template

from workshop.db import get_db
from workshop.flipchart import events as live_notes
from workshop.grouping import service as rounds
from workshop.live import registry as live
from workshop.plans import service as plans
from workshop.sessions import service as sessions
from workshop.themes import events as live_themes
from workshop.web import links
from workshop.web.qr import qr_response

bp = Blueprint("screen", __name__, url_prefix="/screen")


def _session_or_404(token: str):
    session = sessions.session_by_screen_token(get_db(), token)
    if session is None:
        abort(404)
    return session


@bp.route("/<token>")
def screen(token: str):
    session = _session_or_404(token)
    if not session.is_open:  # only the title and "closed": no names, notes or live connection any more
        return render_template("screen/closed.html", session=session)
    counts = sessions.lobby_counts(get_db(), session, live.away_after())
    url = links.join_url(session)  # the QR code's link, with its secret
    short_url = links.typed_join_url(session).split("://", 1)[-1]  # what people type: the code is limited
    db = get_db()
    round_ = rounds.current_round(db, session)
    return render_template("screen/screen.html", session=session, counts=counts, join_url=url,
                           short_url=short_url, token=token, groups=round_.groups if round_ else [],
                           boards=live_notes.boards_payload(db, session)["groups"],
                           presentation=live_notes.presentation_payload(db, session),
                           plan_codes=[c for c in sessions.allowed_municipalities(session) if c != "other"],
                           plan_items=plans.items_of(db, session),
                           common_themes=live_themes.themes_payload(session, for_screen=True))


@bp.route("/<token>/qr.svg")
def qr(token: str):
    session = _session_or_404(token)
    if not session.is_open:
        abort(404)
    return qr_response(links.join_url(session))
