"""Health check, the language switcher, the accessibility statement and privacy notice, and the error pages."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import text

from workshop.db import get_db
from workshop.web import operator
from workshop.web.guards import safe_next
from workshop.web.i18n import LANG_COOKIE

bp = Blueprint("main", __name__)


@bp.route("/healthz")
def healthz():
    try:
        get_db().execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", never a 500
        current_app.logger.exception("health check: database unreachable")
        return jsonify(status="error", db="unreachable"), 503
    return jsonify(status="ok", db="ok")


@bp.route("/lang", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    response = redirect(safe_next(request.form.get("next"), "phone.index"))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response


@bp.route("/accessibility")
def accessibility():
    return render_template("about/accessibility.html", info=operator.statement())


@bp.route("/privacy")
def privacy():
    return render_template("about/privacy.html", info=operator.statement())


def _error_page(status: int, title: str, message: str):
    return render_template("error.html", title=title, message=message), status


@bp.app_errorhandler(CSRFError)
def csrf_error(_exc):
    return _error_page(400, _("The form expired"),
                       _("The page was open too long or came from elsewhere. Go back, reload the page and try again."))


@bp.app_errorhandler(400)
def bad_request(_exc):
    return _error_page(400, _("Something is wrong with the request"), _("Go back and try again."))


@bp.app_errorhandler(404)
def not_found(_exc):
    return _error_page(404, _("Page not found"), _("Check the address, or start from the front page."))


@bp.app_errorhandler(403)
def forbidden(_exc):
    return _error_page(403, _("Your role in this workshop does not allow this"),
                       _("Ask the workshop's owner or a facilitator of its team to do it, or to change your role."))


@bp.app_errorhandler(405)
def not_allowed(_exc):
    return _error_page(405, _("Not allowed"), _("This address does not accept that kind of request."))


@bp.app_errorhandler(413)
def too_large(_exc):
    return _error_page(413, _("Too much text"), _("The form was too large. Shorten the text and try again."))


@bp.app_errorhandler(429)
def too_many(_exc):
    current_app.logger.warning("rate limited: %s %s from %s", request.method, request.endpoint, request.remote_addr)
    return _error_page(429, _("Too many attempts"),
                       _("There were too many failed attempts from this network. Wait a few minutes and try again."))


@bp.app_errorhandler(500)
def server_error(_exc):
    return _error_page(500, _("Something went wrong"), _("The error has been logged. Try again in a moment."))
