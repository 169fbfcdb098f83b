"""Public addresses: the base URL phones use and a workshop's join link (the QR code's content)."""
from __future__ import annotations

from flask import current_app, request

from workshop.models import Session


def base_url() -> str:
    cfg = current_app.config
    return (cfg.get("PAJA_BASE_URL") or cfg.get("PAJA_LAN_URL") or request.host_url).rstrip("/")


def join_url(session: Session) -> str:
    return f"{base_url()}/{session.join_code}" if session.join_code else base_url()
