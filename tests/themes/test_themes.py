"""The facilitator finds the room's common themes in a round's notes, renames, merges, orders and
drops them, and shows them on the projector: each change is live on facilitator pages and the
projector, a note hidden later drops out, and the themes travel in the JSON export and the report."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from workshop.db import get_db
from workshop.exports import document, importer
from workshop.extensions import socketio
from workshop.flipchart import service as flipchart
from workshop.models import Facilitator, Note, Participant, Session
from workshop.polls import lemmas
from workshop.themes import service as themes
from workshop.themes.models import CommonTheme

from tests.flipchart.evening import start_evening
from tests.helpers import csrf_token

# Group 1 and group 2 each write about young people and transport; group 1 alone about the kiosk.
TEXTS = {1: ["Nuorille lisää harrastuksia", "Kyydit kylille iltaisin", "Kahvio torille"],
         2: ["Nuorten kesätyöt", "Kyytien yhteinen aikataulu", "Metsästysseuran laavu"]}


@pytest.fixture(autouse=True)
def needs_voikko():
    if not lemmas.available():
        import os
        if os.environ.get("CI") == "true":
            pytest.fail("Voikko is required in CI")
        pytest.skip("Voikko not installed")


@pytest.fixture
def evening_with_notes(app, client):
    s, tokens, groups = start_evening(app, client)
    with app.app_context():
        db = get_db()
        session = db.get(Session, s.id)
        for number, texts in TEXTS.items():
            for i, text in enumerate(texts):
                person = db.get(Participant, groups[number][i])
                flipchart.add_note(db, session, person, f"theme-note-{number}{i:04d}", text)
    return s


def post(client, s, path, **data):
    token = csrf_token(client.get(f"/f/sessions/{s.id}/themes").get_data(as_text=True))
    return client.post(f"/f/sessions/{s.id}/themes{path}", data={"csrf_token": token, **data},
                       follow_redirects=True)


def labels(app, s):
    with app.app_context():
        return [t.label for t in themes.themes_of(get_db(), get_db().get(Session, s.id))]


def test_find_edit_and_show_themes_live(app, client, evening_with_notes):
    s = evening_with_notes
    screen = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    other_tab = socketio.test_client(app, auth={"role": "facilitator", "session": s.id}, flask_test_client=client)
    for sio in (screen, other_tab):
        sio.get_received()

    page = post(client, s, "/find").get_data(as_text=True)
    assert "Yhteiset teemat löytyivät" in page
    assert sorted(labels(app, s)) == ["Kyyti", "Nuori"]
    assert "Kahvio torille" not in page.split("theme-list", 1)[1]  # one group's word is no common theme
    staff = [e["args"][0] for e in other_tab.get_received() if e["name"] == "common_themes"]
    assert staff and {t["label"] for t in staff[-1]["themes"]} == {"Kyyti", "Nuori"}
    hidden = [e["args"][0] for e in screen.get_received() if e["name"] == "common_themes"]
    assert hidden == [{"shown": False, "seq": hidden[0]["seq"], "themes": []}]  # nothing before "show"

    with app.app_context():
        ids = {t.label: t.id for t in themes.themes_of(get_db(), get_db().get(Session, s.id))}
    post(client, s, f"/{ids['Nuori']}/rename", label="Nuoret ja harrastukset")
    post(client, s, "/show", shown="1")
    shown = [e["args"][0] for e in screen.get_received() if e["name"] == "common_themes"][-1]
    assert shown["shown"] and "Nuoret ja harrastukset" in {t["label"] for t in shown["themes"]}
    projector = client.get(f"/screen/{s.screen_token}").get_data(as_text=True)
    assert "Nuoret ja harrastukset" in projector and "Kyytien yhteinen aikataulu" in projector
    # A projector that (re)connects gets the themes as shown now in its state (it was sent nowhere).
    late = socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})
    on_connect = [e["args"][0] for e in late.get_received() if e["name"] == "common_themes"]
    assert on_connect and on_connect[-1]["shown"] and "Nuoret ja harrastukset" in {t["label"] for t in on_connect[-1]["themes"]}
    late.disconnect()

    # A note the facilitator hides afterwards leaves the projector; a theme left in one group goes too.
    with app.app_context():
        db = get_db()
        session = db.get(Session, s.id)
        note = db.scalar(select(Note).where(Note.text == "Nuorten kesätyöt"))
        flipchart.set_hidden(db, session, note, True)
        themes.show(db, session, True)  # the next change sends the themes as they are now
    latest = [e["args"][0] for e in screen.get_received() if e["name"] == "common_themes"][-1]
    assert "Nuoret ja harrastukset" not in {t["label"] for t in latest["themes"]}
    assert "Nuorten kesätyöt" not in json.dumps(latest, ensure_ascii=False)

    post(client, s, "/merge", theme=[str(ids["Nuori"]), str(ids["Kyyti"])])
    assert len(labels(app, s)) == 1
    post(client, s, f"/{ids['Nuori'] if labels(app, s)[0].startswith('Nuor') else ids['Kyyti']}/drop")
    assert labels(app, s) == []
    post(client, s, "/show", shown="0")
    assert [e["args"][0] for e in screen.get_received() if e["name"] == "common_themes"][-1]["shown"] is False


def test_bad_requests_are_refused_with_a_message_and_change_nothing(app, client, evening_with_notes):
    s = evening_with_notes
    post(client, s, "/find")
    before = labels(app, s)
    with app.app_context():
        first = themes.themes_of(get_db(), get_db().get(Session, s.id))[0].id
    assert "Valitse vähintään kaksi" in post(client, s, "/merge", theme=[str(first)]).get_data(as_text=True)
    assert "Kirjoita nimi." in post(client, s, f"/{first}/rename", label="  ").get_data(as_text=True)
    assert post(client, s, "/999999/drop").status_code == 200  # flashed "not found", redirected
    assert labels(app, s) == before


def test_no_round_no_themes(app, client, auth):
    from tests.helpers import gen_facilitator, gen_session
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    auth.login()
    page = post(client, s, "/find").get_data(as_text=True)
    assert "Julkaise ensin ryhmäjako" in page
    with app.app_context():
        assert get_db().scalar(select(func.count(CommonTheme.id))) == 0


def test_themes_travel_in_the_export_and_the_report(app, client, evening_with_notes):
    s = evening_with_notes
    post(client, s, "/find")
    post(client, s, "/show", shown="1")
    report = client.get(f"/f/sessions/{s.id}/report").get_data(as_text=True)
    assert "Yhteiset teemat" in report and "Kyytien yhteinen aikataulu" in report
    with app.app_context():
        db = get_db()
        data = document.load_session(db, s.id)
        assert data["common_themes"]["shown"] is True and len(data["common_themes"]["themes"]) == 2
        copy = importer.import_session(db, importer.parse_document(json.dumps(data)),
                                       db.scalars(select(Facilitator)).first())
        db.commit()
        again = document.load_session(db, copy.id)
        assert again["common_themes"] == data["common_themes"]
