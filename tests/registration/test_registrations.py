"""Pre-registration: an organiser opens the sign-up, people register, cancel, and arrive at the door."""
from __future__ import annotations

import re
import socketserver
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.models import Participant, Registration, Session
from workshop.registration import service as registrations
from workshop.registration.service import RegistrationData, RegistrationError

from tests.helpers import (
    AuthActions,
    csrf_token,
    gen_facilitator,
    gen_participant,
    gen_session,
)

MUNIS = ("320", "583", "732")


@pytest.fixture
def workshop(app, client):
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id, municipalities=MUNIS)
    AuthActions(client).login()
    return s


def open_registration(app, s, capacity=None, closes_at=None):
    with app.app_context():
        db = get_db()
        session = registrations.open_registration(db, db.get(Session, s.id), closes_at, capacity)
        return registrations.settings_of(session).token


def person(name="Aino Aaltonen", email="aino@example.fi", municipality="320", background="ngo", **more):
    return RegistrationData(name=name, email=email, municipality=municipality, background=background, **more)


def sign_up(app, s, data, now=None):
    with app.app_context():
        db = get_db()
        reg, token = registrations.register(db, db.get(Session, s.id), data, now)
        return reg.id, reg.status, token


def form_data(**over):
    data = {"name": "Aino Aaltonen", "email": "aino@example.fi", "phone": "", "municipality": "320",
            "organisation": "Kemijärven kyläyhdistys", "background": "ngo", "diets": ["lactose_free"],
            "diet_other": "", "accessibility": "", "consent": "y"}
    data.update(over)
    return data


def register_via_form(app, token, **over):
    c = app.test_client()
    page = c.get(f"/register/{token}")
    token_field = csrf_token(page.get_data(as_text=True))
    return c, c.post(f"/register/{token}", data={**form_data(**over), "csrf_token": token_field})


def test_capacity_fills_then_waiting_list_and_a_cancellation_promotes(app, workshop):
    open_registration(app, workshop, capacity=2)
    a = sign_up(app, workshop, person())
    b = sign_up(app, workshop, person("Ville", "ville@example.fi"))
    c = sign_up(app, workshop, person("Eeva", "eeva@example.fi"))
    d = sign_up(app, workshop, person("Kalle", None, phone="040 123 4567"))
    assert [a[1], b[1], c[1], d[1]] == ["confirmed", "confirmed", "waiting", "waiting"]
    with app.app_context():
        db = get_db()
        s = db.get(Session, workshop.id)
        promoted = registrations.cancel(db, s, db.get(Registration, a[0]))
        assert promoted.id == c[0]  # the first on the waiting list gets the place
        counts = registrations.headcount(db, s)
    assert (counts["confirmed"], counts["waiting"], counts["cancelled"]) == (2, 1, 1)


def test_registration_closes_at_its_closing_time(app, workshop, client):
    closes = datetime(2026, 11, 30, 12, 0)
    token = open_registration(app, workshop, closes_at=closes)
    assert sign_up(app, workshop, person(), now=closes - timedelta(minutes=1))[1] == "confirmed"
    with pytest.raises(RegistrationError, match="closed"):
        sign_up(app, workshop, person("Ville", "ville@example.fi"), now=closes)
    open_registration(app, workshop, closes_at=datetime(2020, 1, 1))
    page = client.get(f"/register/{token}")
    assert page.status_code == 410 and "Ilmoittautuminen tähän työpajaan on päättynyt" in page.get_data(as_text=True)


def test_duplicate_email_gets_a_clear_message(app, workshop):
    token = open_registration(app, workshop)
    _c, first = register_via_form(app, token)
    assert first.status_code == 302
    _c, again = register_via_form(app, token, name="Aino A.", email="AINO@example.fi ")
    assert again.status_code == 400
    assert "Tämä sähköpostiosoite on jo ilmoittautunut tähän työpajaan" in again.get_data(as_text=True)
    with app.app_context():
        assert len(get_db().scalars(select(Registration)).all()) == 1


def test_email_or_phone_is_required_and_consent_too(app, workshop):
    token = open_registration(app, workshop)
    _c, response = register_via_form(app, token, email="", phone="", consent="")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Anna sähköpostiosoite tai puhelinnumero" in html and 'id="error-summary"' in html


