"""The real server (run.py) under eventlet and gevent, driven by real Socket.IO clients."""
from __future__ import annotations

import re
import threading

import pytest
import requests
import socketio as sio_lib

pytestmark = pytest.mark.server

MODES = ["eventlet", "gevent"]


@pytest.fixture(scope="module", params=MODES)
def server(request, server_factory):
    srv = server_factory(request.param)
    demo = srv.create_demo()
    srv.start()
    srv.demo = {**demo, "screen": demo["screen"].split("/screen/", 1)[1]}  # the projector's token
    return srv


class Recorder:
    """A Socket.IO client that remembers events and lets the test wait for one."""

    def __init__(self):
        self.client = sio_lib.Client(reconnection=False)
        self.events: list[tuple[str, dict]] = []
        self.cond = threading.Condition()
        self.client.on("*", self._record)

    def _record(self, name, data=None):
        if name == "state":  # a (re)connect's whole state: its events in order, as static/js/live.js
            for part, payload in data:
                self._record(part, payload)
            return
        with self.cond:
            self.events.append((name, data))
            self.cond.notify_all()

    def wait_for(self, predicate, timeout=5.0):
        with self.cond:
            ok = self.cond.wait_for(lambda: any(predicate(n, d) for n, d in self.events), timeout)
        assert ok, f"no matching event in {self.events}"

    def connect(self, url, auth, headers=None):
        self.client.connect(url, auth=auth, headers=headers or {}, transports=["websocket"], wait_timeout=5)
        return self


def join(srv, municipality, background="ngo"):
    http = requests.Session()  # the caller closes it (use as a context manager)
    page = http.get(f"{srv.url}/{srv.demo['code']}").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = http.post(f"{srv.url}/{srv.demo['code']}", allow_redirects=False, data={
        "csrf_token": token, "municipality": municipality, "background": background})
    assert response.status_code == 302, response.text
    return http


def test_startup_prints_the_join_url_and_no_warnings(server):
    out = server.output()
    assert f"Phones join at: {server.url}" in out
    assert f"({server.mode})" in out
    assert "Warning" not in out and "Traceback" not in out


def test_join_updates_projector_and_phase_reaches_phone(server):
    screen = Recorder().connect(server.url, {"role": "screen", "token": server.demo["screen"]})
    try:
        screen.wait_for(lambda n, d: n == "lobby")
        before = [d for n, d in screen.events if n == "lobby"][-1]["total"]
        with join(server, "583") as phone_http:
            page = phone_http.get(f"{server.url}/{server.demo['code']}").text
            cookie = "; ".join(f"{k}={v}" for k, v in phone_http.cookies.items())
        screen.wait_for(lambda n, d: n == "lobby" and d["total"] == before + 1)

        session_id = int(re.search(r'data-session="(\d+)"', page).group(1))
        phone = Recorder().connect(server.url, {"role": "participant", "session": session_id},
                                   headers={"Cookie": cookie})
        try:
            phone.wait_for(lambda n, d: n == "phase" and d["phase"] == "lobby")
            with requests.Session() as fac:
                page = fac.get(f"{server.url}/login").text
                csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
                fac.post(f"{server.url}/login", data={"csrf_token": csrf, "email": server.demo["email"],
                                                       "password": server.demo["password"]})
                page = fac.get(f"{server.url}/f/sessions/{session_id}").text
                csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
                fac.post(f"{server.url}/f/sessions/{session_id}/phase", data={"csrf_token": csrf, "phase": "info"})
            phone.wait_for(lambda n, d: n == "phase" and d["phase"] == "info")
            screen.wait_for(lambda n, d: n == "phase" and d["phase"] == "info")
        finally:
            phone.client.disconnect()
    finally:
        screen.client.disconnect()


@pytest.mark.parametrize("headers", [{}, {"Origin": "http://evil.example"}])
def test_connection_without_token_is_refused(server, headers):
    client = sio_lib.Client(reconnection=False)
    with pytest.raises(sio_lib.exceptions.ConnectionError):
        client.connect(server.url, auth={"role": "participant", "session": 1}, headers=headers,
                       transports=["websocket"], wait_timeout=5)


def test_foreign_origin_is_refused_even_with_a_valid_screen_token(server):
    client = sio_lib.Client(reconnection=False)
    with pytest.raises(sio_lib.exceptions.ConnectionError):
        client.connect(server.url, auth={"role": "screen", "token": server.demo["screen"]},
                       headers={"Origin": "http://evil.example"}, transports=["websocket"], wait_timeout=5)


def test_security_headers(server):
    response = requests.get(f"{server.url}/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.postgres
def test_two_workers_share_postgres_and_redis(server_factory, pg_url, redis_url):
    """Scale shape: a join on worker B reaches the projector connected to worker A."""
    env = {"DATABASE_URL": pg_url, "SOCKETIO_MESSAGE_QUEUE": redis_url}
    a = server_factory("eventlet", env)
    info = a.flask("demo")
    a.start()
    b = server_factory("gevent", env).start()
    b.demo = {"code": re.search(r"Join code:\s+(\d{6})", info).group(1)}
    screen = Recorder().connect(a.url, {"role": "screen", "token": re.search(r"/screen/(\S+)", info).group(1)})
    try:
        screen.wait_for(lambda n, d: n == "lobby" and d["total"] == 0)
        with join(b, "732", "elected"):
            pass
        screen.wait_for(lambda n, d: n == "lobby" and d["total"] == 1, timeout=10)
    finally:
        screen.client.disconnect()
        a.stop()
        b.stop()
