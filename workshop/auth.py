"""Facilitator accounts: first-run set-up, login, logout and the login_required guard."""
from __future__ import annotations

import functools
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from . import limiter
from .db import get_db
from .forms import LoginForm, SetupForm
from .models import Facilitator

bp = Blueprint("auth", __name__)
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def create_facilitator(db, email: str, name: str, password: str) -> Facilitator:
    fac = Facilitator(email=email.strip().lower(), name=name.strip(), password_hash=hash_password(password))
    db.add(fac)
    db.commit()
    return fac


def facilitator_exists(db) -> bool:
    return (db.scalar(select(func.count(Facilitator.id))) or 0) > 0


def current_facilitator() -> Facilitator | None:
    """The logged-in facilitator, honouring idle and absolute timeouts."""
    if "facilitator" in g:
        return g.facilitator
    fac = None
    fid = session.get("fid")
    now = time.time()
    if fid is not None:
        idle_ok = now - session.get("seen", 0) < current_app.config["FACILITATOR_IDLE_SECONDS"]
        absolute_ok = now - session.get("login_at", 0) < current_app.config["PERMANENT_SESSION_LIFETIME"]
        if idle_ok and absolute_ok:
            fac = get_db().get(Facilitator, fid)
        if fac is None:
            session.clear()
        elif now - session.get("seen", 0) > 60:  # refresh the idle clock at most once a minute
            session["seen"] = now
    g.facilitator = fac
    return fac


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_facilitator() is None:
            return redirect(url_for("auth.login", next=request.path))
        return view(*args, **kwargs)
    return wrapped


def _start_login(fac: Facilitator) -> None:
    session.clear()  # a fresh session at login: nothing from before survives
    session.permanent = True
    now = time.time()
    session.update(fid=fac.id, login_at=now, seen=now)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("facilitator.dashboard")


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
        fac = db.scalar(select(Facilitator).where(Facilitator.email == form.email.data.lower()))
        if fac is not None and check_password(fac.password_hash, form.password.data):
            _start_login(fac)
            return redirect(_safe_next(request.args.get("next")))
        error = _("Wrong email or password.")
    status = 400 if (error or form.errors) else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    fid = session.get("fid")
    session.clear()
    if fid is not None:
        from .live import close_facilitator_sockets
        close_facilitator_sockets(fid)
    flash(_("You have logged out."), "success")
    return redirect(url_for("auth.login"))
