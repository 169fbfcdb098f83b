"""Security headers on every response: strict CSP, no framing, no sniffing, HSTS behind HTTPS; and
the client's address and scheme taken from a trusted reverse proxy's X-Forwarded-* headers."""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def init_app(app: Flask) -> None:
    trust_proxies(app, app.config["TRUSTED_PROXIES"])

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
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
