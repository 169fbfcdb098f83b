"""Request guards of the web layer: the logged-in facilitator, login_required, safe redirects."""
from __future__ import annotations

import functools
import time
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for

from workshop.db import get_db
from workshop.models import Facilitator


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


def is_safe_path(target) -> bool:
    """A local path only: no scheme, no host, no backslash, no control or white space characters."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return False
    if any(c == "\\" or ord(c) < 33 or 0x7f <= ord(c) <= 0x9f for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and parts.path.startswith("/") and not parts.path.startswith("//")


def safe_next(target, default_endpoint: str) -> str:
    """Where to go after a form: `target` if it is a local path, else the default page."""
    return target if is_safe_path(target) else url_for(default_endpoint)
