"""The operator running this server, and the human a participant can call (the workshop's or the operator's)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

TRAFICOM_URL = "https://www.saavutettavuusvaatimukset.fi"
A11Y_METHODS = ("self", "audit")


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str

    def __bool__(self) -> bool:
        return bool(self.name or self.phone or self.email)

    @property
    def tel(self) -> str:
        """The phone number for a tel: link: digits and a leading +, nothing else."""
        number = "".join(c for c in self.phone if c.isdigit() or c == "+")
        return number[:1] + number[1:].replace("+", "")


def operator_contact() -> Contact:
    cfg = current_app.config
    return Contact(cfg["OPERATOR_CONTACT_NAME"], cfg["OPERATOR_CONTACT_PHONE"], cfg["OPERATOR_CONTACT_EMAIL"])


def contact_for(session=None) -> Contact:
    """The workshop's own contact where the facilitator set one, else the operator's."""
    if session is not None and (session.contact_name or session.contact_phone or session.contact_email):
        return Contact(session.contact_name or "", session.contact_phone or "", session.contact_email or "")
    return operator_contact()


def assessed_on() -> date | None:
    try:
        return date.fromisoformat(current_app.config["A11Y_ASSESSED_ON"])
    except ValueError:
        return None


def statement() -> dict:
    """What the accessibility statement and the privacy notice print, from the settings."""
    cfg = current_app.config
    contact = operator_contact()
    method = cfg["A11Y_METHOD"] if cfg["A11Y_METHOD"] in A11Y_METHODS else "self"
    feedback = cfg["A11Y_FEEDBACK"] or contact.email
    return {
        "organisation": cfg["OPERATOR_NAME"],
        "contact": contact,
        "assessed_on": assessed_on(),
        "method": method,
        "auditor": cfg["A11Y_AUDITOR"],
        "operator_gaps": [line.strip() for line in cfg["A11Y_GAPS"].splitlines() if line.strip()],
        "feedback": feedback,
        "feedback_is_url": feedback.startswith(("https://", "http://")),
        "privacy_contact": cfg["PRIVACY_CONTACT"] or contact.email,
        "retention_months": cfg["RETENTION_MONTHS"],
        "traficom_url": TRAFICOM_URL,
    }
