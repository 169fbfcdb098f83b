"""Optional email: sent only when PAJA_SMTP_HOST, PAJA_SMTP_PORT and PAJA_MAIL_FROM are configured.

The settings come in as a mapping (the app's config), so this module needs no Flask.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage

log = logging.getLogger(__name__)


def configured(cfg: Mapping) -> bool:
    return bool(cfg.get("PAJA_SMTP_HOST") and cfg.get("PAJA_SMTP_PORT") and cfg.get("PAJA_MAIL_FROM"))


def send(cfg: Mapping, to: str, subject: str, body: str) -> bool:
    """Send one plain-text message; False (and a log line) when mail is off or the server fails.

    A registration never fails because of email: the confirmation page has everything the message has.
    """
    if not configured(cfg) or not to:
        return False
    message = EmailMessage()
    message["From"] = cfg["PAJA_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(cfg["PAJA_SMTP_HOST"], int(cfg["PAJA_SMTP_PORT"]), timeout=10) as smtp:
            if cfg.get("PAJA_SMTP_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if cfg.get("PAJA_SMTP_USER"):
                smtp.login(cfg["PAJA_SMTP_USER"], cfg.get("PAJA_SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("confirmation email to %s not sent: %s", to.split("@")[-1], exc)
        return False
    return True
