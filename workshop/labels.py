"""Translated names of the product's fixed vocabulary (backgrounds, phases)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

BACKGROUND_LABELS = {
    "ngo": _l("NGO or association"),
    "officer": _l("Municipal officer"),
    "elected": _l("Elected official or decision-maker"),
    "parish": _l("Parish"),
    "business": _l("Business"),
    "resident": _l("Resident"),
    "other": _l("Other"),
}

PHASE_LABELS = {
    "lobby": _l("Joining"),
    "info": _l("Information"),
    "grouping": _l("Grouping"),
    "groupwork": _l("Group work"),
    "voting": _l("Voting"),
    "presentation": _l("Presentation"),
    "plan": _l("Municipal plans"),
    "feedback": _l("Feedback"),
    "closed": _l("Closed"),
}

# What a phone shows while the facilitator runs a phase that has no phone task yet.
PHASE_PHONE_TEXT = {
    "lobby": _l("Welcome! The workshop starts soon. Keep this page open."),
    "info": _l("Information part: listen to the speakers. Questions and polls appear here."),
    "grouping": _l("Groups are being formed. Your group appears here soon."),
    "groupwork": _l("Group work: discuss your group's question at your table."),
    "voting": _l("Voting: pick your group's three most important points."),
    "presentation": _l("Presentation: each group presents its three most important points."),
    "plan": _l("Plan-making: your municipality's group agrees on concrete actions."),
    "feedback": _l("Feedback: tell us how the evening went."),
    "closed": _l("Thank you for taking part! The workshop has ended."),
}

LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


def municipality_label(code: str, lang: str) -> str:
    from flask_babel import gettext

    from . import municipalities
    if code == "other":
        return gettext("Other municipality")
    m = municipalities.get(code)
    return m.name(lang) if m else code
