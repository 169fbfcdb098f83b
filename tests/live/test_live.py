"""Live lobby over Socket.IO (Flask-SocketIO test client): counts, phases, refused connections."""
from __future__ import annotations

import time

import pytest

from workshop.extensions import socketio

from tests.helpers import AuthActions, csrf_token, gen_facilitator, gen_participant, gen_session, post_form


def events(sio_client, name):
    return [e["args"][0] for e in sio_client.get_received() if e["name"] == name]


def wait_for(sio_client, name, until, timeout=5.0):
    """The first `name` event whose payload satisfies `until`, as soon as it arrives (None: never came).

    The test client only queues what the server sends; this lets the server's background tasks run
    while it looks at each new event.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for payload in events(sio_client, name):
            if until(payload):
                return payload
        socketio.sleep(0.01)
    return None


@pytest.fixture
def workshop(app):
    fac = gen_facilitator(app)
    return gen_session(app, fac.id)


def screen_client(app, s):
    return socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})


def phone_client(app, s, token):
    flask_client = app.test_client()
    flask_client.set_cookie(f"paja_p{s.id}", token)
    return socketio.test_client(app, auth={"role": "participant", "session": s.id}, flask_test_client=flask_client)


def test_join_updates_the_projector_count(app, client, workshop):
    screen = screen_client(app, workshop)
    assert screen.is_connected()
    first = events(screen, "lobby")[-1]
    assert first["total"] == 0
    post_form(client, f"/{workshop.join_code}", {"municipality": "583", "background": "officer"})
    lobby = events(screen, "lobby")[-1]
    assert lobby["total"] == 1
    assert {"code": "583", "count": 1} in lobby["municipalities"]
    assert {"code": "officer", "count": 1} in lobby["backgrounds"]


def test_join_through_the_service_updates_the_projector_count(app, workshop):
    """The projector hears of every join, whoever calls the service (the phone page, a script)."""
    screen = screen_client(app, workshop)
    screen.get_received()
    gen_participant(app, workshop, municipality="732")
    lobby = events(screen, "lobby")[-1]
    assert lobby["total"] == 1 and {"code": "732", "count": 1} in lobby["municipalities"]


def test_phase_change_reaches_phones(app, client, workshop):
    _p, token = gen_participant(app, workshop)
    phone = phone_client(app, workshop, token)
    assert phone.is_connected()
    assert events(phone, "phase")[-1]["phase"] == "lobby"
    AuthActions(client).login()
    token_page = client.get(f"/f/sessions/{workshop.id}").get_data(as_text=True)
    client.post(f"/f/sessions/{workshop.id}/phase", data={"phase": "info", "csrf_token": csrf_token(token_page)})
    assert events(phone, "phase")[-1]["phase"] == "info"


def test_phones_do_not_receive_lobby_counts(app, client, workshop):
    _p, token = gen_participant(app, workshop)
    phone = phone_client(app, workshop, token)
    phone.get_received()
    gen_participant(app, workshop)
    post_form(client, f"/{workshop.join_code}", {"municipality": "583", "background": "ngo"})
    assert events(phone, "lobby") == []


@pytest.mark.parametrize("auth", [
    None, {}, {"role": "participant", "session": 1}, {"role": "screen", "token": "guess"},
    {"role": "facilitator", "session": 1}, {"role": "participant", "session": "1"},
    {"role": "participant", "session": True}, "not a dict", {"role": "screen", "token": 12},
])
def test_connection_without_valid_credentials_is_refused(app, workshop, auth):
    sio = socketio.test_client(app, auth=auth)
    assert not sio.is_connected()


def test_participant_cookie_of_other_session_is_refused(app, workshop):
    other = gen_session(app, workshop.facilitator_id, title="Toinen")
    _p, token = gen_participant(app, other)
    flask_client = app.test_client()
    flask_client.set_cookie(f"paja_p{workshop.id}", token)
    sio = socketio.test_client(app, auth={"role": "participant", "session": workshop.id},
                               flask_test_client=flask_client)
    assert not sio.is_connected()


def test_facilitator_socket_only_forown_session(app, client, workshop):
    other_fac = gen_facilitator(app, email="muu@example.fi")
    foreign = gen_session(app, other_fac.id)
    AuthActions(client).login()
    own = socketio.test_client(app, auth={"role": "facilitator", "session": workshop.id}, flask_test_client=client)
    assert own.is_connected()
    other = socketio.test_client(app, auth={"role": "facilitator", "session": foreign.id}, flask_test_client=client)
    assert not other.is_connected()


def test_logout_closes_facilitator_sockets(app, client, workshop):
    auth = AuthActions(client)
    auth.login()
    sio = socketio.test_client(app, auth={"role": "facilitator", "session": workshop.id}, flask_test_client=client)
    assert sio.is_connected()
    auth.logout()
    assert not sio.is_connected()


def test_participant_who_leaves_is_shown_away(app, workshop):
    _p, token = gen_participant(app, workshop)
    phone = phone_client(app, workshop, token)
    screen = screen_client(app, workshop)
    screen.get_received()
    phone.disconnect()
    assert wait_for(screen, "lobby", lambda counts: counts["away"] == 1) is not None
    # Coming back makes them present again.
    phone_client(app, workshop, token)
    assert events(screen, "lobby")[-1]["away"] == 0


def test_a_participant_with_two_phones_is_away_only_when_both_are_gone(app, workshop):
    """The registry counts each participant's sockets (a disconnect looks up no other socket)."""
    from workshop.db import get_db
    from workshop.models import Participant
    p, token = gen_participant(app, workshop)
    first, second = phone_client(app, workshop, token), phone_client(app, workshop, token)
    screen = screen_client(app, workshop)
    screen.get_received()

    def left() -> bool:
        with app.app_context():
            return get_db().get(Participant, p.id).left_at is not None

    first.disconnect()
    assert not left()  # the other phone is still here
    assert app.extensions["paja_phones"][p.id] == 1
    second.disconnect()
    assert left()
    assert p.id not in app.extensions["paja_phones"]
    # The away check it set off has run (none may fire into the next test's room of the same id).
    assert wait_for(screen, "lobby", lambda counts: counts["away"] == 1) is not None
    phone_client(app, workshop, token)
    assert not left() and app.extensions["paja_phones"][p.id] == 1


