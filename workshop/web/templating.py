"""Template helpers: labels, language switcher, municipality names, and dates and numbers for the user's locale."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, request
from flask_babel import format_date, format_decimal, format_percent, format_time, get_locale

from workshop.core.time import LOCAL_TZ
from workshop.web.labels import (
    BACKGROUND_LABELS,
    COLOUR_LABELS,
    LANGUAGE_NAMES,
    PHASE_LABELS,
    PHASE_PHONE_TEXT,
    PLAN_STATUS_LABELS,
    QUESTION_MODE_LABELS,
    STRATEGY_LABELS,
    VOTING_LABELS,
    municipality_label,
    tie_message,
)


def local_datetime(value: datetime | None) -> str:
    """A date and time as the user's language writes it, in Finnish time: "1.12.2026 klo 17.30",
    "1 dec. 2026 kl. 17:30", "Dec 1, 2026 at 5:30 PM".

    A naive value is a wall-clock time as entered (a session's start, a closing time) and is shown
    as it is; an aware one is an instant (UTC from the database) and is shown in Finnish time.
    """
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    date = format_date(value, "medium", rebase=False)
    time = format_time(value, "short", rebase=False)
    # CLDR's "date at time" pattern ("{1} 'klo' {0}"), joined the way Babel joins its own patterns.
    return _date_at_time(get_locale()).replace("'", "").replace("{0}", time).replace("{1}", date)


def _date_at_time(locale) -> str:
    """The locale's pattern for a date with a time of day; the plain one before Babel 2.19 had it."""
    relative = getattr(locale, "datetime_formats_relative", None) or {}
    return relative.get("long") or locale.datetime_formats["medium"]


def local_decimal(value, digits: int | None = None) -> str:
    """A number with the locale's decimal sign and grouping ("4,2", "1 234"); `digits` fixes the decimals."""
    if value is None:
        return ""
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, pattern)


def local_percent(value) -> str:
    """A whole percentage (0–100) with the locale's percent sign and spacing ("42 %", "42%")."""
    if value is None:
        return ""
    return format_percent(value / 100)


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
            "tie_message": tie_message,
        }

    app.add_template_filter(local_datetime)
    app.add_template_filter(local_decimal, "decimal")
    app.add_template_filter(local_percent, "percent")
