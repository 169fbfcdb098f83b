"""A participant enters the code, joins from the phone and stays in on reload."""
from __future__ import annotations

from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from workshop.db import get_db
from workshop.models import Participant
from workshop.sessions.service import hash_token

from tests.helpers import csrf_token, gen_facilitator, gen_participant, gen_session, post_form


def count_participants(app):
    with app.app_context():
        return get_db().scalar(select(func.count(Participant.id)))


def test_front_page_code_goes_to_join_form(client, app):
    s = gen_session(app, gen_facilitator(app).id)
    response = post_form(client, "/", {"code": s.join_code})
    assert response.headers["Location"].endswith(f"/{s.join_code}")
    response = post_form(client, "/", {"code": "000000" if s.join_code != "000000" else "111111"})
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)


def test_join_remembers_the_participant(client, app):
    s = gen_session(app, gen_facilitator(app).id)
    response = post_form(client, f"/{s.join_code}", {"municipality": "583", "background": "ngo",
                                                     "first_name": "Aino", "is_contact_person": "y"})
    assert response.status_code == 302
    cookie = client.get_cookie(f"paja_p{s.id}")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert len(cookie.value) >= 22  # ≥ 128 bits of randomness, URL-safe
    page = client.get(f"/{s.join_code}").get_data(as_text=True)
    assert "Aino" in page and 'id="phase-title"' in page
    with app.app_context():
        p = get_db().scalar(select(Participant))
        assert p.municipality == "583" and p.is_contact_person and p.token_hash == hash_token(cookie.value)


def test_other_municipality_is_allowed(client, app):
    s = gen_session(app, gen_facilitator(app).id)
    assert post_form(client, f"/{s.join_code}", {"municipality": "other", "background": "resident"}).status_code == 302


def test_join_validation_stores_nothing(client, app):
    s = gen_session(app, gen_facilitator(app).id)
    cases = [
        {"municipality": "091", "background": "ngo"},          # Helsinki: not in this session
        {"municipality": "583"},                              # background missing
        {"municipality": "583", "background": "astronaut"},
        {"municipality": "583", "background": "ngo", "first_name": "x" * 10_000},
        {"municipality": "583", "background": "ngo", "organisation": "a\x00b"},
    ]
    for data in cases:
        response = post_form(client, f"/{s.join_code}", data)
        assert response.status_code == 400, data
        assert 'class="field-errors"' in response.get_data(as_text=True)
    assert count_participants(app) == 0
    assert client.get_cookie(f"paja_p{s.id}") is None


def test_missing_background_message_is_clear_and_finnish(client, app):
    s = gen_session(app, gen_facilitator(app).id)
    page = post_form(client, f"/{s.join_code}", {"municipality": "583"}).get_data(as_text=True)
    with app.test_request_context(), force_locale("fi"):
        finnish = gettext("Choose your background.")
    assert finnish != "Choose your background." and finnish in page


def test_cookie_of_session_a_does_not_admit_to_session_b(client, app):
    fac = gen_facilitator(app)
    a, b = gen_session(app, fac.id, title="A"), gen_session(app, fac.id, title="B")
    _p, token = gen_participant(app, a)
    client.set_cookie(f"paja_p{a.id}", token)
    client.set_cookie(f"paja_p{b.id}", token)  # even under B's cookie name
    assert 'id="phase-title"' in client.get(f"/{a.join_code}").get_data(as_text=True)
    page_b = client.get(f"/{b.join_code}").get_data(as_text=True)
    assert 'id="phase-title"' not in page_b and 'name="background"' in page_b


def test_unknown_or_malformed_code(client):
    assert client.get("/123456").status_code == 404
    assert client.get("/12345").status_code == 404
    assert client.get("/abcdef").status_code == 404


def test_full_workshop_refuses_politely(client, app):
    app.config["MAX_PARTICIPANTS"] = 1
    s = gen_session(app, gen_facilitator(app).id)
    gen_participant(app, s)
    response = post_form(client, f"/{s.join_code}", {"municipality": "583", "background": "ngo"})
    assert response.status_code == 400
    assert count_participants(app) == 1


def test_join_form_has_csrf(client, app):
    s = gen_session(app, gen_facilitator(app).id)
    csrf_token(client.get(f"/{s.join_code}").get_data(as_text=True))
    assert client.post(f"/{s.join_code}", data={"municipality": "583", "background": "ngo"}).status_code == 400
    assert count_participants(app) == 0


def test_code_guessing_is_limited_but_joining_is_not(client, app):
    s = gen_session(app, gen_facilitator(app).id)
    for _ in range(12):  # honest phones on one Wi-Fi address: successes never count
        assert post_form(client, "/", {"code": s.join_code}).status_code == 302
    wrong = "000000" if s.join_code != "000000" else "111111"
    statuses = [post_form(client, "/", {"code": wrong}).status_code for _ in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429
    page = post_form(client, "/", {"code": s.join_code})
    assert page.status_code == 429
    with app.test_request_context(), force_locale("fi"):
        assert gettext("Too many attempts") in page.get_data(as_text=True)


def test_locked_room_admits_nobody_new(client, app):
    from tests.helpers import AuthActions
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    _p, token = gen_participant(app, s)
    facilitator = app.test_client()
    AuthActions(facilitator).login()
    page = facilitator.get(f"/f/sessions/{s.id}").get_data(as_text=True)
    facilitator.post(f"/f/sessions/{s.id}/lock", data={"csrf_token": csrf_token(page), "locked": "1"})
    response = post_form(client, f"/{s.join_code}", {"municipality": "583", "background": "ngo"})
    assert response.status_code == 400 and count_participants(app) == 1
    insider = app.test_client()
    insider.set_cookie(f"paja_p{s.id}", token)
    assert 'id="phase-title"' in insider.get(f"/{s.join_code}").get_data(as_text=True)  # already in: stays in
    facilitator.post(f"/f/sessions/{s.id}/lock", data={"csrf_token": csrf_token(page), "locked": "0"})
    assert post_form(client, f"/{s.join_code}", {"municipality": "583", "background": "ngo"}).status_code == 302


def test_per_session_capacity(client, app):
    s = gen_session(app, gen_facilitator(app).id)
    with app.app_context():
        from workshop.models import Session
        get_db().get(Session, s.id).max_participants = 1
        get_db().commit()
    assert post_form(client, f"/{s.join_code}", {"municipality": "583", "background": "ngo"}).status_code == 302
    other = app.test_client()
    assert post_form(other, f"/{s.join_code}", {"municipality": "583", "background": "ngo"}).status_code == 400
    assert count_participants(app) == 1
