"""The user's language: a cookie, else the browser's Accept-Language, else Finnish; the projector keeps its own.

Phones, the facilitator's laptop and the projector choose independently: the projector's page takes
`?lang=` (remembered in a cookie of its own, path /screen/), so a bilingual municipality's screen can
speak Swedish while the facilitator's pages stay Finnish on the same computer.
"""
from __future__ import annotations

from flask import current_app, request

LANG_COOKIE = "paja_lang"
SCREEN_LANG_COOKIE = "paja_screen_lang"
SCREEN_PREFIX = "/screen/"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if request.path.startswith(SCREEN_PREFIX):
        for lang in (request.args.get("lang"), request.cookies.get(SCREEN_LANG_COOKIE)):
            if lang in languages:
                return lang
    lang = request.cookies.get(LANG_COOKIE)
    if lang in languages:
        return lang
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_screen_language(response):
    """A projector opened with ?lang=sv keeps Swedish on reload (its own cookie, only under /screen/)."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
    lang = request.args.get("lang")
    if request.path.startswith(SCREEN_PREFIX) and lang in current_app.config["LANGUAGES"] \
            and request.cookies.get(SCREEN_LANG_COOKIE) != lang and response.status_code == 200:
        response.set_cookie(SCREEN_LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", path=SCREEN_PREFIX,
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response


def init_app(app) -> None:
    app.after_request(remember_screen_language)
