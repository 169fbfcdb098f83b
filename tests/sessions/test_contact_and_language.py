"""A facilitator names the human to call and the language of the workshop's texts; participants see
the contact as a tel: link, and the workshop's texts carry lang= where the page speaks another language."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import inspect

from workshop.db import engine, get_db
from workshop.models import Session
from workshop.web.i18n import LANG_COOKIE, SCREEN_LANG_COOKIE

from tests.helpers import gen_facilitator, gen_session, post_form
from tests.migrations import BACKENDS, app_at, migrate, old_workshop, rows
from tests.sessions.test_facilitator import NEW_SESSION

CONTACT = {"contact_name": "Maija Ohjaaja", "contact_phone": "+358 40 123 4567", "contact_email": "maija@example.fi"}


def edit(client, session, **fields):
    return post_form(client, f"/f/sessions/{session.id}/edit", {**NEW_SESSION, **fields})


def test_contact_and_language_are_saved_and_shown_on_participant_pages(client, app, auth):
    facilitator = gen_facilitator(app)
    session = gen_session(app, facilitator.id)
    auth.login()
    assert edit(client, session, content_language="sv", **CONTACT).status_code == 302
    with app.app_context():
        s = get_db().get(Session, session.id)
        assert (s.contact_name, s.contact_phone, s.contact_email, s.content_language) == (
            "Maija Ohjaaja", "+358 40 123 4567", "maija@example.fi", "sv")
    form = client.get(f"/f/sessions/{session.id}/edit").get_data(as_text=True)
    assert 'value="+358 40 123 4567"' in form and '<option selected value="sv">' in form
    auth.logout()
    join = client.get(f"/{session.join_code}").get_data(as_text=True)
    assert 'href="tel:+358401234567"' in join and 'href="mailto:maija@example.fi"' in join
    assert "Maija Ohjaaja" in join
    assert '<h1 class="phone-title" lang="sv">Itä-Lapin elinvoimapaja</h1>' in join  # Finnish UI, Swedish workshop
    post_form(client, f"/{session.join_code}", {"municipality": "583", "background": "ngo"})
    phone = client.get(f"/{session.join_code}").get_data(as_text=True)
    assert 'id="phase-title"' in phone and 'href="tel:+358401234567"' in phone
    assert '<h1 class="phone-title" lang="sv">Itä-Lapin elinvoimapaja</h1>' in phone


def test_bad_contact_is_refused_and_nothing_changes(client, app, auth):
    facilitator = gen_facilitator(app)
    session = gen_session(app, facilitator.id)
    auth.login()
    response = edit(client, session, contact_phone="soita minulle", contact_email="ei-osoite",
                    content_language="de")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Kirjoita puhelinnumero numeroina" in html and "Tarkista sähköpostiosoite." in html
    with app.app_context():
        s = get_db().get(Session, session.id)
        assert s.contact_phone is None and s.content_language == "fi" and s.title == "Itä-Lapin paja"


def test_new_workshop_starts_with_the_operators_contact(client, app, auth):
    app.config.update(OPERATOR_CONTACT_NAME="Toimisto", OPERATOR_CONTACT_PHONE="016 123 456")
    gen_facilitator(app)
    auth.login()
    html = client.get("/f/sessions/new").get_data(as_text=True)
    assert 'value="Toimisto"' in html and 'value="016 123 456"' in html


def test_without_a_workshop_contact_the_operators_is_shown(client, app):
    app.config.update(OPERATOR_CONTACT_NAME="Toimisto", OPERATOR_CONTACT_PHONE="016 123 456")
    session = gen_session(app, gen_facilitator(app).id)
    for url in [f"/{session.join_code}", "/", "/no-such-page", "/123456"]:
        html = client.get(url).get_data(as_text=True)
        assert 'href="tel:016123456"' in html, url


@pytest.mark.parametrize("ui, marked", [("fi", False), ("sv", True), ("en", True)])
def test_finnish_content_is_marked_on_swedish_and_english_pages(client, app, ui, marked):
    session = gen_session(app, gen_facilitator(app).id)
    client.set_cookie(LANG_COOKIE, ui)
    html = client.get(f"/{session.join_code}").get_data(as_text=True)
    assert f'<html lang="{ui}">' in html
    assert ('<h1 class="phone-title" lang="fi">Itä-Lapin paja</h1>' in html) is marked
    screen = client.get(f"/screen/{session.screen_token}").get_data(as_text=True)
    assert ('class="screen-title" lang="fi"' in screen) is marked


def test_first_visit_takes_the_browsers_language(client):
    html = client.get("/", headers={"Accept-Language": "sv-FI,sv;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="sv">' in html
    html = client.get("/", headers={"Accept-Language": "de-DE,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    html = client.get("/", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert '<html lang="fi">' in html
    client.set_cookie(LANG_COOKIE, "fi")  # the user's own choice wins
    html = client.get("/", headers={"Accept-Language": "sv-FI"}).get_data(as_text=True)
    assert '<html lang="fi">' in html


def test_projector_keeps_a_language_of_its_own(client, app):
    session = gen_session(app, gen_facilitator(app).id)
    client.set_cookie(LANG_COOKIE, "fi")  # the facilitator's laptop speaks Finnish
    url = f"/screen/{session.screen_token}"
    html = client.get(url + "?lang=sv").get_data(as_text=True)
    assert '<html lang="sv">' in html and "Kod" in html
    assert client.get_cookie(SCREEN_LANG_COOKIE, path="/screen/").value == "sv"
    assert '<html lang="sv">' in client.get(url).get_data(as_text=True)  # remembered on reload
    assert '<html lang="fi">' in client.get("/").get_data(as_text=True)  # the rest stays Finnish


def test_bilingual_projector_shows_instructions_in_both_languages(client, app, auth):
    facilitator = gen_facilitator(app)
    session = gen_session(app, facilitator.id)
    auth.login()
    edit(client, session, content_language="both")
    client.set_cookie(LANG_COOKIE, "fi")
    html = client.get(f"/screen/{session.screen_token}").get_data(as_text=True)
    assert re.search(r'Koodi<span class="also-lang" lang="sv">Kod</span>', html)
    html = client.get(f"/screen/{session.screen_token}?lang=sv").get_data(as_text=True)
    assert re.search(r'Kod<span class="also-lang" lang="fi">Koodi</span>', html)


def test_report_marks_content_and_export_keeps_the_language(client, app, auth):
    facilitator = gen_facilitator(app)
    session = gen_session(app, facilitator.id)
    auth.login()
    edit(client, session, content_language="sv")
    client.set_cookie(LANG_COOKIE, "fi")
    report = client.get(f"/f/sessions/{session.id}/report").get_data(as_text=True)
    assert '<h1 lang="sv">' in report
    doc = json.loads(client.get(f"/f/sessions/{session.id}/export.json").get_data(as_text=True))
    assert doc["session"]["content_language"] == "sv"


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_adds_contact_and_language(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, "0014")
    with app.app_context():
        old_workshop(1)
    migrate(app, "head")
    with app.app_context():
        assert rows("SELECT content_language, contact_phone FROM session") == [("fi", None)]
    migrate(app, "0014", down=True)
    with app.app_context():
        assert "content_language" not in {c["name"] for c in inspect(engine()).get_columns("session")}
        assert rows("SELECT count(*) FROM participant")[0][0] == 1
