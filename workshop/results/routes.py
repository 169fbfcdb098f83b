"""The shareable read-only results page, and retention: delete a session, remove names (facilitator)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session as DB

from workshop.db import get_db
from workshop.flipchart.events import boards_payload
from workshop.models import Session
from workshop.plans import service as plans
from workshop.polls import service as polls
from workshop.results import service as results
from workshop.sessions import service as sessions
from workshop.web.guards import login_required, own_session

bp = Blueprint("results", __name__)


def results_view(db: DB, session: Session) -> dict:
    """Only what is safe to share: top 3s, plans, poll results; no names, no hidden notes."""
    groups = boards_payload(db, session)["groups"]
    return {
        "session": session,
        "groups": [{"number": g["group"], "colour": g["colour"], "question": g["question"],
                    "top": g.get("top")} for g in groups],
        "codes": [c for c in sessions.allowed_municipalities(session) if c != "other"],
        "plan_items": plans.items_of(db, session),
        "polls": [polls.results(db, p) for p in polls.polls_of(db, session)],
    }


@bp.route("/results/<token>")
def results_page(token: str):
    db = get_db()
    session = results.session_by_results_token(db, token)
    if session is None:
        abort(404)
    response = render_template("results.html", **results_view(db, session))
    return response, 200, {"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


@bp.route("/f/sessions/<int:session_id>/results/<action>", methods=["POST"])
@login_required
def results_action(session_id: int, action: str):
    session = own_session(session_id)
    db = get_db()
    if action == "share":
        results.share(db, session)
        flash(_("The results page is shared. Anyone with the link can read it."), "success")
    elif action == "revoke":
        results.revoke(db, session)
        flash(_("The results link no longer works."), "success")
    elif action == "remove-names":
        count = results.remove_names(db, session)
        flash(_("First names removed from %(n)s participants; their notes are kept.", n=count), "success")
    elif action == "delete":
        if request.form.get("confirm") != "yes":
            flash(_("Tick the box to confirm that the workshop and all its data are deleted."), "error")
            return redirect(url_for("facilitator.session_page", session_id=session.id) + "#retention")
        title = session.title
        results.delete_session(db, session)
        flash(_("The workshop “%(title)s” and all its data were deleted.", title=title), "success")
        return redirect(url_for("facilitator.dashboard"))
    else:
        abort(404)
    return redirect(url_for("facilitator.session_page", session_id=session.id) + "#results")
