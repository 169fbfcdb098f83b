"""The words of docs/vocabulary.md: no jargon or Sweden-Swedish words crept back into the catalogs,
and municipality names are never inflected (they stand after a colon)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

CATALOGS = Path(__file__).resolve().parents[2] / "workshop" / "translations"
BANNED = {
    "fi": [r"fasilitaattor", r"fläpp", r"Keskeytä uudet muistiinpanot", r"Kunnan %\("],
    "sv": [r"verkst", r"facilitator", r"\bTimer", r"\btimern?\b"],
}


def translations(lang: str) -> list[tuple[str, str]]:
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        catalog = read_po(fh, locale=lang)
    out = []
    for m in catalog:
        if m.id:
            strings = [m.string] if isinstance(m.string, str) else list(m.string)
            out.extend((m.id if isinstance(m.id, str) else m.id[0], s) for s in strings)
    return out


@pytest.mark.parametrize("lang", sorted(BANNED))
def test_catalogs_use_the_plain_words(lang):
    found = [(msgid, text) for msgid, text in translations(lang)
             for pattern in BANNED[lang] if re.search(pattern, text, re.IGNORECASE if lang == "sv" else 0)]
    assert not found, found


def test_plan_headings_need_no_inflection(app, client):
    from tests.helpers import gen_facilitator, gen_session

    gen_session(app, gen_facilitator(app).id)
    with app.test_request_context():
        from flask_babel import force_locale, gettext

        for lang, shown in (("fi", "Suunnitelma: Kemijärvi"), ("sv", "Plan: Kemijärvi"), ("en", "Plan of Kemijärvi")):
            with force_locale(lang):
                assert gettext("Plan of %(name)s", name="Kemijärvi") == shown
