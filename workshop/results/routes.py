"""The shareable read-only results page, and retention: delete a session, remove names (facilitator)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session as DB

from workshop.db import get_db
from workshop.feedback import service as feedback
from workshop.flipchart import service as flipchart
from workshop.flipchart.events import top_payload
from workshop.grouping import service as rounds
from workshop.models import Session
from workshop.plans import service as plans
from workshop.polls import service as polls
from workshop.qa import service as qa
from workshop.results import service as results
from workshop.sessions import service as sessions
from workshop.sessions.guards import own_session
from workshop.web.guards import login_required

bp = Blueprint("results", __name__)


def results_view(db: DB, session: Session) -> dict:
    """Only what is safe to share: every round's top 3s, plans, poll results, the questions to the panel,
    the feedback summary; no names, no hidden notes or questions. While the workshop runs, results not
    revealed yet stay hidden here too (the reveal setting); once it is closed, everything shows."""
    shown = polls.shown_results if session.is_open else polls.results
    question_votes = not session.is_open or qa.results_visible(session)
    return {
        "session": session,
        "rounds": voted_rounds(db, session),
        "codes": [c for c in sessions.allowed_municipalities(session) if c != "other"],
        "plan_items": plans.items_of(db, session),
        "polls": [shown(db, p) for p in polls.polls_of(db, session)],
        "feedback": feedback.results(db, session),
        # no names, nothing hidden; by votes and with them once they may be shown (the Q&A's setting)
        "questions": qa.ordered([v for v in qa.board(db, session) if v.shown], by_votes=question_votes),
        "question_votes": question_votes,
    }


def voted_rounds(db: DB, session: Session) -> list[dict]:
    """Every published round in which some group voted its top 3, oldest first: a later round (the home
    groups of the plan-making) never hides the earlier rounds' results. A question every group of the
    round had is given once, for the round."""
    out = []
    current = rounds.current_round(db, session)
    hidden = session.is_open and not flipchart.votes_visible(session)  # the current round's votes only
    for round_ in rounds.rounds_of(db, session):
        if round_.published_at is None or not any(g.voting == "closed" for g in round_.groups):
            continue
        groups = []
        for g in round_.groups:
            question = rounds.question_of(db, g)
            held_back = hidden and current is not None and round_.id == current.id
            groups.append({"number": g.number, "colour": g.colour, "question": question.text if question else None,
                           "hidden": held_back,
                           "top": top_payload(db, g) if g.voting == "closed" and not held_back else None})
        questions = {g["question"] for g in groups}
        shared = questions.pop() if len(questions) == 1 else None
        out.append({"number": round_.number, "strategy": round_.strategy, "question": shared, "groups": groups})
    return out


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