def test_headcount_by_municipality_background_and_diet(app, workshop, client):
    open_registration(app, workshop)
    sign_up(app, workshop, person(diets=["gluten_free", "vegan"]))
    sign_up(app, workshop, person("Ville", "ville@example.fi", "732", "officer", diets=["gluten_free"]))
    sign_up(app, workshop, person("Eeva", "eeva@example.fi", "732", "officer", diet_other="pähkinäallergia",
                                  accessibility="pyörätuoli"))
    fac = socketio.test_client(app, auth={"role": "facilitator", "session": workshop.id}, flask_test_client=client)
    headcount = [e["args"][0] for e in fac.get_received() if e["name"] == "registrations"][-1]
    by = {m["code"]: m["count"] for m in headcount["municipalities"]}
    assert headcount["confirmed"] == 3 and by == {"320": 1, "583": 0, "732": 2, "other": 0}
    assert {b["code"]: b["count"] for b in headcount["backgrounds"]}["officer"] == 2
    diets = {d["code"]: d["count"] for d in headcount["diets"]}
    assert diets["gluten_free"] == 2 and diets["vegan"] == 1 and diets["other"] == 1
    assert headcount["accessibility"] == 1
    # A new registration reaches the organiser's open page live.
    sign_up_response = register_via_form(app, workshop_token(app, workshop), name="Kalle", email="kalle@example.fi",
                                         municipality="583")[1]
    assert sign_up_response.status_code == 302
    live = [e["args"][0] for e in fac.get_received() if e["name"] == "registrations"]
    assert live and live[-1]["confirmed"] == 4
    page = client.get(f"/f/sessions/{workshop.id}/registrations").get_data(as_text=True)
    assert 'data-reg-count="d-gluten_free">2<' in page


def workshop_token(app, s):
    with app.app_context():
        return registrations.settings_of(get_db().get(Session, s.id)).token


def test_cancel_link_cancels_only_its_own_registration(app, workshop):
    token = open_registration(app, workshop)
    aino, response = register_via_form(app, token)
    aino_link = response.headers["Location"]
    ville, response = register_via_form(app, token, name="Ville", email="ville@example.fi")
    ville_link = response.headers["Location"]
    page = aino.get(aino_link).get_data(as_text=True)
    assert "Aino Aaltonen" in page and "Ville" not in page
    code = re.search(r'id="reg-code">([A-Z0-9]{6})<', page).group(1)
    # Aino's browser cannot cancel Ville's registration without Ville's secret link.
    bad = aino.post("/registration/not-the-token/cancel", data={"csrf_token": csrf_token(page)})
    assert bad.status_code == 404
    assert aino.post(aino_link + "/cancel", data={"csrf_token": csrf_token(page)}).status_code == 302
    with app.app_context():
        rows = {r.name: r.status for r in get_db().scalars(select(Registration))}
    assert rows == {"Aino Aaltonen": "cancelled", "Ville": "confirmed"}
    assert code not in ville.get(ville_link).get_data(as_text=True)


