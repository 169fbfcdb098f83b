"""The accessibility statement and privacy notice: generated from the operator's settings, in three
languages, with the EU model statement's three parts, and linked from the footer of every page."""
from __future__ import annotations

import pytest

from workshop import create_app
from workshop.cli import upgrade_database
from workshop.web.i18n import LANG_COOKIE

from tests.helpers import gen_facilitator, gen_session

OPERATOR = {"OPERATOR_NAME": "Itä-Lapin kuntayhtymä", "OPERATOR_CONTACT_NAME": "Maija Ohjaaja",
            "OPERATOR_CONTACT_PHONE": "040 123 4567", "OPERATOR_CONTACT_EMAIL": "maija@example.fi",
            "A11Y_ASSESSED_ON": "2026-11-30", "A11Y_METHOD": "audit", "A11Y_AUDITOR": "Saavutus Oy",
            "A11Y_GAPS": "Vanhat PDF-liitteet\nVideo ilman tekstitystä", "RETENTION_MONTHS": 12}


@pytest.fixture
def operator_app(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'op.sqlite3'}", "PAJA_ASYNC_MODE": "threading",
                      **OPERATOR})
    with app.app_context():
        upgrade_database()
    return app


def page(client, url, lang="fi"):
    client.set_cookie(LANG_COOKIE, lang)
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("lang, words", [
    ("fi", ["Saavutettavuusseloste", "Saavutettavuuden tila", "Sisältö, joka ei ole saavutettavaa",
            "Palaute ja yhteystiedot", "14 päivän", "maanantai 30. marraskuuta 2026", "auditoinnissa (Saavutus Oy)"]),
    ("sv", ["Tillgänglighetsutlåtande", "Tillgänglighetsstatus", "Innehåll som inte är tillgängligt",
            "Respons och kontaktuppgifter", "14 dagar", "måndag 30 november 2026"]),
    ("en", ["Accessibility statement", "Compliance status", "Content that is not accessible",
            "Feedback and contact information", "14 days", "Monday, November 30, 2026"]),
])
def test_statement_has_the_three_parts_from_the_settings(operator_app, lang, words):
    status, html = page(operator_app.test_client(), "/accessibility", lang)
    assert status == 200
    for word in words + ["Itä-Lapin kuntayhtymä", "Vanhat PDF-liitteet", "Video ilman tekstitystä",
                         'href="https://www.saavutettavuusvaatimukset.fi"', 'href="tel:0401234567"',
                         'href="mailto:maija@example.fi"', "Maija Ohjaaja"]:
        assert word in html, word


def test_privacy_notice_names_retention_purge_and_controller(operator_app):
    status, html = page(operator_app.test_client(), "/privacy", "en")
    assert status == 200
    assert "12 months after the workshop" in html
    assert "paja purge --months N" in html
    assert "Itä-Lapin kuntayhtymä" in html and 'href="mailto:maija@example.fi"' in html


def test_default_settings_give_a_statement_without_a_contact(client):
    status, html = page(client, "/accessibility", "fi")
    assert status == 200 and "Itsearvio" not in html and "omavalvonta" in html
    assert "tel:" not in html


def test_every_kind_of_page_has_the_footer_links(app, client, auth):
    facilitator = gen_facilitator(app)
    session = gen_session(app, facilitator.id)
    urls = ["/", f"/{session.join_code}", "/accessibility", "/privacy", "/no-such-page", "/login",
            f"/screen/{session.screen_token}"]
    for url in urls:
        html = client.get(url).get_data(as_text=True)
        assert 'href="/accessibility"' in html and 'href="/privacy"' in html, url
    auth.login()
    for url in ["/f/", f"/f/sessions/{session.id}", f"/f/sessions/{session.id}/edit"]:
        html = client.get(url).get_data(as_text=True)
        assert 'href="/accessibility"' in html, url
