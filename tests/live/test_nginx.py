"""The repository's nginx configuration, run for real: Debian's nginx over HTTPS in front of two run.py
workers on PostgreSQL, sharing a private Redis; real Socket.IO phones through it.

deploy/nginx/paja.conf is used as it is, with only its ports and certificate paths replaced. Phones
join through nginx as a browser does (the worker that answers pins them with its cookie), half of
them connect by long-polling and then upgrade, half straight by WebSocket; a note from a phone on one
worker reaches every phone of the group on the other worker.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import IN_CI, ROOT, free_port
from tests.live_phones import Phone, csrf

pytestmark = [pytest.mark.server, pytest.mark.postgres]

NGINX = "/usr/sbin/nginx"
TEMPLATE = ROOT / "deploy" / "nginx" / "paja.conf"


def require(path: str, package: str) -> str:
    if Path(path).exists():
        return path
    if IN_CI:
        pytest.fail(f"CI=true but {path} is missing (apt-get install {package})")
    pytest.skip(f"{path} is not installed (apt-get install {package}); the nginx test is skipped")


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode}: {log.read_text() if log.exists() else ''}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}: {log.read_text() if log.exists() else ''}")


def stop(proc: subprocess.Popen, pid: int | None = None) -> None:
    """Stop by pid (nginx: the master's pid from its pid file) and reap the child."""
    if proc.poll() is None:
        os.kill(pid or proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of this test's own: the shared one carries every Paja run's "flask-socketio" channel."""
    binary = require(shutil.which("redis-server") or "/usr/bin/redis-server", "redis-server")
    port = free_port()
    log = tmp_path / "redis.log"
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                             "--logfile", str(log)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    wait_for_port(port, proc, log)
    yield f"redis://127.0.0.1:{port}/0"
    stop(proc)


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1 (the phones trust it through REQUESTS_CA_BUNDLE)."""
    openssl = require(shutil.which("openssl") or "/usr/bin/openssl", "openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def site_config(ports: dict[str, int], workers: list[int], cert: Path, key: Path) -> str:
    """The repository's file with its ports and certificate paths replaced, nothing else."""
    text = TEMPLATE.read_text()
    replacements = {
        "127.0.0.1:5001": f"127.0.0.1:{workers[0]}", "127.0.0.1:5002": f"127.0.0.1:{workers[1]}",
        "listen 80;": f"listen 127.0.0.1:{ports['http']};",
        "listen [::]:80;": f"listen 127.0.0.1:{ports['http6']};",
        "listen 443 ssl": f"listen 127.0.0.1:{ports['https']} ssl",
        "listen [::]:443 ssl": f"listen 127.0.0.1:{ports['https6']} ssl",
        "/etc/letsencrypt/live/paja.example.fi/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/paja.example.fi/privkey.pem": str(key),
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx/paja.conf no longer has {old!r}: update this test"
        text = text.replace(old, new)
    return text


class Nginx:
    """Debian's nginx as the current user, everything (pid file, logs, temp files) in one folder."""

    def __init__(self, prefix: Path, site: str, port: int):
        self.prefix, self.port = prefix, port
        (prefix / "paja.conf").write_text(site)
        user = "user root;\n" if os.geteuid() == 0 else ""  # as root, workers must reach the temp folder
        temp = "".join(f"{kind}_temp_path {prefix / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (prefix / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {prefix / 'nginx.pid'};\n"
            f"error_log {prefix / 'error.log'} info;\nevents {{ worker_connections 512; }}\n"
            f"http {{\naccess_log {prefix / 'access.log'};\n{temp}include {prefix / 'paja.conf'};\n}}\n")
        self.proc = None

    def start(self) -> Nginx:
        self.proc = subprocess.Popen([NGINX, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"),
                                      "-e", str(self.prefix / "error.log")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.proc, self.prefix / "error.log")
        return self

    def stop(self) -> None:
        pid_file = self.prefix / "nginx.pid"
        if self.proc is not None:
            stop(self.proc, int(pid_file.read_text()) if pid_file.exists() else None)


def browser_session(url: str) -> requests.Session:
    """requests as a browser: it sends the page it came from (CSRF over HTTPS checks the Referer)."""
    http = requests.Session()
    http.headers["Referer"] = url + "/"
    return http


def join(url: str, code: str) -> dict:
    with browser_session(url) as http:
        page = http.get(f"{url}/{code}", timeout=10).text
        r = http.post(f"{url}/{code}", allow_redirects=False, timeout=10,
                      data={"csrf_token": csrf(page), "municipality": "320", "background": "ngo"})
        assert r.status_code == 302, r.text[:500]
        assert http.get(f"{url}/{code}", timeout=10).status_code == 200  # the participant page
        cookies = http.cookies.get_dict()
    session_id = next(int(m.group(1)) for k in cookies if (m := re.fullmatch(r"__Host-paja_p(\d+)", k)))
    return {"cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "session": session_id,
            "worker": cookies["paja_worker"]}


def start_group_work(url: str, demo: dict, session_id: int) -> None:
    """The facilitator logs in through nginx, puts everyone in one group and starts group work."""
    with browser_session(url) as http:
        r = http.post(f"{url}/login", allow_redirects=False, timeout=10, data={
            "csrf_token": csrf(http.get(f"{url}/login", timeout=10).text),
            "email": demo["email"], "password": demo["password"]})
        assert r.status_code == 302, r.text[:500]
        token = csrf(http.get(f"{url}/f/sessions/{session_id}", timeout=10).text)
        for path, data in (("rounds", {"strategy": "mixed", "size_mode": "count", "size": "1"}),
                           ("rounds/1/publish", {}), ("phase", {"phase": "groupwork"})):
            r = http.post(f"{url}/f/sessions/{session_id}/{path}", allow_redirects=False, timeout=15,
                          data={"csrf_token": token, **data})
            assert r.status_code in (200, 302), (path, r.status_code, r.text[:500])


def wait_until(what, timeout: float = 20.0, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not what():
        assert time.monotonic() < deadline, message
        time.sleep(0.05)


def test_nginx_config_spreads_a_venue_over_two_workers_and_carries_notes_between_them(
        tmp_path, server_factory, pg_url, private_redis, certificate, monkeypatch):
    require(NGINX, "nginx")
    cert, key = certificate
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    ports = {name: free_port() for name in ("http", "http6", "https", "https6")}
    url = f"https://127.0.0.1:{ports['https']}"
    env = {"DATABASE_URL": pg_url, "SOCKETIO_MESSAGE_QUEUE": private_redis, "PAJA_BASE_URL": url,
           "SECRET_KEY": secrets.token_hex(32),  # one key for all workers: a cookie signed by one is read by all
           "PAJA_TRUSTED_PROXIES": "1", "PAJA_ACCESS_LOG": "1"}
    a = server_factory("eventlet", {**env, "PAJA_WORKER": "5001"})
    demo = a.create_demo()
    a.start()
    b = server_factory("eventlet", {**env, "PAJA_WORKER": "5002"}).start()
    (tmp_path / "nginx").mkdir()
    nginx = Nginx(tmp_path / "nginx", site_config(ports, [a.port, b.port], cert, key), ports["https"]).start()
    phones: list[Phone] = []
    try:
        # Plain HTTP is sent to HTTPS.
        r = requests.get(f"http://127.0.0.1:{ports['http']}/", allow_redirects=False, timeout=10)
        assert r.status_code == 301 and r.headers["Location"].startswith("https://")

        # Eight phones of one venue (one address): each first page goes to the less busy worker.
        joined = [join(url, demo["code"]) for _ in range(8)]
        assert {j["worker"] for j in joined} == {"5001", "5002"}, [j["worker"] for j in joined]
        start_group_work(url, demo, joined[0]["session"])

        ca = requests.Session()
        ca.verify = str(cert)
        for i, j in enumerate(joined):  # on each worker, every other phone polls first and then upgrades
            nth = sum(1 for k in joined[:i] if k["worker"] == j["worker"])
            transports = ("polling", "websocket") if nth % 2 == 0 else ("websocket",)
            phones.append(Phone(url, j, f"{j['worker']}-{i}", transports=transports, http_session=ca))
        for phone in phones:
            phone.connect()
        wait_until(lambda: all(p.connected and p.group == 1 for p in phones), message="phones did not get their group")
        for phone in phones:
            if phone.transports[0] == "polling":
                wait_until(lambda phone=phone: phone.client.transport() == "websocket",
                           message=f"{phone.label} did not upgrade to WebSocket through nginx")

        # A note from each worker's phone reaches every phone, on both workers.
        texts = []
        for worker in ("5001", "5002"):
            writer = next(p for p, j in zip(phones, joined) if j["worker"] == worker)
            texts.append(f"Kirjasto auki iltaisin ({worker})")
            writer.write(texts[-1])
        wait_until(lambda: all(set(texts) <= set(p.view.values()) for p in phones), timeout=20,
                   message=f"notes did not reach every phone: {[sorted(p.view.values()) for p in phones]}")

        # Each worker carried its own phones' Socket.IO traffic, polling and WebSocket (a WebSocket
        # request is logged when it ends), and never saw a session of the other's.
        for phone in phones:
            phone.close()
        for worker in (a, b):
            wait_until(lambda worker=worker: "transport=websocket" in worker.output(), timeout=10,
                       message=worker.output()[-2000:])
            log = worker.output()
            assert "transport=polling" in log, log[-2000:]
            assert not re.search(r'"(GET|POST) /socket\.io/[^"]*" 400', log), log[-2000:]
    finally:
        for phone in phones:
            phone.close()
        nginx.stop()
        a.stop()
        b.stop()
    errors = (tmp_path / "nginx" / "error.log").read_text()
    assert "[emerg]" not in errors and "[alert]" not in errors, errors
