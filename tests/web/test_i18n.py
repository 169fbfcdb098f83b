"""Translations: complete catalogs in fi/sv/en, compiled .mo files in step, and the language switch.

When one of these fails after a UI text changed, run `.venv/bin/python scripts/translations.py`
and translate what it reports missing (docs/translations.md).
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from workshop.web.i18n import LANG_COOKIE

from tests.helpers import csrf_token

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "workshop" / "translations"
POT = TRANSLATIONS / "messages.pot"
LANGUAGES = ("fi", "sv", "en")
FIX = "run `.venv/bin/python scripts/translations.py` and translate what it reports (docs/translations.md)"

# %(name)s, %s, %d, %% ... — what Python's %-formatting (and Jinja's newstyle gettext) act on.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def load_po(path: Path, locale: str | None = None):
    with open(path, "rb") as fh:
        return read_po(fh, locale=locale)


def key(message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
    return msgid, message.context


def strings(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def real(catalog) -> list:
    return [m for m in catalog if m.id]


@pytest.fixture(scope="module")
def template():
    return load_po(POT)


@pytest.fixture(scope="module")
def catalogs():
    return {lang: load_po(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", lang) for lang in LANGUAGES}


def test_template_has_messages(template):
    assert len(real(template)) > 50


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(template, catalogs, lang):
    catalog = catalogs[lang]
    assert not catalog.fuzzy, f"{lang}: the catalog header is marked fuzzy (pybabel compile would skip it)"
    wanted = {key(m) for m in real(template)}
    have = {key(m): m for m in real(catalog)}
    assert wanted - have.keys() == set(), f"{lang}: msgids missing from the .po; {FIX}"
    assert have.keys() - wanted == set(), f"{lang}: the .po has msgids the .pot no longer has; {FIX}"
    untranslated = sorted(k[0] for k, m in have.items() if not all(strings(m.string)))
    assert untranslated == [], f"{lang}: empty msgstrs; {FIX}"
    fuzzy = sorted(k[0] for k, m in have.items() if m.fuzzy)
    assert fuzzy == [], f"{lang}: fuzzy entries must be reviewed and unmarked"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalog_matches_po(catalogs, lang):
    mo_file = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo"
    assert mo_file.exists(), f"{lang}: messages.mo missing; {FIX}"
    with open(mo_file, "rb") as fh:
        compiled = read_mo(fh)
    from_po = {key(m): strings(m.string) for m in real(catalogs[lang]) if all(strings(m.string)) and not m.fuzzy}
    from_mo = {key(m): strings(m.string) for m in real(compiled)}
    differ = sorted(k[0] for k in from_po.keys() | from_mo.keys() if from_po.get(k) != from_mo.get(k))
    assert differ == [], f"{lang}: messages.mo is not compiled from the current messages.po; {FIX}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match(catalogs, lang):
    wrong = []
    for m in real(catalogs[lang]):
        expected = sorted(PLACEHOLDER.findall(strings(m.id)[-1]))
        for s in strings(m.string):
            if s and sorted(PLACEHOLDER.findall(s)) != expected:
                wrong.append((m.id, s))
    assert wrong == [], f"{lang}: msgstr placeholders differ from the msgid's"


def test_template_is_up_to_date(template, tmp_path):
    """Re-extract from workshop/ and templates/: the committed .pot must hold the same msgids."""
    spec = importlib.util.spec_from_file_location("paja_translations", ROOT / "scripts" / "translations.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    fresh = script.extract(tmp_path / "messages.pot")
    fresh_ids = {key(m) for m in real(fresh)}
    committed = {key(m) for m in real(template)}
    assert sorted(fresh_ids - committed) == [], f"new UI strings are not in messages.pot; {FIX}"
    assert sorted(committed - fresh_ids) == [], f"messages.pot has strings the code no longer uses; {FIX}"


# --- the running app ---------------------------------------------------------------------------

def switch_language(client, lang: str, next_url: str = "/"):
    token = csrf_token(client.get(next_url).get_data(as_text=True))
    return client.post("/lang", data={"lang": lang, "next": next_url, "csrf_token": token})


def page_lang(html: str) -> str:
    m = re.search(r'<html lang="([^"]+)"', html)
    assert m, "page has no <html lang>"
    return m.group(1)


def test_front_page_is_finnish_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert page_lang(html) == "fi"
    assert "Liity työpajaan" in html
    assert "Join a workshop" not in html


@pytest.mark.parametrize("lang", ["sv", "en", "fi"])
def test_language_switch_sets_cookie_and_translates(client, catalogs, lang):
    response = switch_language(client, lang)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    cookie = client.get_cookie(LANG_COOKIE)
    assert cookie is not None and cookie.value == lang
    assert cookie.http_only
    html = client.get("/").get_data(as_text=True)
    assert page_lang(html) == lang
    assert catalogs[lang].get("Join a workshop").string in html


def test_front_page_in_swedish(client):
    switch_language(client, "sv")
    html = client.get("/").get_data(as_text=True)
    assert "Delta i en workshop" in html
    assert "Liity työpajaan" not in html


@pytest.mark.parametrize("bad", ["de", "", "FI", "sv-SE", "../fi"])
def test_unknown_language_changes_nothing(client, bad):
    response = switch_language(client, bad)
    assert response.status_code == 302
    assert client.get_cookie(LANG_COOKIE) is None
    assert LANG_COOKIE not in response.headers.get("Set-Cookie", "")
    assert page_lang(client.get("/").get_data(as_text=True)) == "fi"


def test_unknown_language_keeps_the_chosen_one(client):
    switch_language(client, "sv")
    switch_language(client, "xx")
    assert client.get_cookie(LANG_COOKIE).value == "sv"
    assert page_lang(client.get("/").get_data(as_text=True)) == "sv"


def test_unsupported_cookie_falls_back_to_finnish(client):
    client.set_cookie(LANG_COOKIE, "de")
    html = client.get("/").get_data(as_text=True)
    assert page_lang(html) == "fi"
    assert "Liity työpajaan" in html
