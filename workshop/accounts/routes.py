"""Facilitator accounts: first-run set-up, login and logout."""
from __future__ import annotations

import hmac
import ipaddress
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from workshop.accounts.forms import LoginForm, SetupForm
from workshop.accounts.service import (
    authenticate,
    create_facilitator,
    facilitator_exists,
    first_run_token,
    forget_first_run_token,
    log_out,
)
from workshop.db import get_db
from workshop.models import Facilitator
from workshop.web import attempts
from workshop.web.guards import safe_next

bp = Blueprint("auth", __name__)


def start_login(fac: Facilitator) -> None:
    """Log this facilitator in, in a fresh cookie session (also after joining a team by invitation)."""
    session.clear()  # a fresh session at login: nothing from before survives
    session.permanent = True
    now = time.time()
    session.update(fid=fac.id, login_at=now, seen=now)


def _local_request() -> bool:
    """A browser on the server's own computer (not through a proxy, which would add X-Forwarded-For)."""
    try:
        loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False
    return loopback and "X-Forwarded-For" not in request.headers and "Forwarded" not in request.headers


def _setup_allowed() -> bool:
    """Until the first facilitator exists, anyone on the venue network could create it: only the server's
    own computer may, or whoever has the one-time link printed on the server's console."""
    if _local_request():
        return True
    token = request.args.get("token")
    expected = first_run_token(current_app.instance_path)
    return isinstance(token, str) and hmac.compare_digest(token.encode(), expected.encode())


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    db = get_db()
    if facilitator_exists(db):
        return redirect(url_for("auth.login"))
    if not _setup_allowed():
        current_app.logger.warning("first-run set-up refused for %s: no set-up link", request.remote_addr)
        return render_template("error.html", title=_("Set-up link needed"), message=_(
            "The first facilitator account is created on the server's own computer, or with the set-up "
            "link that the server printed when it started.")), 403
    form = SetupForm()
    if form.validate_on_submit():
        fac = create_facilitator(db, form.email.data, form.name.data, form.password.data)
        forget_first_run_token(current_app.instance_path)
        attempts.remember_account(form.email.data)
        start_login(fac)
        flash(_("Welcome! Your facilitator account is ready."), "success")
        return redirect(url_for("facilitator.dashboard"))
    return render_template("auth/setup.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    db = get_db()
    if not facilitator_exists(db):
        return redirect(url_for("auth.setup"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        # Wrong passwords slow the next try down (never a lock): this browser's own misses always, the
        # account's and the network's only for a browser that has not logged in to this account before.
        wait = attempts.login_wait(form.email.data)
        if wait:
            attempts.refused("logins")
            error = ngettext("Too many wrong passwords. Wait %(num)d second and try again.",
                             "Too many wrong passwords. Wait %(num)d seconds and try again.", wait)
            return render_template("auth/login.html", form=form, error=error), 429
        fac = authenticate(db, form.email.data, form.password.data)
        if fac is not None:
            attempts.remember_account(form.email.data)
            start_login(fac)
            return redirect(safe_next(request.args.get("next"), "facilitator.dashboard"))
        attempts.record_login_miss(form.email.data)
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