def test_organiser_downloads_and_cancels(app, workshop, client):
    open_registration(app, workshop)
    reg_id = sign_up(app, workshop, person(name="=Hakkeri", diets=["vegan"]))[0]
    csv_body = client.get(f"/f/sessions/{workshop.id}/registrations.csv")
    assert csv_body.status_code == 200 and csv_body.headers["Content-Disposition"].endswith(".csv")
    text = csv_body.data.decode("utf-8-sig")
    assert "Nimi;Sähköposti" in text and "'=Hakkeri" in text and "Vegaaninen" in text
    xlsx = client.get(f"/f/sessions/{workshop.id}/registrations.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    page = client.get(f"/f/sessions/{workshop.id}/registrations").get_data(as_text=True)
    client.post(f"/f/sessions/{workshop.id}/registrations/{reg_id}/cancel", data={"csrf_token": csrf_token(page)})
    with app.app_context():
        assert get_db().get(Registration, reg_id).status == "cancelled"
    other = app.test_client()
    assert other.get(f"/f/sessions/{workshop.id}/registrations.csv").status_code == 302  # login first


def test_a_registered_person_is_matched_at_the_door(app, workshop):
    open_registration(app, workshop)
    sign_up(app, workshop, person(municipality="732", background="officer",
                                                       organisation="Sallan kunta"))
    with app.app_context():
        code = get_db().scalar(select(Registration.code))
    phone = app.test_client()
    join = f"/{workshop.join_code}"
    page = phone.get(join).get_data(as_text=True)
    miss = phone.post(f"{join}/registered", data={"door-lookup": "XXXXXX", "door-csrf_token": csrf_token(page)})
    assert miss.status_code == 302
    assert "Ilmoittautumista ei löytynyt" in phone.get(join).get_data(as_text=True)
    phone.post(f"{join}/registered", data={"door-lookup": code.lower(), "door-csrf_token": csrf_token(page)})
    page = phone.get(join).get_data(as_text=True)
    assert re.search(r'checked[^>]*value="732"', page) and re.search(r'checked[^>]*value="officer"', page)
    assert 'value="Aino"' in page and 'value="Sallan kunta"' in page
    phone.post(join, data={"municipality": "732", "background": "officer", "first_name": "Aino",
                           "csrf_token": csrf_token(page)})
    with app.app_context():
        db = get_db()
        reg = db.scalar(select(Registration))
        participant = db.scalar(select(Participant))
        assert reg.participant_id == participant.id
        gen_participant(app, workshop, municipality="320")  # a walk-in
        report = registrations.attendance(db, db.get(Session, workshop.id))
    assert (report["registered"], report["arrived"], report["walk_ins"], report["no_shows"]) == (1, 1, 1, 0)


def door_lookup(phone, s, text):
    page = phone.get(f"/{s.join_code}").get_data(as_text=True)
    return phone.post(f"/{s.join_code}/registered", data={"door-lookup": text, "door-csrf_token": csrf_token(page)})


def test_an_email_alone_reveals_nothing_at_the_door(app, workshop):
    """Anyone with the join code could type someone's email: it finds nothing, shows no name, fills in nothing."""
    open_registration(app, workshop)
    sign_up(app, workshop, person(municipality="583", organisation="Salaisen kyläyhdistys"))
    phone = app.test_client()
    for text in ("aino@example.fi", " Aino@Example.fi ", "Aino Aaltonen"):
        response = door_lookup(phone, workshop, text)
        assert response.status_code == 302
        page = phone.get(f"/{workshop.join_code}").get_data(as_text=True)
        assert "Aino" not in page and "Salaisen" not in page and "Ilmoittautumista ei löytynyt" in page
    with app.app_context():
        db = get_db()
        s = db.get(Session, workshop.id)
        assert registrations.find_for_door(db, s, "aino@example.fi") is None
        code = db.scalar(select(Registration.code))
        assert registrations.find_for_door(db, s, f" {code[:3]}-{code[3:].lower()} ").name == "Aino Aaltonen"


def test_the_door_does_not_answer_a_browser_that_has_not_opened_the_workshop(app, workshop):
    """The door form is no way round the join code's limit: without having opened the workshop (QR link
    or typed code), the answer is the same redirect for a right and a wrong join code, and no lookup."""
    open_registration(app, workshop)
    sign_up(app, workshop, person())
    with app.app_context():
        code = get_db().scalar(select(Registration.code))
    stranger = app.test_client()
    token = csrf_token(stranger.get("/").get_data(as_text=True))
    wrong_join = "000000" if workshop.join_code != "000000" else "111111"
    for join_code in (workshop.join_code, wrong_join):
        response = stranger.post(f"/{join_code}/registered", data={"door-lookup": code, "door-csrf_token": token})
        assert response.status_code == 302 and response.headers["Location"] == f"/{join_code}"
    with stranger.session_transaction() as cookie:
        assert not any(k.startswith("reg") for k in cookie) and "_flashes" not in cookie


def test_registration_code_guessing_is_limited_per_phone_and_address(app, workshop):
    open_registration(app, workshop)
    sign_up(app, workshop, person())
    with app.app_context():
        code = get_db().scalar(select(Registration.code))
    guesser = app.test_client()
    statuses = [door_lookup(guesser, workshop, f"ZZZZ{a}{b}").status_code for a in "23" for b in "456789"]
    assert statuses[:10] == [302] * 10 and set(statuses[10:]) == {429}
    assert door_lookup(guesser, workshop, code).status_code == 429  # the right code gets the same refusal
    neighbour = app.test_client()  # the same Wi-Fi address, a phone that has not missed
    assert door_lookup(neighbour, workshop, code).status_code == 302
    assert "Aino" in neighbour.get(f"/{workshop.join_code}").get_data(as_text=True)


def test_the_email_link_takes_the_registrant_in_on_the_day(app, workshop):
    token = open_registration(app, workshop)
    c, response = register_via_form(app, token, municipality="583", organisation="Kylätalo ry")
    own_link = response.headers["Location"]
    with app.app_context():  # the workshop is next week: the link does not give the join code away yet
        db = get_db()
        db.get(Session, workshop.id).starts_at = datetime.now() + timedelta(days=7)
        db.commit()
    page = c.get(own_link).get_data(as_text=True)
    assert 'id="arrive"' not in page and workshop.join_code not in page
    refused = c.post(own_link + "/arrive", data={"csrf_token": csrf_token(page)})
    assert refused.headers["Location"] == own_link
    with app.app_context():
        db = get_db()
        db.get(Session, workshop.id).starts_at = datetime.now().replace(hour=0, minute=1)
        db.commit()
    phone = app.test_client()  # the registrant's phone at the door, with the link from the email
    page = phone.get(own_link).get_data(as_text=True)
    assert 'id="arrive"' in page
    response = phone.post(own_link + "/arrive", data={"csrf_token": csrf_token(page)})
    assert response.headers["Location"] == f"/{workshop.join_code}"
    page = phone.get(f"/{workshop.join_code}").get_data(as_text=True)
    assert 'value="Aino"' in page and 'value="Kylätalo ry"' in page and re.search(r'checked[^>]*value="583"', page)
    assert phone.post("/registration/guessed-token/arrive", data={"csrf_token": csrf_token(page)}).status_code == 404


class SmtpCapture(socketserver.ThreadingTCPServer):
    """A tiny SMTP debugging server on 127.0.0.1 that keeps what it receives."""
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        self.messages: list[dict] = []
        super().__init__(("127.0.0.1", 0), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.reply("220 localhost test SMTP")
        message = {"rcpt": []}
        while True:
            line = self.rfile.readline().decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if not line or verb == "QUIT":
                self.reply("221 bye")
                return
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "MAIL":
                message["from"] = line
                self.reply("250 ok")
            elif verb == "RCPT":
                message["rcpt"].append(line)
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                body = []
                while (data := self.rfile.readline().decode("utf-8", "replace")) not in (".\r\n", ".\n", ""):
                    body.append(data)
                message["data"] = "".join(body)
                self.server.messages.append(message)
                message = {"rcpt": []}
                self.reply("250 queued")
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server():
    server = SmtpCapture()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_confirmation_email_when_smtp_is_configured(app, workshop, smtp_server):
    app.config.update(PAJA_SMTP_HOST="127.0.0.1", PAJA_SMTP_PORT=str(smtp_server.server_address[1]),
                      PAJA_MAIL_FROM="paja@example.fi")
    token = open_registration(app, workshop)
    _c, response = register_via_form(app, token)
    assert response.status_code == 302
    [message] = smtp_server.messages
    assert "aino@example.fi" in message["rcpt"][0]
    import email
    parsed = email.message_from_string(message["data"])
    body = parsed.get_payload(decode=True).decode()
    subject = str(email.header.make_header(email.header.decode_header(parsed["Subject"])))
    assert "Ilmoittautuminen vahvistettu" in subject
    with app.app_context():
        code = get_db().scalar(select(Registration.code))
    assert code in body and response.headers["Location"] in body


def test_no_email_without_smtp_and_a_dead_server_does_not_break_registration(app, workshop):
    token = open_registration(app, workshop)
    assert register_via_form(app, token)[1].status_code == 302  # not configured: nothing sent, no error
    app.config.update(PAJA_SMTP_HOST="127.0.0.1", PAJA_SMTP_PORT="9", PAJA_MAIL_FROM="paja@example.fi")
    assert register_via_form(app, token, email="ville@example.fi", name="Ville")[1].status_code == 302


def test_the_headcount_follows_every_change_on_the_organiser_page_only(app, workshop, client):
    token = open_registration(app, workshop, capacity=1)
    fac = socketio.test_client(app, auth={"role": "facilitator", "session": workshop.id}, flask_test_client=client)
    screen = socketio.test_client(app, auth={"role": "screen", "token": workshop.screen_token})
    fac.get_received(), screen.get_received()

    def headcounts():
        return [(e["args"][0]["confirmed"], e["args"][0]["waiting"]) for e in fac.get_received()
                if e["name"] == "registrations"]

    first = sign_up(app, workshop, person())[0]
    sign_up(app, workshop, person("Ville", "ville@example.fi"))
    assert headcounts() == [(1, 0), (1, 1)]
    page = client.get(f"/f/sessions/{workshop.id}/registrations").get_data(as_text=True)
    client.post(f"/f/sessions/{workshop.id}/registrations/{first}/cancel", data={"csrf_token": csrf_token(page)})
    assert headcounts() == [(1, 0)]  # Ville got the place
    client.post(f"/f/sessions/{workshop.id}/registrations/stop", data={"csrf_token": csrf_token(page)})
    assert headcounts() == [(1, 0)] and client.get(f"/register/{token}").status_code == 404
    assert not [e for e in screen.get_received() if e["name"] == "registrations"]
