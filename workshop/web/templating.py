"""Template helpers: labels, language switcher, municipality names, and dates and numbers for the user's locale."""
from __future__ import annotations

from datetime import datetime

from babel import Locale, dates
from flask import Flask, request
from flask_babel import force_locale, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

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
from workshop.web.operator import contact_for

# Swedish as written in Finland: "kl. 17.30" and "1.12.2026" where Sweden writes "17:30" and "2026-12-01".
FORMAT_LOCALES = {"sv": "sv_FI"}


def format_locale() -> Locale:
    lang = str(get_locale())
    return Locale.parse(FORMAT_LOCALES.get(lang, lang))


def local_datetime(value: datetime | None) -> str:
    """A date and time with its weekday as the user's language writes it, in Finnish time:
    "ti 1.12.2026 klo 17.30", "tis 1 dec. 2026 kl. 17.30", "Tue, Dec 1, 2026 at 5:30 PM".

    A naive value is a wall-clock time as entered (a session's start, a closing time) and is shown
    as it is; an aware one is an instant (UTC from the database) and is shown in Finnish time.
    """
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    locale = format_locale()
    date = dates.format_skeleton("yMMMEd", value, locale=locale)
    time = dates.format_time(value, "short", locale=locale)
    # CLDR's "date at time" pattern ("{1} 'klo' {0}"), joined the way Babel joins its own patterns.
    return _date_at_time(locale).replace("'", "").replace("{0}", time).replace("{1}", date)


def _date_at_time(locale) -> str:
    """The locale's pattern for a date with a time of day; the plain one before Babel 2.19 had it."""
    relative = getattr(locale, "datetime_formats_relative", None) or {}
    return relative.get("long") or locale.datetime_formats["medium"]


def local_date(value) -> str:
    """A date with its weekday as the user's language writes it: "torstai 3. joulukuuta 2026"."""
    if value is None:
        return ""
    return dates.format_date(value, "full", locale=format_locale())


def local_decimal(value, digits: int | None = None) -> str:
    """A number with the locale's decimal sign and grouping ("4,2", "1 234"); `digits` fixes the decimals."""
    if value is None:
        return ""
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, pattern)


def percent_pattern(placeholder: str) -> str:
    """The locale's way of writing a percentage with a placeholder for the number ("{p} %", "{p}%"),
    for texts a script fills in."""
    return format_percent(0.42).replace("42", placeholder)


def local_percent(value) -> str:
    """A whole percentage (0–100) with the locale's percent sign and spacing ("42 %", "42%")."""
    if value is None:
        return ""
    return format_percent(value / 100)


def content_language(session) -> str:
    """The language of a workshop's own texts as a lang code: "both" (bilingual) is written Finnish first."""
    value = (session.get("content_language") if isinstance(session, dict) else
             getattr(session, "content_language", None)) or "fi"
    return "fi" if value == "both" else value


def content_lang(session) -> Markup:
    """` lang="fi"` on an element holding the workshop's own text, when the page speaks another language
    (WCAG 3.1.2); nothing when they agree."""
    code = content_language(session)
    return Markup("") if code == str(get_locale()) else Markup(' lang="%s"') % code


def bilingual(session) -> bool:
    return (session.get("content_language") if isinstance(session, dict) else
            getattr(session, "content_language", None)) == "both"


def other_language() -> str:
    return "fi" if str(get_locale()) == "sv" else "sv"


def also(session, message: str, **variables) -> Markup:
    """For a bilingual workshop, the same UI text in the other national language after the first one,
    marked with its lang (the projector's headings and instructions)."""
    if not bilingual(session):
        return Markup("")
    code = other_language()
    with force_locale(code):
        text = _(message, **variables)
    return Markup('<span class="also-lang" lang="%s">%s</span>') % (code, escape(text))


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
            "contact_for": lambda session=None: contact_for(session if hasattr(session, "contact_name") else None),
            "current_path": request.full_path.rstrip("?") if request else "/",
            "tie_message": tie_message,
        }

    app.jinja_env.globals.update(percent_pattern=percent_pattern, content_lang=content_lang,
                                 content_language=content_language, also=also)
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_date)
    app.add_template_filter(local_decimal, "decimal")
    app.add_template_filter(local_percent, "percent")
