"""A participant enters the code, joins from the phone and stays in on reload."""
from __future__ import annotations

from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from workshop.db import get_db
from workshop.models import Participant, Session
from workshop.sessions.service import hash_token
from workshop.web import links

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


def venue_phone(app, address="10.20.30.40"):
    """A phone on the venue Wi-Fi: its own browser (cookies), the venue's one address."""
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = address
    return phone


def other_code(s) -> str:
    return "000000" if s.join_code != "000000" else "111111"


def type_code(phone, code: str, route: str):
    """A typed code on the front page's form ("post") or straight in the address bar ("get")."""
    if route == "post":
        return post_form(phone, "/", {"code": code})
    return phone.get(f"/{code}")


def test_a_venue_behind_one_address_gets_in_and_a_guesser_is_stopped(app):
    """200 phones behind one address, 10 of them mistyping 3 times: everyone gets in. A guesser on the
    same address is then stopped after its budget on both routes, while an honest phone still gets in."""
    s = gen_session(app, gen_facilitator(app).id)
    wrong = other_code(s)
    mistypers = set(range(5, 200, 20))
    assert len(mistypers) == 10
    for i in range(200):
        phone = venue_phone(app)
        route = ("post", "get")[i % 2]
        if i in mistypers:
            for k in range(3):
                assert type_code(phone, wrong, ("post", "get")[(i + k) % 2]).status_code in (400, 404)
        response = type_code(phone, s.join_code, route)
        assert response.status_code in (200, 302), (i, response.status_code)
        joined = post_form(phone, f"/{s.join_code}", {"municipality": "583", "background": "ngo"})
        assert joined.status_code == 302, i
    assert count_participants(app) == 200

    # The guesser: its first miss already puts it over the address's budget, so it is stopped at once,
    # on both routes, and its own correct code gets the same refusal as a wrong one.
    guesser = venue_phone(app)
    tries = [type_code(guesser, wrong, "get").status_code for _ in range(3)]
    assert tries == [404, 429, 429]
    assert type_code(guesser, wrong, "post").status_code == 429
    assert type_code(guesser, s.join_code, "post").status_code == 429
    assert type_code(guesser, s.join_code, "get").status_code == 429
    # A latecomer whose phone has not failed is admitted while the address is limited.
    latecomer = venue_phone(app)
    latecomer.get("/")  # the front page's form; the phone has not typed anything yet
    assert type_code(latecomer, s.join_code, "post").status_code == 302
    assert 'name="background"' in latecomer.get(f"/{s.join_code}").get_data(as_text=True)
    # Everyone already in stays in: their pages are never limited.
    assert 'id="phase-title"' in phone.get(f"/{s.join_code}").get_data(as_text=True)


def test_one_guessing_device_is_stopped_after_its_budget_on_both_routes(app):
    s = gen_session(app, gen_facilitator(app).id)
    guesser = venue_phone(app, "10.9.9.9")
    statuses = [type_code(guesser, f"{n:06d}", ("get", "post")[n % 2]).status_code
                for n in range(900_000, 900_015) if f"{n:06d}" != s.join_code]
    assert statuses[:10] == [404 if n % 2 == 0 else 400 for n in range(900_000, 900_010)]
    assert set(statuses[10:]) == {429}
    for route in ("get", "post"):  # the right code gets the same answer: nothing to learn
        assert type_code(guesser, s.join_code, route).status_code == 429
    page = guesser.get(f"/{s.join_code}").get_data(as_text=True)
    with app.test_request_context(), force_locale("fi"):
        assert gettext("Too many wrong codes") in page
    # Other phones at the same address are not affected by this one phone's misses.
    assert type_code(venue_phone(app, "10.9.9.9"), s.join_code, "get").status_code == 200


def test_a_guesser_throwing_its_cookie_away_gets_about_thirty_tries_an_hour(app):
    s = gen_session(app, gen_facilitator(app).id)
    misses = 0
    for n in range(100_000, 100_200):
        code = f"{n:06d}"
        if code == s.join_code:
            continue
        status = type_code(venue_phone(app, "10.7.7.7"), code, ("get", "post")[n % 2]).status_code
        if status == 429:
            break
        misses += 1
    assert 30 <= misses <= 45, misses
    # Now even a clean phone's typed code is refused at this address; the QR link still works.
    assert type_code(venue_phone(app, "10.7.7.7"), s.join_code, "get").status_code == 429
    with app.test_request_context():
        qr_link = links.join_url(get_db().get(Session, s.id)).split("/", 3)[3]
    phone = venue_phone(app, "10.7.7.7")
    response = phone.get("/" + qr_link)
    assert response.status_code == 302 and response.headers["Location"] == f"/{s.join_code}"
    assert 'name="background"' in phone.get(f"/{s.join_code}").get_data(as_text=True)
    assert post_form(phone, f"/{s.join_code}", {"municipality": "583", "background": "ngo"}).status_code == 302
    # A wrong secret in the link is just a typed code.
    assert venue_phone(app, "10.7.7.7").get(f"/{s.join_code}?k=0123456789abcdef01234567").status_code == 429
    # Another address is not affected.
    assert type_code(venue_phone(app, "10.7.7.8"), s.join_code, "get").status_code == 200


def test_qr_link_carries_a_secret_and_the_projector_shows_the_short_address(app):
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    screen = app.test_client().get(f"/screen/{s.screen_token}").get_data(as_text=True)
    with app.test_request_context():
        qr_link = links.join_url(get_db().get(Session, s.id))
        key = links.join_key(get_db().get(Session, s.id))
    assert qr_link.endswith(f"/{s.join_code}?k={key}") and len(key) >= 24
    assert key not in screen  # the QR image carries it; the page's text and alt show only the typed address
    assert f"{s.join_code[:3]}&nbsp;{s.join_code[3:]}" in screen


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
