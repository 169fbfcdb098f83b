"""Timer and agenda: a facilitator runs the countdown; projector and phones follow it live."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from workshop.db import get_db
from workshop.extensions import socketio
from workshop.models import AgendaItem, Session
from workshop.timer import service as timer
from workshop.timer.service import TimerError
from workshop.web.labels import TIMER_ERRORS

from tests.helpers import (
    AuthActions,
    csrf_token,
    gen_facilitator,
    gen_participant,
    gen_session,
)

T0 = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)


class FrozenClock:
    """The timer module's clock, moved by hand."""

    def __init__(self):
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock()
    monkeypatch.setattr(timer, "utcnow", frozen)
    return frozen


@pytest.fixture
def workshop(app):
    fac = gen_facilitator(app)
    return gen_session(app, fac.id)  # agenda: Info 50 min, Ryhmätyö 90 min


@pytest.fixture
def facilitator(client, workshop):
    AuthActions(client).login()
    return client


def timer_action(client, session_id, action, **data):
    """Press a timer button on the facilitator's session page (no JavaScript)."""
    page = client.get(f"/f/sessions/{session_id}").get_data(as_text=True)
    return client.post(f"/f/sessions/{session_id}/timer/{action}",
                       data={**data, "csrf_token": csrf_token(page)}, follow_redirects=True)


def stored(app, session_id) -> dict:
    """The timer row (and the session's sequence) as the database has them."""
    with app.app_context():
        s = get_db().get(Session, session_id)
        t = s.timer_state
        if t is None:
            return {"ends_at": None, "remaining": None, "label": None, "seq": s.seq}
        return {"ends_at": t.ends_at, "remaining": t.remaining, "label": t.label, "seq": s.seq}


def agenda_item(app, session_id, title) -> AgendaItem:
    with app.app_context():
        return next(a for a in get_db().get(Session, session_id).agenda if a.title == title)


def message(app, key) -> str:
    """A timer error in the page's language."""
    with app.test_request_context():
        return str(TIMER_ERRORS[key])


def flashed(page) -> str:
    return unescape(page.get_data(as_text=True))


def events(sio_client, name):
    return [e["args"][0] for e in sio_client.get_received() if e["name"] == name]


def phone_client(app, s, token):
    flask_client = app.test_client()
    flask_client.set_cookie(f"paja_p{s.id}", token)
    return socketio.test_client(app, auth={"role": "participant", "session": s.id}, flask_test_client=flask_client)


def screen_client(app, s):
    return socketio.test_client(app, auth={"role": "screen", "token": s.screen_token})


# --- the domain, with a frozen clock -----------------------------------------------------------

def test_start_pause_resume_extend_reset(app, workshop, clock):
    with app.app_context():
        db = get_db()
        s = db.get(Session, workshop.id)
        seq = s.seq
        timer.start(db, s, 5, "Kahvitauko")
        assert timer.state(s) == {"running": True, "ends_at": "2026-12-01T16:05:00.000Z", "remaining": None,
                                  "label": "Kahvitauko", "phase": "lobby",
                                  "server_now": "2026-12-01T16:00:00.000Z", "seq": seq + 1}
        clock.advance(90)
        timer.pause(db, s)
        assert (s.timer_state.ends_at, s.timer_state.remaining) == (None, 210)
        assert timer.state(s)["running"] is False and timer.state(s)["remaining"] == 210
        clock.advance(1000)  # a long pause costs nothing
        timer.resume(db, s)
        assert timer.remaining_seconds(s) == 210
        timer.extend(db, s, 1)
        assert timer.remaining_seconds(s) == 270
        timer.extend(db, s, 5)
        assert timer.remaining_seconds(s) == 570
        timer.reset(db, s)
        assert (s.timer_state.ends_at, s.timer_state.remaining, s.timer_state.label) == (None, None, None)
        assert timer.state(s)["ends_at"] is None and s.seq == seq + 6


def test_time_up_shows_zero_and_extending_counts_from_now(app, workshop, clock):
    with app.app_context():
        db = get_db()
        s = db.get(Session, workshop.id)
        timer.start(db, s, 1)
        clock.advance(59.5)
        assert timer.remaining_seconds(s) == 1  # rounded up: 00:00 only when the time is really up
        clock.advance(300)
        assert timer.remaining_seconds(s) == 0
        timer.extend(db, s, 5)
        assert timer.remaining_seconds(s) == 300


def test_paused_timer_is_extended(app, workshop, clock):
    with app.app_context():
        db = get_db()
        s = db.get(Session, workshop.id)
        timer.start(db, s, 2)
        timer.pause(db, s)
        timer.extend(db, s, 5)
        assert (s.timer_state.ends_at, s.timer_state.remaining) == (None, 420)


