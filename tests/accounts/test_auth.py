"""Facilitator accounts: first run, login, logout, guards and timeouts."""
from __future__ import annotations

import time

from tests.helpers import PASSWORD, csrf_token, gen_facilitator, post_form


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


def test_login_brute_force_is_limited(client, app, auth):
    gen_facilitator(app)
    statuses = [auth.login(password=f"guess {i}").status_code for i in range(9)]
    assert statuses[:8] == [400] * 8 and statuses[8] == 429
    assert auth.login().status_code == 429  # even the right password waits
