"""Template helpers: labels, language switcher, municipality names."""
from __future__ import annotations

from flask import Flask, request
from flask_babel import get_locale

from workshop.web.labels import (
    BACKGROUND_LABELS, COLOUR_LABELS, PLAN_STATUS_LABELS, QUESTION_MODE_LABELS, VOTING_LABELS, LANGUAGE_NAMES, PHASE_LABELS, PHASE_PHONE_TEXT, STRATEGY_LABELS,
    municipality_label,
)


def init_templating(app: Flask) -> None:
    @app.context_processor
    def inject():
        lang = str(get_locale())
        return {
            "lang": lang,
            "languages": LANGUAGE_NAMES,
            "background_labels": BACKGROUND_LABELS,
            "phase_labels": PHASE_LABELS,
            "phase_phone_text": PHASE_PHONE_TEXT,
            "colour_labels": COLOUR_LABELS,
            "strategy_labels": STRATEGY_LABELS,
            "question_mode_labels": QUESTION_MODE_LABELS,
            "voting_labels": VOTING_LABELS,
            "plan_status_labels": PLAN_STATUS_LABELS,
            "municipality_name": lambda code: municipality_label(code, lang),
            "current_path": request.full_path.rstrip("?") if request else "/",
        }

    @app.template_filter("fidate")
    def fidate(value):
        """Dates the Finnish way: 23.11.2026 klo 18.00."""
        if value is None:
            return ""
        return f"{value.day}.{value.month}.{value.year} {value.hour:02d}.{value.minute:02d}"
