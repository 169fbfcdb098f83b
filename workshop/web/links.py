"""Public addresses: the base URL phones use, a workshop's typed join address and its QR link."""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request

from workshop.models import Session

JOIN_KEY_PARAM = "k"


def base_url() -> str:
    cfg = current_app.config
    return (cfg.get("PAJA_BASE_URL") or cfg.get("PAJA_LAN_URL") or request.host_url).rstrip("/")


def typed_join_url(session: Session) -> str:
    """What people type from the projector: the address and the 6-digit code (a limited guess)."""
    return f"{base_url()}/{session.join_code}" if session.join_code else base_url()


def join_key(session: Session) -> str:
    """The QR link's secret: 96 bits derived from the code and the projector link, so closing the
    workshop (the code goes) or rotating the projector link changes it."""
    message = f"join:{session.id}:{session.join_code}:{session.screen_token}".encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).hexdigest()[:24]


def valid_join_key(session: Session, key) -> bool:
    return isinstance(key, str) and session.join_code is not None and hmac.compare_digest(key, join_key(session))


def join_url(session: Session) -> str:
    """The QR code's content: the typed address plus the secret, so the QR path needs no guessing limit."""
    if not session.join_code:
        return base_url()
    return f"{typed_join_url(session)}?{JOIN_KEY_PARAM}={join_key(session)}"
