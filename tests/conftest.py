"""Shared fixtures: app on a fresh SQLite file, clients, CLI runner, and a real server process."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from workshop import create_app
from workshop.cli import upgrade_database
from workshop.db import normalise_url
from workshop.extensions import socketio

from .helpers import AuthActions, unbundle_state

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"

unbundle_state()  # test clients see a (re)connect's "state" message as its events, as live.js does


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "SECRET_KEY": "test-secret-key",
        "PAJA_ASYNC_MODE": "threading",
        "AWAY_AFTER_SECONDS": 0.3,
        "LOBBY_EVERY_SECONDS": 0,  # every lobby change at once (coalescing: tests/live/test_live.py)
    })
    with app.app_context():
        upgrade_database()
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth(client):
    return AuthActions(client)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """run.py in a subprocess, on loopback, with its own instance folder."""

    def __init__(self, instance: Path, mode: str = "eventlet", env: dict | None = None):
        self.instance = instance
        self.mode = mode
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PAJA_INSTANCE": str(instance), "PAJA_HOST": "127.0.0.1",
                    "PAJA_PORT": str(self.port), "PAJA_ASYNC_MODE": mode, "PAJA_AWAY_AFTER": "2",
                    **(env or {})}
        self.env.pop("PAJA_BASE_URL", None) if "PAJA_BASE_URL" not in (env or {}) else None
        self.proc = None
        self.log = instance / f"server-{self.port}.log"

    def flask(self, *args) -> str:
        out = subprocess.run([sys.executable, "-m", "flask", "--app", "workshop", "paja", *args],
                             env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return out.stdout

    def start(self):
        with open(self.log, "w") as log:  # the child keeps its own copy of the file descriptor
            self.proc = subprocess.Popen([sys.executable, "run.py"], cwd=ROOT, env=self.env,
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except (requests.ConnectionError, requests.Timeout):  # not up yet, or busy (a reconnect storm)
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def output(self) -> str:
        return self.log.read_text()

    def create_demo(self) -> dict:
        """`flask paja demo`: a fresh demo workshop (the demo login's password changes each time)."""
        info = self.flask("demo")
        return {
            "code": re.search(r"Join code:\s+(\d{6})", info).group(1),
            "email": re.search(r"Login:\s+(\S+) /", info).group(1),
            "password": re.search(r"Login:\s+\S+ / (\S+)", info).group(1),
            "screen": re.search(r"^Projector:\s+\S+?(/screen/\S+)", info, re.M).group(1),
        }


@pytest.fixture(scope="module")
def server_factory(tmp_path_factory):
    started = []

    def make(mode="eventlet", env=None):
        srv = ServerProcess(tmp_path_factory.mktemp("srv"), mode, env)
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.stop()


def require_chromium():
    """Browser tests run for real in CI; on a laptop without Debian's chromium they skip."""
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        if IN_CI:
            pytest.fail("CI=true but /usr/bin/chromium is missing (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); browser tests skipped")
    return "/usr/bin/chromium"


# --- browser tests: one chromium per module, and per test a `Browsing` that watches every page ----------

@pytest.fixture(scope="module")
def chromium_path():
    return require_chromium()


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browsing(browser, server, request):
    """The test module's `server` in chromium; console errors and CSP violations fail the test."""
    from .browser import Browsing

    failed_before = request.session.testsfailed
    with Browsing(browser, server.url, request.node.name) as b:
        yield b
        # The test's own report is already counted when its fixtures are torn down.
        if request.session.testsfailed > failed_before:
            b.screenshot_all("failure")
        else:
            b.assert_clean()


@pytest.fixture
def pg_url():
    """A fresh PostgreSQL database for one test; required when CI=true, skipped otherwise."""
    base = os.environ.get("PAJA_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        import psycopg2  # noqa: F401
        admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # no server or driver on this laptop
        admin = None
        if IN_CI:
            pytest.fail(f"CI=true but PostgreSQL is not reachable at {base}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {base} ({exc.__class__.__name__}); set CI=true to require it")
    name = f"paja_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()




@pytest.fixture
def redis_url():
    """Redis for the Socket.IO message queue; required when CI=true, skipped otherwise."""
    url = os.environ.get("PAJA_TEST_REDIS", "redis://127.0.0.1:6379/0")
    try:
        import redis
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:
        if IN_CI:
            pytest.fail(f"CI=true but Redis is not reachable at {url}: {exc}")
        pytest.skip(f"Redis not reachable at {url} ({exc.__class__.__name__}); set CI=true to require it")
    return url


@pytest.fixture
def emits(monkeypatch):
    """Every socketio.emit of the server, as (event, room, payload), while `recording()` is open."""
    sent: list[tuple[str, str, dict]] = []
    on = [False]
    original = socketio.emit

    def recorder(event, *args, **kwargs):
        if on[0]:
            sent.append((event, kwargs.get("to") or kwargs.get("room"), args[0] if args else None))
        return original(event, *args, **kwargs)

    monkeypatch.setattr(socketio, "emit", recorder)

    @contextmanager
    def recording():
        sent.clear()
        on[0] = True
        try:
            yield sent
        finally:
            on[0] = False
    return recording