def test_two_first_starts_at_once_both_succeed(app, workshop, clock):
    """A double click on a fresh workshop: both requests find no timer row; the later one wins."""
    with app.app_context():
        first, second = (app.extensions["paja_sessionmaker"]() for _ in range(2))
        s1, s2 = first.get(Session, workshop.id), second.get(Session, workshop.id)
        assert s1.timer_state is None and s2.timer_state is None
        timer.start(first, s1, 5, "Eka")
        timer.start(second, s2, 7, "Toka")
        first.close(), second.close()
    assert stored(app, workshop.id)["ends_at"] == T0 + timedelta(minutes=7)
    assert stored(app, workshop.id)["label"] == "Toka"


def test_sqlite_naive_datetimes_are_read_as_utc(app, workshop, clock):
    with app.app_context():
        db = get_db()
        timer.start(db, db.get(Session, workshop.id), 10)
        db.expire_all()
        s = db.get(Session, workshop.id)
        clock.advance(60)
        assert timer.remaining_seconds(s) == 540
        assert timer.state(s)["ends_at"] == "2026-12-01T16:10:00.000Z"


@pytest.mark.parametrize("change, error", [
    (lambda db, s: timer.pause(db, s), "not_running"),
    (lambda db, s: timer.resume(db, s), "not_paused"),
    (lambda db, s: timer.extend(db, s, 1), "no_timer"),
    (lambda db, s: timer.start(db, s, 0), "bad_minutes"),
    (lambda db, s: timer.start(db, s, 601), "bad_minutes"),
    (lambda db, s: timer.start(db, s, True), "bad_minutes"),
    (lambda db, s: timer.start(db, s, 5, "x" * 201), "label_too_long"),
    (lambda db, s: timer.start_agenda_item(db, s, None), "unknown_item"),
])
def test_impossible_changes_are_refused(app, workshop, clock, change, error):
    with app.app_context():
        db = get_db()
        s = db.get(Session, workshop.id)
        with pytest.raises(TimerError, match=error):
            change(db, s)


def test_extending_beyond_600_minutes_is_refused(app, workshop, clock):
    with app.app_context():
        db = get_db()
        s = db.get(Session, workshop.id)
        timer.start(db, s, 598)
        timer.extend(db, s, 1)
        with pytest.raises(TimerError, match="too_long"):
            timer.extend(db, s, 5)
        assert timer.remaining_seconds(s) == 599 * 60


def test_clock_reads_minutes_and_seconds():
    assert [timer.clock(s) for s in (0, 59, 60, 305, 5400, None)] == ["00:00", "00:59", "01:00", "05:05",
                                                                       "90:00", "00:00"]


# --- the facilitator's buttons (HTTP, no JavaScript) -------------------------------------------

def test_facilitator_starts_the_agenda_items_timer(app, facilitator, workshop, clock):
    item = agenda_item(app, workshop.id, "Ryhmätyö")
    page = timer_action(facilitator, workshop.id, "start", agenda_item=str(item.id))
    assert page.status_code == 200
    assert stored(app, workshop.id)["ends_at"] == T0 + timedelta(minutes=90)
    assert stored(app, workshop.id)["label"] == "Ryhmätyö"
    html = page.get_data(as_text=True)
    assert 'data-timer-status="running"' in html and ">90:00<" in html


def test_facilitator_runs_a_custom_timer(app, facilitator, workshop, clock):
    timer_action(facilitator, workshop.id, "start", minutes="10", label="  Kahvi  ")
    assert stored(app, workshop.id)["ends_at"] == T0 + timedelta(minutes=10)
    assert stored(app, workshop.id)["label"] == "Kahvi"
    clock.advance(30)
    page = timer_action(facilitator, workshop.id, "pause").get_data(as_text=True)
    assert stored(app, workshop.id)["remaining"] == 570
    assert ">09:30<" in page and 'data-timer-status="paused"' in page
    clock.advance(600)
    timer_action(facilitator, workshop.id, "resume")
    assert stored(app, workshop.id)["ends_at"] == clock.now + timedelta(seconds=570)
    timer_action(facilitator, workshop.id, "extend", minutes="5")
    assert stored(app, workshop.id)["ends_at"] == clock.now + timedelta(seconds=870)
    page = timer_action(facilitator, workshop.id, "reset").get_data(as_text=True)
    assert stored(app, workshop.id) | {"seq": None} == {"ends_at": None, "remaining": None, "label": None,
                                                        "seq": None}
    assert "data-timer-idle>" in page  # "No timer is running." is shown again


def test_start_without_a_clock_freeze_counts_the_real_minutes(app, facilitator, workshop):
    before = datetime.now(UTC)
    timer_action(facilitator, workshop.id, "start", minutes="3")
    after = datetime.now(UTC)
    ends = stored(app, workshop.id)["ends_at"]
    assert before + timedelta(minutes=3) <= ends <= after + timedelta(minutes=3)


