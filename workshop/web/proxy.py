"""Behind nginx: the phone's own address from a trusted proxy's headers, and the worker cookie that
keeps a phone (its pages and its Socket.IO connection) on one worker (docs/deploy.md)."""
from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

WORKER_COOKIE = "paja_worker"  # read by deploy/nginx/paja.conf's map; a fixed name nginx can spell


def init_app(app: Flask) -> None:
    trust_proxies(app, app.config["TRUSTED_PROXIES"])
    worker = app.config["WORKER_ID"]
    if worker and not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", worker):
        raise ValueError("PAJA_WORKER must be a short name of letters, digits, - and _ (e.g. w1)")
    if worker:
        @app.after_request
        def pin_to_worker(response):
            # Not on static files: they are public and cached for a year; the page comes first anyway.
            if request.endpoint != "static" and request.cookies.get(WORKER_COOKIE) != worker:
                response.set_cookie(WORKER_COOKIE, worker, httponly=True, samesite="Lax", path="/",
                                    secure=app.config["SESSION_COOKIE_SECURE"])
            return response


def trust_proxies(app: Flask, count: int) -> None:
    """Behind `count` reverse proxies, believe the last `count` entries of X-Forwarded-For (the rate
    limits then key on the phone, not on nginx) and X-Forwarded-Proto; a client's own additions to
    the headers stay to the left and are ignored. X-Forwarded-Host is never believed: the proxy passes
    the Host header itself (deploy/nginx/paja.conf). With 0 every X-Forwarded-* header is ignored.

    Wraps the whole WSGI app, the Socket.IO middleware included, so Engine.IO sees the same address.
    """
    if count < 0:
        raise ValueError("PAJA_TRUSTED_PROXIES must be 0 or more")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0, x_prefix=0)
