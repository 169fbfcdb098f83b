"""Facilitator accounts: first run, login, logout, guards and timeouts."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests
from flask_babel import force_locale, ngettext

from workshop.accounts import service as accounts
from workshop.db import get_db

from tests.helpers import PASSWORD, AuthActions, csrf_token, gen_facilitator, post_form


def test_first_run_creates_the_first_facilitator(client):
    assert client.get("/login").headers["Location"].endswith("/setup")
    response = post_form(client, "/setup", {"name": "Anna", "email": "anna@example.fi",
                                           "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/f/")
    assert client.get("/f/").status_code == 200
    # Once a facilitator exists, the set-up page is gone.
    assert client.get("/setup").headers["Location"].endswith("/login")


def test_setup_refuses_bad_input_and_stores_nothing(client, app):
    response = post_form(client, "/setup", {"name": "", "email": "not-an-email",
                                           "password": "short", "password2": "other"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert client.get("/login").headers["Location"].endswith("/setup")  # still no facilitator


def test_login_logout(client, app, auth):
    gen_facilitator(app)
    assert client.get("/f/").status_code == 302
    response = auth.login()
    assert response.status_code == 302
    assert client.get("/f/").status_code == 200
    auth.logout()
    assert client.get("/f/").headers["Location"].startswith("/login")


def test_wrong_password_is_refused(client, app, auth):
    gen_facilitator(app)
    response = auth.login(password="wrong password")
    assert response.status_code == 400
    assert client.get("/f/").status_code == 302


def test_login_renews_the_session(client, app, auth):
    gen_facilitator(app)
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as s:
        assert "planted" not in s and "fid" in s


def test_idle_timeout_logs_out(client, app, auth):
    gen_facilitator(app)
    auth.login()
    with client.session_transaction() as s:
        s["seen"] = time.time() - app.config["FACILITATOR_IDLE_SECONDS"] - 1
    assert client.get("/f/").status_code == 302


def test_absolute_timeout_logs_out(client, app, auth):
    gen_facilitator(app)
    auth.login()
    with client.session_transaction() as s:
        s["login_at"] = time.time() - app.config["PERMANENT_SESSION_LIFETIME"] - 1
    assert client.get("/f/").status_code == 302


def test_login_next_only_allows_local_paths(client, app):
    gen_facilitator(app)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=//evil.example/", data={
        "email": "fasilitaattori@example.fi", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/f/"


def test_forms_require_csrf(client, app):
    gen_facilitator(app)
    response = client.post("/login", data={"email": "fasilitaattori@example.fi", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/f/").status_code == 302


@pytest.fixture
def clock(monkeypatch):
    """Wall-clock time that a test moves forward (the rate-limit storage's windows follow it)."""
    offset = [0.0]
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])
    return offset