BAD_MINUTES = ["0", "601", "-1", "x", "", " ", "1.5", "1e3", "99999999999999999999999", "\u0661\u0662"]


def test_bad_minutes_change_nothing(app, facilitator, workshop, clock):
    timer_action(facilitator, workshop.id, "start", minutes="5")
    before = stored(app, workshop.id)
    for minutes in BAD_MINUTES:
        page = timer_action(facilitator, workshop.id, "start", minutes=minutes)
        assert message(app, "bad_minutes") in flashed(page), minutes
    page = timer_action(facilitator, workshop.id, "start")  # no minutes at all
    assert message(app, "bad_minutes") in flashed(page)
    assert stored(app, workshop.id) == before


def test_bad_extension_changes_nothing(app, facilitator, workshop, clock):
    timer_action(facilitator, workshop.id, "start", minutes="5")
    before = stored(app, workshop.id)
    for minutes in BAD_MINUTES:
        page = timer_action(facilitator, workshop.id, "extend", minutes=minutes)
        assert message(app, "bad_minutes") in flashed(page), minutes
    page = timer_action(facilitator, workshop.id, "extend", minutes="596")
    assert message(app, "too_long") in flashed(page)
    assert stored(app, workshop.id) == before


def test_unknown_action_changes_nothing(app, facilitator, workshop, clock):
    before = stored(app, workshop.id)
    page = timer_action(facilitator, workshop.id, "explode", minutes="5")
    assert page.status_code == 200
    assert message(app, "unknown_action") in flashed(page)
    assert stored(app, workshop.id) == before


def test_agenda_item_of_another_session_is_refused(app, facilitator, workshop, clock):
    other = gen_session(app, workshop.facilitator_id, title="Toinen paja")
    foreign = agenda_item(app, other.id, "Info")
    before = stored(app, workshop.id)
    for value in (str(foreign.id), "999999", "x", ""):
        page = timer_action(facilitator, workshop.id, "start", agenda_item=value)
        assert message(app, "unknown_item") in flashed(page)
    assert stored(app, workshop.id) == before
    assert stored(app, other.id)["ends_at"] is None


def test_pause_without_a_running_timer_says_so(app, facilitator, workshop, clock):
    page = timer_action(facilitator, workshop.id, "pause")
    assert message(app, "not_running") in flashed(page)
    page = timer_action(facilitator, workshop.id, "extend", minutes="1")
    assert message(app, "no_timer") in flashed(page)


def test_closed_workshop_keeps_its_timer(app, facilitator, workshop, clock):
    page = facilitator.get(f"/f/sessions/{workshop.id}").get_data(as_text=True)
    facilitator.post(f"/f/sessions/{workshop.id}/close", data={"csrf_token": csrf_token(page)})
    before = stored(app, workshop.id)
    page = timer_action(facilitator, workshop.id, "start", minutes="5")
    assert message(app, "closed") in flashed(page)
    assert stored(app, workshop.id) == before


def test_closing_the_workshop_takes_the_timer_off_the_projector(app, facilitator, workshop, clock):
    timer_action(facilitator, workshop.id, "start", minutes="5")
    page = facilitator.get(f"/f/sessions/{workshop.id}").get_data(as_text=True)
    facilitator.post(f"/f/sessions/{workshop.id}/close", data={"csrf_token": csrf_token(page)})
    # A closed workshop's projector shows only that it is closed (no timer), and its socket is refused;
    # the timer itself is stopped.
    html = app.test_client().get(f"/screen/{workshop.screen_token}").get_data(as_text=True)
    assert 'id="screen-closed"' in html and "data-timer-status" not in html
    assert not screen_client(app, workshop).is_connected()
    with app.app_context():
        assert timer.state(get_db().get(Session, workshop.id))["running"] is False


def test_anonymous_visitor_is_sent_to_login(app, client, workshop):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(f"/f/sessions/{workshop.id}/timer/start", data={"minutes": "5", "csrf_token": token})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert stored(app, workshop.id)["ends_at"] is None


def test_other_facilitators_session_is_not_found(app, client, workshop):
    gen_facilitator(app, email="muu@example.fi")
    AuthActions(client).login(email="muu@example.fi")
    page = client.get("/f/").get_data(as_text=True)
    response = client.post(f"/f/sessions/{workshop.id}/timer/start",
                           data={"minutes": "5", "csrf_token": csrf_token(page)})
    assert response.status_code == 404
    assert stored(app, workshop.id)["ends_at"] is None


def test_post_without_csrf_token_is_refused(app, facilitator, workshop):
    response = facilitator.post(f"/f/sessions/{workshop.id}/timer/start", data={"minutes": "5"})
    assert response.status_code == 400
    assert stored(app, workshop.id)["ends_at"] is None


