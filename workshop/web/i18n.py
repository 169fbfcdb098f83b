"""The user's language: chosen by cookie among the configured languages, Finnish by default."""
from __future__ import annotations

from flask import current_app, request

LANG_COOKIE = "paja_lang"


def select_locale() -> str:
    lang = request.cookies.get(LANG_COOKIE)
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
