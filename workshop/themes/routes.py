"""The facilitator's common themes page (no JavaScript needed): find, rename, merge, drop, order, show."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workshop.db import get_db
from workshop.sessions.guards import own_session
from workshop.themes import service as themes
from workshop.themes.service import ThemeError
from workshop.web.guards import login_required
from workshop.web.labels import THEME_ERRORS

bp = Blueprint("themes", __name__, url_prefix="/f/sessions/<int:session_id>/themes")


@bp.route("")
@login_required
def themes_page(session_id: int):
    session = own_session(session_id)
    db = get_db()
    return render_template("facilitator/themes.html", session=session, themes=themes.shown_themes(db, session),
                           settings=themes.settings_of(session), rounds=themes.rounds_with_notes(db, session))


def _done(session_id: int, action, message: str):
    try:
        action()
        flash(message, "success")
    except ThemeError as exc:
        flash(THEME_ERRORS[exc.args[0]], "error")
    return redirect(url_for("themes.themes_page", session_id=session_id))


@bp.route("/find", methods=["POST"])
@login_required
def find(session_id: int):
    session = own_session(session_id)
    return _done(session_id, lambda: themes.find_themes(get_db(), session, request.form.get("round")),
                 _("Common themes found. Check them before you show them."))


@bp.route("/<int:theme_id>/rename", methods=["POST"])
@login_required
def rename(session_id: int, theme_id: int):
    session = own_session(session_id)
    return _done(session_id, lambda: themes.rename(get_db(), session, theme_id, request.form.get("label")),
                 _("Theme renamed."))


@bp.route("/merge", methods=["POST"])
@login_required
def merge(session_id: int):
    session = own_session(session_id)
    return _done(session_id, lambda: themes.merge(get_db(), session, request.form.getlist("theme")),
                 _("Themes merged."))


@bp.route("/<int:theme_id>/drop", methods=["POST"])
@login_required
def drop(session_id: int, theme_id: int):
    session = own_session(session_id)
    return _done(session_id, lambda: themes.drop(get_db(), session, theme_id), _("Theme removed."))


@bp.route("/<int:theme_id>/move", methods=["POST"])
@login_required
def move(session_id: int, theme_id: int):
    session = own_session(session_id)
    direction = "up" if request.form.get("direction") == "up" else "down"
    return _done(session_id, lambda: themes.move(get_db(), session, theme_id, direction), _("Order changed."))


@bp.route("/show", methods=["POST"])
@login_required
def show(session_id: int):
    session = own_session(session_id)
    shown = request.form.get("shown") == "1"
    message = (_("The projector shows the common themes.") if shown
               else _("The projector no longer shows the common themes."))
    return _done(session_id, lambda: themes.show(get_db(), session, shown), message)
