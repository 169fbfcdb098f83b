"""Behind nginx: PAJA_TRUSTED_PROXIES=N believes the last N hops of X-Forwarded-For and -Proto, no more;
PAJA_WORKER names the worker in the cookie that nginx keeps a phone on it by.

nginx (deploy/nginx/paja.conf) appends the address it saw to X-Forwarded-For and overwrites
X-Forwarded-Proto, so a phone's own X-Forwarded-For entries end up to the left of the real one.
"""
from __future__ import annotations

import pytest
from flask import request

from workshop import create_app
from workshop.cli import upgrade_database
from workshop.web.proxy import WORKER_COOKIE, trust_proxies

from tests.helpers import csrf_token

NGINX = "127.0.0.1"  # the address the app sees without proxy handling


def make_app(tmp_path, proxies: int, name: str = "app", **config):
    folder = tmp_path / name
    folder.mkdir()
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "SECRET_KEY": "test-secret-key",
                      "DATABASE_URL": f"sqlite:///{folder / 'proxy.sqlite3'}", "PAJA_ASYNC_MODE": "threading",
                      "TRUSTED_PROXIES": proxies, **config})
    with app.app_context():
        upgrade_database()

    @app.route("/_seen")
    def seen():  # what the app and its rate limits believe about the request
        return {"remote_addr": request.remote_addr, "scheme": request.scheme, "host": request.host}

    return app


def seen(app, forwarded_for: str | None, **headers) -> dict:
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    return app.test_client().get("/_seen", headers=headers, environ_base={"REMOTE_ADDR": NGINX}).get_json()


def guesses_until_limited(app, forwarded_for) -> int:
    """Wrong join codes from one browser until the answer is 429; how many got through (bounded)."""
    client = app.test_client()
    for n in range(100):
        ff = forwarded_for(n) if callable(forwarded_for) else forwarded_for
        env = {"REMOTE_ADDR": NGINX}
        token = csrf_token(client.get("/", headers={"X-Forwarded-For": ff}, environ_base=env).get_data(as_text=True))
        status = client.post("/", data={"code": "000000", "csrf_token": token},
                             headers={"X-Forwarded-For": ff}, environ_base=env).status_code
        if status == 429:
            return n
        assert status == 400
    raise AssertionError("100 wrong codes and never limited")


def test_without_the_setting_forwarded_headers_are_ignored(tmp_path):
    app = make_app(tmp_path, 0)
    assert seen(app, "203.0.113.7", **{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}) == {
        "remote_addr": NGINX, "scheme": "http", "host": "localhost"}


def test_one_trusted_proxy_gives_the_phones_address_and_scheme(tmp_path):
    app = make_app(tmp_path, 1)
    got = seen(app, "203.0.113.7", **{"X-Forwarded-Proto": "https"})
    assert got == {"remote_addr": "203.0.113.7", "scheme": "https", "host": "localhost"}


def test_only_the_last_hop_is_believed(tmp_path):
    """A phone that sends its own X-Forwarded-For: nginx appends the real address, which wins."""
    app = make_app(tmp_path, 1)
    assert seen(app, "10.9.9.9, 198.51.100.4")["remote_addr"] == "198.51.100.4"
    # Two proxies (a load balancer before nginx): the second-to-last entry is the phone.
    two = make_app(tmp_path, 2, "two")
    assert seen(two, "10.9.9.9, 198.51.100.4, 192.0.2.10")["remote_addr"] == "198.51.100.4"
    # Fewer entries than trusted hops: nothing is believed.
    assert seen(two, "198.51.100.4")["remote_addr"] == NGINX


def test_forwarded_host_is_never_believed(tmp_path):
    app = make_app(tmp_path, 1)
    assert seen(app, "203.0.113.7", **{"X-Forwarded-Host": "evil.example"})["host"] == "localhost"


def test_limits_key_on_the_forwarded_phone_not_on_the_proxy(tmp_path):
    """Behind nginx, a guesser is limited by its own address; a phone elsewhere is not."""
    app = make_app(tmp_path, 1)
    budget = guesses_until_limited(app, "203.0.113.7")
    assert budget > 0
    assert guesses_until_limited(app, "203.0.113.8") == budget  # a fresh address has its own budget


def test_spoofed_forwarded_for_does_not_escape_the_limit(tmp_path):
    """A guesser that invents a new X-Forwarded-For each time stays one address for the limits."""
    def rotating(n):  # what nginx forwards: the guesser's invented entry, then the real address
        return f"10.0.{n // 250}.{n % 250}, 203.0.113.9"

    budget = guesses_until_limited(make_app(tmp_path, 1), "203.0.113.9")
    assert guesses_until_limited(make_app(tmp_path, 1, "rotating"), rotating) == budget
    # Without the setting the header is not even read: the budget is the proxy's.
    assert guesses_until_limited(make_app(tmp_path, 0, "unset"), lambda n: f"10.0.0.{n}") == budget


def test_a_negative_count_is_refused(tmp_path):
    with pytest.raises(ValueError):
        trust_proxies(make_app(tmp_path, 0), -1)


def worker_cookie(response) -> str | None:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(WORKER_COOKIE + "=")]
    assert len(cookies) <= 1
    return cookies[0] if cookies else None


def test_a_worker_pins_the_phone_with_its_cookie(tmp_path):
    app = make_app(tmp_path, 1, WORKER_ID="w2")
    phone = app.test_client()
    first = phone.get("/")
    cookie = worker_cookie(first)
    assert cookie.startswith("paja_worker=w2;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert worker_cookie(phone.get("/")) is None  # already pinned here: not set again
    phone.set_cookie(WORKER_COOKIE, "w1")  # pinned to a worker that is down; nginx sent it here instead
    assert worker_cookie(phone.get("/")).startswith("paja_worker=w2;")
    # Static files are public and cached for a year: never a cookie on them.
    fresh = app.test_client()
    css = fresh.get("/static/css/paja.css")
    assert css.status_code == 200 and worker_cookie(css) is None


def test_without_a_worker_name_there_is_no_worker_cookie(tmp_path):
    assert worker_cookie(make_app(tmp_path, 0).test_client().get("/")) is None


def test_a_worker_name_must_be_cookie_and_nginx_safe(tmp_path):
    with pytest.raises(ValueError):
        make_app(tmp_path, 0, WORKER_ID="w1; Path=/x")
