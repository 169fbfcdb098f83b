"""Reuse pages (no JavaScript needed): duplicate a workshop, save it as a template, the installation's
templates, and the next workshop of a series."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workshop.db import get_db
from workshop.reuse import service as reuse
from workshop.reuse.service import ReuseError
from workshop.sessions.guards import own_session
from workshop.web.guards import current_facilitator, login_required
from workshop.web.labels import REUSE_ERRORS

bp = Blueprint("reuse", __name__, url_prefix="/f")


def _created(session):
    flash(_("Workshop created. Its join code is %(code)s. Check the date and the details.",
            code=session.join_code), "success")
    return redirect(url_for("facilitator.edit_session", session_id=session.id))


@bp.route("/sessions/<int:session_id>/duplicate", methods=["GET", "POST"])
@login_required
def duplicate(session_id: int):
    session = own_session(session_id)
    error, title = None, _("%(title)s (copy)", title=session.title)
    if request.method == "POST":
        title = request.form.get("title")
        try:
            return _created(reuse.duplicate(get_db(), session, current_facilitator().id, title))
        except ReuseError as exc:
            error = REUSE_ERRORS[exc.args[0]]
    return render_template("facilitator/reuse.html", action="duplicate", session=session, error=error,
                           value=title), 400 if error else 200


@bp.route("/sessions/<int:session_id>/template", methods=["GET", "POST"])
@login_required
def save_template(session_id: int):
    session = own_session(session_id)
    error, name = None, session.title
    if request.method == "POST":
        name = request.form.get("name")
        try:
            reuse.save_template(get_db(), session, current_facilitator().id, name)
            flash(_("Saved as a template. Every facilitator of this installation can start from it."), "success")
            return redirect(url_for("reuse.templates"))
        except ReuseError as exc:
            error = REUSE_ERRORS[exc.args[0]]
    return render_template("facilitator/reuse.html", action="template", session=session, error=error,
                           value=name), 400 if error else 200


@bp.route("/templates")
@login_required
def templates():
    return render_template("facilitator/templates.html", templates=reuse.templates(get_db()),
                           me=current_facilitator().id)


def _template_or_404(template_id: int):
    try:
        return reuse.template(get_db(), template_id)
    except ReuseError:
        abort(404)


@bp.route("/templates/<int:template_id>/use", methods=["POST"])
@login_required
def use_template(template_id: int):
    template = _template_or_404(template_id)
    try:
        return _created(reuse.create_from(get_db(), current_facilitator().id, template.content,
                                          request.form.get("title")))
    except ReuseError as exc:
        flash(REUSE_ERRORS[exc.args[0]], "error")
        return redirect(url_for("reuse.templates"))


@bp.route("/templates/<int:template_id>/delete", methods=["POST"])
@login_required
def delete_template(template_id: int):
    template = _template_or_404(template_id)
    try:
        reuse.delete_template(get_db(), template, current_facilitator().id)
        flash(_("Template deleted."), "success")
    except ReuseError as exc:
        flash(REUSE_ERRORS[exc.args[0]], "error")
    return redirect(url_for("reuse.templates"))


@bp.route("/series/<int:series_id>/next", methods=["POST"])
@login_required
def next_in_series(series_id: int):
    db = get_db()
    try:
        series = reuse.series_of(db, series_id, current_facilitator().id)
    except ReuseError:
        abort(404)
    try:
        return _created(reuse.next_in_series(db, series, current_facilitator().id, request.form.get("title")))
    except ReuseError as exc:
        flash(REUSE_ERRORS[exc.args[0]], "error")
        return redirect(url_for("plans.series_page"))