def browser(app, address="10.1.2.3"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def try_login(client, password, email="fasilitaattori@example.fi"):
    return AuthActions(client).login(email=email, password=password)


def wait_of(response) -> int:
    assert response.status_code == 429
    return int(re.search(r"(\d+)", re.search(r'role="alert"[^>]*>(.*?)<', response.get_data(as_text=True), re.S)
                         .group(1)).group(1))


def test_wrong_passwords_slow_down_a_browser_with_growing_delays_never_a_lock(app, clock):
    gen_facilitator(app)
    guesser = browser(app)
    assert [try_login(guesser, f"guess {i}").status_code for i in range(6)] == [400] * 6
    waits = []
    for i in range(4):
        refused = try_login(guesser, f"again {i}")
        waits.append(wait_of(refused))
        with app.test_request_context(), force_locale("fi"):
            message = ngettext("Too many wrong passwords. Wait %(num)d second and try again.",
                               "Too many wrong passwords. Wait %(num)d seconds and try again.", waits[-1])
        assert message.startswith("Liian monta") and message in refused.get_data(as_text=True)
        clock[0] += waits[-1] + 1
        assert try_login(guesser, f"after the wait {i}").status_code == 400  # a try again: no lock
    assert waits == sorted(waits) and waits[-1] > waits[0]
    clock[0] += 3600
    assert try_login(guesser, PASSWORD).status_code == 302  # the right password after the wait


def test_a_prankster_cannot_lock_the_facilitator_out(app, clock):
    """Everyone on the venue Wi-Fi shares an address: the prankster's misses slow the prankster; the
    facilitator's browser (logged in before) and a fresh browser that never missed still log in."""
    gen_facilitator(app)
    laptop = browser(app)
    assert try_login(laptop, PASSWORD).status_code == 302
    AuthActions(laptop).logout()

    def prank(until: int) -> int:
        """Wrong passwords from browsers that throw their cookie away whenever they have to wait."""
        misses = 0
        while misses < until:
            prankster = browser(app)
            for k in range(10):
                if try_login(prankster, f"prank {misses} {k}").status_code == 429:
                    break
                misses += 1
            else:
                continue
            if k == 0:  # even a fresh browser has to wait now
                break
        return misses

    assert prank(25) == 25
    assert try_login(laptop, PASSWORD).status_code == 302  # the facilitator's own browser: at once
    AuthActions(laptop).logout()
    phone = browser(app)
    phone.get("/login")
    assert try_login(phone, PASSWORD).status_code == 302  # another browser that has not missed
    # Going on, the prankster is bounded: soon even its fresh browsers wait, growing delays for everyone
    # who never logged in here; the facilitator's own browsers still log in at once.
    more = prank(200)
    assert 25 + more <= 50, more
    assert try_login(browser(app), PASSWORD).status_code == 429
    assert try_login(laptop, PASSWORD).status_code == 302
    assert try_login(phone, PASSWORD).status_code == 302


def test_unknown_email_is_verified_like_a_wrong_password(app, client, monkeypatch):
    """No timing oracle: argon2 runs for an unknown email as for a known one (the same code path)."""
    gen_facilitator(app)
    calls = []
    real_check = accounts.check_password
    monkeypatch.setattr(accounts, "check_password", lambda h, p: calls.append(h) or real_check(h, p))
    assert try_login(client, "wrong password", email="nobody@example.fi").status_code == 400
    assert try_login(client, "wrong password").status_code == 400
    assert len(calls) == 2 and all(h.startswith("$argon2") for h in calls)
    def answer(email):  # the page without its CSRF token (signed with the time, so it may differ)
        page = try_login(client, "wrong password", email=email).get_data(as_text=True)
        return re.sub(r'name="csrf_token"[^>]*>', "", page).replace(email, "EMAIL")

    assert answer("nobody@example.fi") == answer("fasilitaattori@example.fi")  # the same answer, word for word


# --- first-run set-up ---------------------------------------------------------------------------

def test_setup_from_the_lan_needs_the_console_token(app):
    lan = browser(app, "192.168.1.50")
    assert lan.get("/setup").status_code == 403
    form = {"name": "Tunkeilija", "email": "x@example.fi", "password": PASSWORD, "password2": PASSWORD,
            "csrf_token": csrf_token(lan.get("/login", follow_redirects=True).get_data(as_text=True))}
    assert lan.post("/setup", data=form).status_code == 403
    assert lan.post("/setup?token=guessed", data=form).status_code == 403
    assert not facilitator_exists_in(app)
    token = accounts.first_run_token(app.instance_path)
    page = lan.get(f"/setup?token={token}")
    assert page.status_code == 200
    form["csrf_token"] = csrf_token(page.get_data(as_text=True))
    response = lan.post(f"/setup?token={token}", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/f/")
    assert facilitator_exists_in(app)
    assert not (Path(app.instance_path) / accounts.SETUP_TOKEN_FILE).exists()  # used once


def test_setup_behind_a_proxy_is_not_local(app):
    """A proxy on the same computer connects from loopback: its forwarded requests are not local."""
    proxied = app.test_client()
    assert proxied.get("/setup", headers={"X-Forwarded-For": "192.168.1.50"}).status_code == 403
    assert proxied.get("/setup").status_code == 200  # the server's own computer


def facilitator_exists_in(app) -> bool:
    with app.app_context():
        return accounts.facilitator_exists(get_db())


@pytest.mark.server
def test_server_prints_the_setup_link_on_first_run(server_factory):
    srv = server_factory().start()
    out = srv.output()
    match = re.search(r"First run: create the first facilitator at (\S+)/setup\?token=(\S+)", out)
    assert match, out
    assert (srv.instance / accounts.SETUP_TOKEN_FILE).read_text().strip() == match.group(2)
    assert requests.get(f"{srv.url}/setup?token={match.group(2)}", timeout=10).status_code == 200