def test_lobby_counts_are_coalesced_in_a_join_storm(app, workshop):
    """With a window, the first join is sent at once and a burst after it as one later message that
    counts everyone (a join or reconnect storm must not send the projector one message per phone)."""
    app.config["LOBBY_EVERY_SECONDS"] = 0.4
    screen = screen_client(app, workshop)
    screen.get_received()
    for _ in range(10):
        gen_participant(app, workshop)
    assert [c["total"] for c in events(screen, "lobby")] == [1]
    assert wait_for(screen, "lobby", lambda counts: counts["total"] == 10) is not None
    socketio.sleep(0.6)
    assert events(screen, "lobby") == []  # the burst after the first join was one message


def test_every_phone_that_stays_away_is_announced(app, workshop):
    """Away checks are shared per workshop; a phone leaving while one is pending still gets its own."""
    app.config["AWAY_AFTER_SECONDS"] = 0.6
    tokens = [gen_participant(app, workshop)[1] for _ in range(2)]
    phones = [phone_client(app, workshop, t) for t in tokens]
    screen = screen_client(app, workshop)
    screen.get_received()
    phones[0].disconnect()
    time.sleep(0.3)
    phones[1].disconnect()
    assert wait_for(screen, "lobby", lambda counts: counts["away"] == 1) is not None
    assert wait_for(screen, "lobby", lambda counts: counts["away"] == 2) is not None


def test_a_connect_sends_the_whole_state_as_one_message(app, workshop):
    """One "state" message per (re)connect and per "sync", [[event, payload], …] in registration order
    (static/js/live.js hands each part to the page's handlers); nothing of it comes as a separate event."""
    from workshop.db import get_db
    from workshop.grouping import service as rounds
    from workshop.grouping.service import RoundSettings
    from workshop.models import Session
    from workshop.sessions import service as sessions

    _p, token = gen_participant(app, workshop)
    with app.app_context():
        db = get_db()
        s = db.get(Session, workshop.id)
        rounds.publish_round(db, s, rounds.create_round(db, s, RoundSettings("manual", group_count=1)))
        sessions.set_phase(db, s, "groupwork")
    phone = phone_client(app, workshop, token)
    phone.keep_state = True  # the raw messages (tests/helpers.py unbundle_state)
    received = phone.get_received()
    assert [e["name"] for e in received] == ["state"]
    parts = received[0]["args"][0]
    names = [name for name, _payload in parts]
    assert names[:4] == ["phase", "group", "my_votes", "board"], names
    assert {"plan", "poll", "timer", "good_deed"} <= set(names)
    assert dict(parts)["phase"]["phase"] == "groupwork"
    assert dict(parts)["board"]["group"] == dict(parts)["group"]["number"]
    assert phone.emit("sync", callback=True) == {"ok": True}
    again = phone.get_received()
    assert [e["name"] for e in again] == ["state"] and [n for n, _ in again[0]["args"][0]] == names
    screen = screen_client(app, workshop)
    screen.keep_state = True
    assert [e["name"] for e in screen.get_received()] == ["state"]