# --- what phones and projector show ------------------------------------------------------------

def test_phone_and_projector_pages_show_the_timer_at_load(app, facilitator, workshop, clock):
    _p, token = gen_participant(app, workshop)
    phone = app.test_client()
    phone.set_cookie(f"paja_p{workshop.id}", token)
    screen = app.test_client()
    for page in (phone.get(f"/{workshop.join_code}"), screen.get(f"/screen/{workshop.screen_token}")):
        html = page.get_data(as_text=True)
        assert 'id="timer" data-timer-status="idle"' in html and "aria-labelledby=\"timer-label\" hidden" in html
    timer_action(facilitator, workshop.id, "start", minutes="5", label="Ryhmätyö")
    clock.advance(250)
    for page in (phone.get(f"/{workshop.join_code}"), screen.get(f"/screen/{workshop.screen_token}")):
        html = page.get_data(as_text=True)
        assert 'data-timer-status="warning"' in html and ">00:50<" in html and "Ryhmätyö" in html
        assert 'role="timer"' in html and 'aria-live="polite"' in html
    clock.advance(60)
    html = screen.get(f"/screen/{workshop.screen_token}").get_data(as_text=True)
    assert 'data-timer-status="done"' in html and ">00:00<" in html


# --- live: Socket.IO ---------------------------------------------------------------------------

def test_phones_and_projector_follow_start_and_pause(app, facilitator, workshop, clock):
    _p, token = gen_participant(app, workshop)
    phone, screen = phone_client(app, workshop, token), screen_client(app, workshop)
    fac = socketio.test_client(app, auth={"role": "facilitator", "session": workshop.id},
                               flask_test_client=facilitator)
    other = gen_session(app, workshop.facilitator_id, title="Toinen paja")
    _q, other_token = gen_participant(app, other)
    stranger = phone_client(app, other, other_token)
    for sio in (phone, screen, fac, stranger):
        sio.get_received()

    timer_action(facilitator, workshop.id, "start", minutes="5")
    for sio in (phone, screen, fac):
        started = events(sio, "timer")
        assert len(started) == 1
        assert started[0]["running"] is True and started[0]["ends_at"] == "2026-12-01T16:05:00.000Z"
        assert started[0]["server_now"] == "2026-12-01T16:00:00.000Z"

    clock.advance(60)
    timer_action(facilitator, workshop.id, "pause")
    for sio in (phone, screen):
        paused = events(sio, "timer")[-1]
        assert paused == {"running": False, "ends_at": None, "remaining": 240, "label": None, "phase": "lobby",
                          "server_now": "2026-12-01T16:01:00.000Z", "seq": paused["seq"]}
    assert events(stranger, "timer") == []


def test_refused_change_is_not_broadcast(app, facilitator, workshop, clock):
    screen = screen_client(app, workshop)
    screen.get_received()
    timer_action(facilitator, workshop.id, "start", minutes="0")
    assert events(screen, "timer") == []


def test_phone_gets_the_running_timer_on_connect(app, facilitator, workshop, clock):
    timer_action(facilitator, workshop.id, "start", agenda_item=str(agenda_item(app, workshop.id, "Info").id))
    clock.advance(10)
    _p, token = gen_participant(app, workshop)
    phone = phone_client(app, workshop, token)
    assert phone.is_connected()
    state = events(phone, "timer")[-1]
    assert state["running"] is True and state["label"] == "Info"
    assert state["ends_at"] == "2026-12-01T16:50:00.000Z" and state["server_now"] == "2026-12-01T16:00:10.000Z"


def test_sync_resends_an_idle_timer(app, workshop):
    screen = screen_client(app, workshop)
    assert events(screen, "timer")[-1]["running"] is False
    screen.emit("sync")
    idle = events(screen, "timer")[-1]
    assert (idle["ends_at"], idle["remaining"]) == (None, None)


def test_a_finished_timer_is_shown_only_in_its_own_phase(app, workshop, clock):
    """ "00:00 Time is up" of the lobby's timer does not stay through the next phases; a running one does."""
    from workshop.sessions import service as sessions
    from workshop.timer.routes import timer_view
    with app.app_context():
        db = get_db()
        s = db.get(Session, workshop.id)
        timer.start(db, s, 1, "Kahvit")
        sessions.set_phase(db, s, "info")
        assert timer_view(s)["active"]  # still running: it stays into the next phase
        clock.advance(61)
        assert not timer_view(s)["active"] and timer.state(s)["phase"] == "lobby"
        sessions.set_phase(db, s, "lobby")
        assert timer_view(s)["status"] == "done"  # in its own phase it says that time is up
        timer.start(db, s, 1)
        clock.advance(61)
        sessions.close_session(db, s)
        assert not timer_view(s)["active"]
