"""Projector pages, reached by a secret read-only link (no login needed on the projector computer)."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import Blueprint, Response, abort, render_template

from . import live, live_notes, plans, rounds, sessions
from .db import get_db

bp = Blueprint("screen", __name__, url_prefix="/screen")


def _session_or_404(token: str):
    session = sessions.session_by_screen_token(get_db(), token)
    if session is None:
        abort(404)
    return session


def qr_svg(data: str) -> bytes:
    """An SVG QR code (path image: one element, crisp at any projector size)."""
    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2,
                      error_correction=qrcode.constants.ERROR_CORRECT_M)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue()


@bp.route("/<token>")
def screen(token: str):
    session = _session_or_404(token)
    counts = sessions.lobby_counts(get_db(), session, live.away_after())
    url = live.join_url(session)
    short_url = url.split("://", 1)[-1]
    db = get_db()
    round_ = rounds.current_round(db, session)
    return render_template("screen/screen.html", session=session, counts=counts, join_url=url,
                           short_url=short_url, token=token, groups=round_.groups if round_ else [],
                           boards=live_notes.boards_payload(db, session)["groups"],
                           presentation=live_notes.presentation_payload(db, session),
                           plan_codes=[c for c in sessions.allowed_municipalities(session) if c != "other"],
                           plan_items=plans.items_of(db, session))


@bp.route("/<token>/qr.svg")
def qr(token: str):
    session = _session_or_404(token)
    response = Response(qr_svg(live.join_url(session)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response
