"""Facilitator accounts: first-run set-up, login and logout."""
from __future__ import annotations

import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from workshop.accounts.forms import LoginForm, SetupForm
from workshop.accounts.service import authenticate, create_facilitator, facilitator_exists, log_out
from workshop.db import get_db
from workshop.extensions import limiter
from workshop.models import Facilitator
from workshop.web.guards import safe_next

bp = Blueprint("auth", __name__)


def _start_login(fac: Facilitator) -> None:
    session.clear()  # a fresh session at login: nothing from before survives
    session.permanent = True
    now = time.time()
    session.update(fid=fac.id, login_at=now, seen=now)


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    db = get_db()
    if facilitator_exists(db):
        return redirect(url_for("auth.login"))
    form = SetupForm()
    if form.validate_on_submit():
        fac = create_facilitator(db, form.email.data, form.name.data, form.password.data)
        _start_login(fac)
        flash(_("Welcome! Your facilitator account is ready."), "success")
        return redirect(url_for("facilitator.dashboard"))
    return render_template("auth/setup.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("8 per 15 minutes", methods=["POST"], deduct_when=lambda response: response.status_code == 400)
def login():
    db = get_db()
    if not facilitator_exists(db):
        return redirect(url_for("auth.setup"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        fac = authenticate(db, form.email.data, form.password.data)
        if fac is not None:
            _start_login(fac)
            return redirect(safe_next(request.args.get("next"), "facilitator.dashboard"))
        error = _("Wrong email or password.")
    status = 400 if (error or form.errors) else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    fid = session.get("fid")
    session.clear()
    if fid is not None:
        log_out(fid)
    flash(_("You have logged out."), "success")
    return redirect(url_for("auth.login"))
