"""A facilitator creates, edits, runs and closes workshops, and sees only their own."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.models import Session
from workshop.sessions import service as sessions
from workshop.web import links

from tests.helpers import csrf_token, gen_facilitator, gen_session, post_form

NEW_SESSION = {
    "title": "Itä-Lapin elinvoimapaja",
    "starts_at": "2026-12-01T17:30",
    "host_municipality": "320",
    "municipalities": ["583", "732"],
    "themes": "Osaaminen ja koulutus\n- Mihin keskitytään ensin?\n- Millaista koulutusta tarvitaan?\nViestintä\n- Miten tavoitamme nuoret?",
    "agenda": "Info ja paneeli 50 min\nRyhmätyö 90 min",
}


def test_create_session_through_the_form(client, app, auth):
    gen_facilitator(app)
    auth.login()
    response = post_form(client, "/f/sessions/new", NEW_SESSION)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'class="code">(\d{6})<', page).group(1)
    with app.app_context():
        s = get_db().scalar(select(Session).where(Session.join_code == code))
        assert s.title == "Itä-Lapin elinvoimapaja"
        assert [m.code for m in s.municipalities] == ["320", "583", "732"]  # host first
        assert [t.title for t in s.themes] == ["Osaaminen ja koulutus", "Viestintä"]
        assert [q.text for q in s.themes[0].questions] == ["Mihin keskitytään ensin?", "Millaista koulutusta tarvitaan?"]
        assert [(a.title, a.minutes) for a in s.agenda] == [("Info ja paneeli", 50), ("Ryhmätyö", 90)]
        assert len(s.screen_token) >= 32


def test_session_form_refuses_bad_input(client, app, auth):
    gen_facilitator(app)
    auth.login()
    bad = {**NEW_SESSION, "host_municipality": "999", "agenda": "Ryhmätyö ilman minuutteja",
           "municipalities": ["320", "abc"]}
    response = post_form(client, "/f/sessions/new", bad)
    assert response.status_code == 400
    with app.app_context():
        assert get_db().scalar(select(func.count(Session.id))) == 0


def test_edit_session_reorders_themes(client, app, auth):
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    auth.login()
    response = post_form(client, f"/f/sessions/{s.id}/edit", {
        **NEW_SESSION, "title": "Uusi nimi", "themes": "Toinen\n- K2\nEnsimmäinen\n- K1"})
    assert response.status_code == 302
    with app.app_context():
        s2 = get_db().get(Session, s.id)
        assert s2.title == "Uusi nimi"
        assert [t.title for t in s2.themes] == ["Toinen", "Ensimmäinen"]
        assert s2.join_code == s.join_code


def test_facilitator_sees_only_own_sessions(client, app, auth):
    mine = gen_facilitator(app)
    other = gen_facilitator(app, email="toinen@example.fi")
    own = gen_session(app, mine.id, title="Oma paja")
    foreign = gen_session(app, other.id, title="Vieras paja")
    auth.login()
    listing = client.get("/f/").get_data(as_text=True)
    assert "Oma paja" in listing and "Vieras paja" not in listing
    assert client.get(f"/f/sessions/{own.id}").status_code == 200
    assert client.get(f"/f/sessions/{foreign.id}").status_code == 404
    assert client.get(f"/f/sessions/{foreign.id}/edit").status_code == 404
    token_page = client.get(f"/f/sessions/{own.id}").get_data(as_text=True)
    from tests.helpers import csrf_token
    token = csrf_token(token_page)
    assert client.post(f"/f/sessions/{foreign.id}/close", data={"csrf_token": token}).status_code == 404
    with app.app_context():
        assert get_db().get(Session, foreign.id).is_open


def test_login_required_everywhere(client, app):
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    for url in ("/f/", "/f/sessions/new", f"/f/sessions/{s.id}", f"/f/sessions/{s.id}/edit"):
        assert client.get(url).status_code == 302, url


def test_join_codes_are_unique_among_open_sessions(app):
    fac = gen_facilitator(app)
    codes = {gen_session(app, fac.id).join_code for _ in range(30)}
    assert len(codes) == 30 and all(re.fullmatch(r"\d{6}", c) for c in codes)


def test_new_join_code_skips_codes_in_use(app, monkeypatch):
    fac = gen_facilitator(app)
    taken = gen_session(app, fac.id).join_code
    values = iter([int(taken), int(taken), 123456])
    monkeypatch.setattr(sessions.secrets, "randbelow", lambda _n: next(values))
    with app.app_context():
        assert sessions.new_join_code(get_db()) == "123456"


def test_closing_frees_the_code(client, app, auth):
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    auth.login()
    response = post_form(client, f"/f/sessions/{s.id}", {})  # GET for the token only
    from tests.helpers import csrf_token
    token = csrf_token(client.get(f"/f/sessions/{s.id}").get_data(as_text=True))
    client.post(f"/f/sessions/{s.id}/close", data={"csrf_token": token})
    with app.app_context():
        closed = get_db().get(Session, s.id)
        assert not closed.is_open and closed.join_code is None and closed.phase == "closed"
    assert client.get(f"/{s.join_code}").status_code == 404
    assert response.status_code == 405


def test_phase_change_refuses_unknown_phase(client, app, auth):
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    auth.login()
    post_form(client, f"/f/sessions/{s.id}/edit", {**NEW_SESSION})  # warm up a token
    from tests.helpers import csrf_token
    token = csrf_token(client.get(f"/f/sessions/{s.id}").get_data(as_text=True))
    client.post(f"/f/sessions/{s.id}/phase", data={"csrf_token": token, "phase": "party"})
    client.post(f"/f/sessions/{s.id}/phase", data={"csrf_token": token, "phase": "closed"})
    with app.app_context():
        assert get_db().get(Session, s.id).phase == "lobby"
    client.post(f"/f/sessions/{s.id}/phase", data={"csrf_token": token, "phase": "info"})
    with app.app_context():
        assert get_db().get(Session, s.id).phase == "info"


def test_phase_from_the_form_and_from_the_service_reach_the_same_rooms(client, app, auth, monkeypatch):
    """One path: the no-JS form and a direct service call (the CLI's way) emit the same."""
    from workshop.extensions import socketio

    from tests.helpers import csrf_token
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id)
    auth.login()
    token = csrf_token(client.get(f"/f/sessions/{s.id}").get_data(as_text=True))
    sent = []
    monkeypatch.setattr(socketio, "emit", lambda event, data=None, to=None, **_kw: sent.append((event, data, to)))

    # (not "info": phones and the projector also get the questions to the panel then, qa/events.py)
    client.post(f"/f/sessions/{s.id}/phase", data={"csrf_token": token, "phase": "grouping"})
    by_form, sent[:] = list(sent), []
    with app.app_context():
        sessions.set_phase(get_db(), get_db().get(Session, s.id), "groupwork")
    by_service = list(sent)

    assert [(e, to) for e, _d, to in by_form] == [(e, to) for e, _d, to in by_service] == [
        ("phase", f"s{s.id}"), ("phase", f"s{s.id}:screen"), ("phase", f"s{s.id}:fac")]
    assert {d["phase"] for _e, d, _to in by_form} == {"grouping"}
    assert {d["phase"] for _e, d, _to in by_service} == {"groupwork"}


