"""The organiser's downloads: CSV (zip), XLSX and JSON, and the printable report (HTML, PDF if possible)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for

from workshop.db import get_db
from workshop.exports import document, writers
from workshop.exports.report import pdf_available, report_context
from workshop.sessions.service import allowed_municipalities
from workshop.web.guards import login_required, own_session

bp = Blueprint("exports", __name__, url_prefix="/f/sessions/<int:session_id>")

DOWNLOADS = ("csv", "xlsx", "json")


def _data(session) -> dict:
    """The whole session, or one municipality's share (?municipality=CODE; 404 for a code not in it)."""
    data = document.load_session(get_db(), session.id)
    code = request.args.get("municipality")
    if code:
        if code not in allowed_municipalities(session):
            abort(404)
        data = document.for_municipality(data, code)
    return data


def _download(data: dict, fmt: str) -> Response:
    response = Response(writers.render(data, fmt), mimetype=writers.MIMETYPES[fmt])
    response.headers.set("Content-Disposition", "attachment", filename=writers.filename(data, fmt))
    response.headers["Cache-Control"] = "no-store"  # personal data: not for shared caches or the back button
    return response


@bp.route("/export.<fmt>")
@login_required
def download(session_id: int, fmt: str):
    session = own_session(session_id)
    if fmt not in DOWNLOADS:
        abort(404)
    if fmt == "json" and request.args.get("municipality"):
        abort(404)  # JSON is the whole workshop, the form that can be imported again
    return _download(_data(session), fmt)


@bp.route("/report")
@login_required
def report(session_id: int):
    session = own_session(session_id)
    data = _data(session)
    pdf_url = None
    if pdf_available():
        pdf_url = url_for("exports.report_pdf", session_id=session.id, **request.args.to_dict())
    response = Response(render_template("facilitator/report.html", standalone=False, session_id=session.id,
                                        pdf_url=pdf_url, **report_context(data)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/report.pdf")
@login_required
def report_pdf(session_id: int):
    session = own_session(session_id)
    if not pdf_available():
        abort(404)
    return _download(_data(session), "pdf")


@bp.route("/registrations.<fmt>")
@login_required
def registrations(session_id: int, fmt: str):
    """The registrations list for catering and the door (the registration feature's own download)."""
    session = own_session(session_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    data = document.load_session(get_db(), session.id)
    response = Response(writers.render_registrations(data, fmt),
                        mimetype="text/csv; charset=utf-8" if fmt == "csv" else writers.MIMETYPES["xlsx"])
    name = writers.filename(data, fmt).replace("paja-", "paja-registrations-", 1).replace(".csv.zip", ".csv")
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["Cache-Control"] = "no-store"
    return response