# --- the projector link: rotated, revoked with the workshop (issue 13, item 7) ----------------------

def screen_socket(app, token):
    return socketio.test_client(app, auth={"role": "screen", "token": token})


def test_rotating_the_projector_link_cuts_off_the_old_one(client, app, auth):
    gen_facilitator(app)
    s = gen_session(app, 1)
    auth.login()
    old = s.screen_token
    with app.test_request_context():
        old_qr = links.join_url(s)
    projector = screen_socket(app, old)
    assert projector.is_connected() and client.get(f"/screen/{old}").status_code == 200
    page = client.get(f"/f/sessions/{s.id}").get_data(as_text=True)
    assert f'action="/f/sessions/{s.id}/screen-link"' in page
    response = client.post(f"/f/sessions/{s.id}/screen-link", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    with app.app_context():
        new = get_db().get(Session, s.id).screen_token
    assert new != old and len(new) >= 32
    assert not projector.is_connected()  # the socket that used the old link is closed
    assert client.get(f"/screen/{old}").status_code == 404
    assert client.get(f"/screen/{old}/qr.svg").status_code == 404
    assert not screen_socket(app, old).is_connected()
    assert screen_socket(app, new).is_connected() and client.get(f"/screen/{new}").status_code == 200
    # The QR link's secret changed with it: the old QR link is now only a typed code.
    phone = app.test_client()
    assert phone.get("/" + old_qr.split("/", 3)[3]).status_code == 200  # not redirected: no secret accepted
    # Without the CSRF token nothing happens.
    assert client.post(f"/f/sessions/{s.id}/screen-link").status_code == 400


def test_a_closed_workshops_projector_shows_closed_and_cannot_connect(client, app, auth):
    gen_facilitator(app)
    s = gen_session(app, 1)
    auth.login()
    projector = screen_socket(app, s.screen_token)
    assert projector.is_connected()
    post_form(client, f"/f/sessions/{s.id}/close", {})
    assert not projector.is_connected()  # closed by the workshop's closing
    page = client.get(f"/screen/{s.screen_token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="screen-closed"' in html and "socket.io" not in html and 'data-token' not in html
    assert client.get(f"/screen/{s.screen_token}/qr.svg").status_code == 404
    assert not screen_socket(app, s.screen_token).is_connected()
