"""Live load benchmark: real Socket.IO phones against run.py, and against a raw python-socketio
baseline (bench/baseline_server.py) in the same run, so every figure has a baseline beside it.

Each phone joins through the join form (GET/POST /<join code>) and connects with its participant
cookie, as a phone's browser does; the facilitator logs in and drives the evening through its HTTP
forms; the projector connects with its screen token. The same client code drives both servers, one
after the other (baseline first), each started, measured and stopped by this script.

Scenarios (--scenario):
  notes      N phones in a published mixed round of groups of 6, projector and facilitator connected;
             every phone posts one note (`note_add`) at a random moment of a 10 s window. Latency from
             the emit to every recipient (the group's phones and the projector), ack latency, lost
             deliveries, failed acks, server CPU per note.
  connect    N phones connect at once (the QR goes up); then the server is restarted and every phone
             connects again at the same moment (the reconnect storm). Time to the phone's snapshot
             (`board`), server CPU per phone.
  broadcast  the facilitator changes the phase through the phase form; latency to each phone's `phase`.
  idle       memory per connected phone (RSS), idle CPU, and a `ping_here` round trip from each phone.

The run ends with exactly one summary line, e.g.
  live_load scenario=notes phones=200 db=sqlite mode=eventlet workers=1 p95_ms=… base_p95_ms=… ratio=…
  cpu_ms_per_note=… base_cpu_ms_per_note=… lost=0
(the other scenarios name their CPU figure after their unit: cpu_ms_per_phone, cpu_ms_per_change,
kb_per_phone). Exit status 0 when it ran, 1 when something failed (lost deliveries are reported, not
failures). Everything is on loopback; servers are stopped by their pid; temporary folders, the
PostgreSQL database and the Redis keys it made are removed at the end. See docs/performance.md.

Run: .venv/bin/python bench/live_load.py --quick
     .venv/bin/python bench/live_load.py --scenario notes --phones 1000 --db postgres
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import logging
import math
import os
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import engineio
import socketio

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SCENARIOS = ("notes", "connect", "broadcast", "idle")
MAX_PHONES = 10_000
GROUP_SIZE = 6
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
MUNICIPALITY_RE = re.compile(r'<option[^>]*value="(\d{3}|other)"')
BACKGROUNDS = ("ngo", "officer", "elected", "resident")


def clock() -> float:
    return time.perf_counter()


class ClientComplaints(logging.Handler):
    """What python-socketio's and python-engineio's clients log (e.g. "packet queue is empty,
    aborting": no ping from the server for ping interval + 5 s, so the phone dropped the connection),
    counted per message instead of printed a thousand times."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.counts: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()[:120]
        self.counts[message] = self.counts.get(message, 0) + 1

    def take(self) -> dict[str, int]:
        counts, self.counts = self.counts, {}
        return counts


COMPLAINTS = ClientComplaints()
CLIENT_LOG = logging.getLogger("live_load.client")  # given to every client, so none adds its own printer
CLIENT_LOG.addHandler(COMPLAINTS)
CLIENT_LOG.setLevel(logging.WARNING)
CLIENT_LOG.propagate = False


# --- options -------------------------------------------------------------------------------------

def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="See docs/performance.md for the figures and how to read them.")
    p.add_argument("--scenario", choices=SCENARIOS, default="notes")
    p.add_argument("--phones", type=int, help="phones (default 200; 24 with --quick)")
    p.add_argument("--db", choices=("sqlite", "postgres"), help="default sqlite; postgres with --workers > 1")
    p.add_argument("--async-mode", choices=("eventlet", "gevent"), default="eventlet")
    p.add_argument("--workers", type=int, default=1, help="run.py processes (> 1: PostgreSQL + Redis queue)")
    p.add_argument("--base-workers", type=int, help="baseline processes (default: as --workers)")
    p.add_argument("--quick", action="store_true", help="24 phones, short windows: a smoke run of under a minute")
    p.add_argument("--window", type=float, help="notes: seconds over which the phones post (default 10)")
    p.add_argument("--timeout", type=float, help="overall limit in seconds (default 600; 150 with --quick)")
    p.add_argument("--postgres", default=os.environ.get("PAJA_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432"),
                   help="PostgreSQL server (a fresh database is created and dropped)")
    p.add_argument("--redis", default=os.environ.get("PAJA_BENCH_REDIS", "redis://127.0.0.1:6379"),
                   help="Redis server for --workers > 1 (a free database number is claimed and emptied)")
    p.add_argument("--join-concurrency", type=int, default=16, help="joins through the form at a time")
    p.add_argument("--connect-concurrency", type=int, default=50,
                   help="sockets opened at a time outside the connect scenario's storms")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--only", choices=("paja", "baseline"), help="measure one server only (profiling)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (server logs)")
    p.add_argument("--changes", type=int, help="broadcast: phase changes (default 5; 2 with --quick)")
    p.add_argument("--phases", default="voting,groupwork",
                   help="broadcast: the two phases it alternates between (default voting,groupwork: plain phase "
                        "changes; presentation,groupwork also sends the presentation and, the first time, every board)")
    p.add_argument("--py-spy", metavar="DIR", type=Path,
                   help="profile Paja's first worker with py-spy during each measured part (collapsed stacks "
                        "in DIR/<part>.txt; read them with bench/spy_top.py)")
    args = p.parse_args(argv)
    args.phones = args.phones or (24 if args.quick else 200)
    if not 1 <= args.phones <= MAX_PHONES:
        p.error(f"--phones must be between 1 and {MAX_PHONES}")
    if not 1 <= args.workers <= 16:
        p.error("--workers must be between 1 and 16")
    args.base_workers = args.base_workers or args.workers
    if not 1 <= args.base_workers <= 16:
        p.error("--base-workers must be between 1 and 16")
    args.db = args.db or ("postgres" if args.workers > 1 else "sqlite")
    if args.workers > 1 and args.db != "postgres":
        p.error("--workers > 1 needs --db postgres (the workers share PostgreSQL and Redis)")
    args.window = args.window or (2.0 if args.quick else 10.0)
    args.timeout = args.timeout or (150.0 if args.quick else 600.0)
    args.changes = args.changes or (2 if args.quick else 5)  # broadcast: phase changes
    args.phases = tuple(args.phases.split(","))
    if len(args.phases) != 2 or args.phases[0] == args.phases[1]:
        p.error("--phases: two different phases, e.g. voting,groupwork")
    if not 1 <= args.changes <= 100:
        p.error("--changes must be between 1 and 100")
    args.idle_seconds = 3.0 if args.quick else 10.0
    args.drain = 10.0 if args.quick else 30.0  # notes: how long deliveries may take after the last emit
    return args


# --- processes -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """In the child: SIGTERM when this script dies, so no server outlives a crashed bench."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Server:
    """One server process on loopback: started, watched (CPU, RSS) and stopped by its pid."""

    def __init__(self, name: str, cmd: list[str], env: dict, port: int, log: Path):
        self.name, self.cmd, self.env, self.port, self.log = name, cmd, env, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None
        self.cpu_before_start = 0.0  # CPU of earlier incarnations (restarts)

    def start(self) -> None:
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL,
                                         preexec_fn=_die_with_parent)  # one prctl call: safe beside threads

    async def ready(self, http: aiohttp.ClientSession, timeout: float = 60.0) -> None:
        deadline = clock() + timeout
        while clock() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}): {self.tail()}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError, OSError):
                async with http.get(self.url + "/healthz", timeout=aiohttp.ClientTimeout(total=2)) as r:
                    if r.status == 200:
                        return
            await asyncio.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer /healthz in {timeout:.0f} s: {self.tail()}")

    def stop(self) -> None:
        """SIGTERM to this pid, SIGKILL after 10 s; nothing else is signalled."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.cpu_before_start += self._cpu_now()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def _cpu_now(self) -> float:
        try:
            with open(f"/proc/{self.proc.pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
        except (OSError, IndexError, AttributeError):
            return 0.0

    def cpu(self) -> float:
        """Server CPU seconds (user + system) so far, over every start of this server."""
        return self.cpu_before_start + (self._cpu_now() if self.proc and self.proc.poll() is None else 0.0)

    def rss_kb(self) -> int:
        try:
            with open(f"/proc/{self.proc.pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except (OSError, AttributeError):
            pass
        return 0

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# --- shared services: a fresh PostgreSQL database, a claimed Redis database number ------------------

class Postgres:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.name = f"paja_bench_{secrets.token_hex(5)}"
        self.created = False

    def _admin(self):
        import psycopg2
        conn = psycopg2.connect(self.base + "/postgres", connect_timeout=5)
        conn.autocommit = True
        return conn

    def create(self) -> str:
        with contextlib.closing(self._admin()) as conn, conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{self.name}"')
        self.created = True
        return f"{self.base}/{self.name}"

    def drop(self) -> None:
        if not self.created:
            return
        with contextlib.closing(self._admin()) as conn, conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.created = False


def database_connections(target) -> dict:
    """Paja on PostgreSQL, read right after a scenario: its open connections, and how many of them sit
    "idle in transaction" (a handler that kept its transaction open while doing something else)."""
    url = getattr(target, "env", {}).get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return {}
    import psycopg2
    base, name = url.rsplit("/", 1)
    with contextlib.closing(psycopg2.connect(base + "/postgres", connect_timeout=5)) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*), count(*) FILTER (WHERE state = 'idle in transaction') "
                    "FROM pg_stat_activity WHERE datname = %s", (name,))
        total, idle_in_transaction = cur.fetchone()
    return {"PostgreSQL connections after the notes": total,
            "... of them idle in transaction": idle_in_transaction}


class RedisDb:
    """A database number of the shared Redis that is empty, claimed with a key only this run sets.

    The Redis server itself is shared and never touched beyond that number: at the end the keys of
    this number (the rate limiter's counters and the claim) are deleted.
    """
    CLAIM = "paja-bench:claim"

    def __init__(self, base: str, ttl: float):
        self.base, self.ttl = base.rstrip("/"), int(ttl) + 120
        self.number: int | None = None

    def claim(self) -> str:
        import redis
        numbers = list(range(1, 16))
        random.Random().shuffle(numbers)  # two runs at once rarely try the same number first
        for n in numbers:
            client = redis.Redis.from_url(f"{self.base}/{n}", socket_connect_timeout=3)
            try:
                if client.dbsize() == 0 and client.set(self.CLAIM, os.getpid(), nx=True, ex=self.ttl):
                    self.number = n
                    return f"{self.base}/{n}"
            finally:
                client.close()
        raise RuntimeError(f"no free database number on {self.base} (1-15 all hold keys)")

    def release(self) -> None:
        if self.number is None:
            return
        import redis
        client = redis.Redis.from_url(f"{self.base}/{self.number}", socket_connect_timeout=3)
        try:
            if client.get(self.CLAIM) == str(os.getpid()).encode():
                keys = list(client.scan_iter(count=1000))
                for i in range(0, len(keys), 500):
                    client.delete(*keys[i:i + 500])
        finally:
            client.close()
        self.number = None


# --- the two servers under test ------------------------------------------------------------------

@dataclass
class Joined:
    index: int
    url: str  # the worker this phone uses
    cookie: str
    session_id: int


class Target:
    """A server under test (one or more processes) and how the bench drives it over HTTP."""

    name = ""

    def __init__(self, args, tmp: Path):
        self.args, self.tmp = args, tmp
        self.servers: list[Server] = []
        self.session_id = 1
        self.join_code = ""
        self.screen_token = ""
        self.fac_cookie = ""
        self.fac_http: aiohttp.ClientSession | None = None
        self.fac_csrf = ""

    @property
    def urls(self) -> list[str]:
        return [s.url for s in self.servers]

    def cpu(self) -> float:
        return sum(s.cpu() for s in self.servers)

    def rss_kb(self) -> int:
        return sum(s.rss_kb() for s in self.servers)

    async def start(self, http) -> None:
        for s in self.servers:
            s.start()
        await asyncio.gather(*(s.ready(http) for s in self.servers))

    def stop(self) -> None:
        for s in self.servers:
            s.stop()

    async def restart(self, http) -> None:
        self.stop()
        await self.start(http)

    async def prepare(self, http) -> None:
        """Before the phones join: the workshop exists (and the facilitator is logged in)."""

    async def publish_groups(self) -> None:
        """After the phones joined: a published round of groups of 6 and the group work phase."""

    async def set_phase(self, phase: str) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        if self.fac_http is not None:
            await self.fac_http.close()


class Paja(Target):
    name = "paja"

    def __init__(self, args, tmp: Path, database_url: str | None, queue_url: str | None):
        super().__init__(args, tmp)
        instance = tmp / "paja-instance"
        instance.mkdir()
        self.env = {**os.environ, "PAJA_INSTANCE": str(instance), "PAJA_HOST": "127.0.0.1",
                    "PAJA_ASYNC_MODE": args.async_mode, "SECRET_KEY": secrets.token_hex(32),
                    "PAJA_MAX_PARTICIPANTS": str(max(1000, args.phones + 10)), "PYTHONUNBUFFERED": "1"}
        for name in ("PAJA_BASE_URL", "DATABASE_URL", "SOCKETIO_MESSAGE_QUEUE", "PAJA_RATELIMIT_STORAGE",
                     "PAJA_ACCESS_LOG", "FLASK_APP"):
            self.env.pop(name, None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        if queue_url:
            self.env["SOCKETIO_MESSAGE_QUEUE"] = queue_url
        for i in range(args.workers):
            port = free_port()
            self.servers.append(Server(f"paja worker {i + 1}", [PYTHON, "run.py"], {**self.env, "PAJA_PORT": str(port)},
                                       port, tmp / f"paja-{i + 1}.log"))

    async def prepare(self, http) -> None:
        # `flask paja demo` before the workers start: it creates the schema, the facilitator and a workshop.
        proc = await asyncio.create_subprocess_exec(
            PYTHON, "-m", "flask", "--app", "workshop", "paja", "demo", cwd=ROOT, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            out, err = await asyncio.wait_for(proc.communicate(), 90)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise RuntimeError("`flask paja demo` did not finish in 90 s") from None
        if proc.returncode != 0:
            raise RuntimeError(f"`flask paja demo` failed: {err.decode()[-2000:]}")
        info = out.decode()
        self.join_code = re.search(r"Join code:\s+(\d{6})", info).group(1)
        email = re.search(r"Login:\s+(\S+) /", info).group(1)
        password = re.search(r"Login:\s+\S+ / (\S+)", info).group(1)
        self.screen_token = re.search(r"^Projector:\s+\S*?/screen/(\S+)", info, re.M).group(1)
        await self.start(http)
        await self._login(email, password)

    async def _login(self, email: str, password: str) -> None:
        url = self.urls[0]
        self.fac_http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                              timeout=aiohttp.ClientTimeout(total=60))
        async with self.fac_http.get(f"{url}/login") as r:
            token = csrf(await r.text())
        async with self.fac_http.post(f"{url}/login", allow_redirects=False,
                                      data={"csrf_token": token, "email": email, "password": password}) as r:
            if r.status != 302:
                raise RuntimeError(f"facilitator login failed: {r.status}")
        async with self.fac_http.get(f"{url}/f/") as r:
            found = re.search(r"/f/sessions/(\d+)", await r.text())
        if not found:
            raise RuntimeError("the facilitator's dashboard lists no workshop")
        self.session_id = int(found.group(1))
        async with self.fac_http.get(f"{url}/f/sessions/{self.session_id}") as r:
            self.fac_csrf = csrf(await r.text())
        self.fac_cookie = cookie_header(self.fac_http.cookie_jar)

    async def _post(self, path: str, **data) -> None:
        url = f"{self.urls[0]}/f/sessions/{self.session_id}/{path}"
        async with self.fac_http.post(url, allow_redirects=False, data={"csrf_token": self.fac_csrf, **data}) as r:
            if r.status not in (200, 302):
                raise RuntimeError(f"facilitator POST {path}: {r.status}")
            await r.read()

    async def publish_groups(self) -> None:
        await self._post("rounds", strategy="mixed", size_mode="size", size=str(GROUP_SIZE))
        await self._post("rounds/1/publish")
        await self._post("phase", phase="groupwork")

    async def set_phase(self, phase: str) -> None:
        await self._post("phase", phase=phase)


class Baseline(Target):
    name = "baseline"

    def __init__(self, args, tmp: Path, queue_url: str | None):
        super().__init__(args, tmp)
        self.join_code, self.screen_token = "123456", "baseline-screen"
        state = tmp / "baseline-state"
        state.mkdir()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        channel = f"paja-bench-{secrets.token_hex(6)}"
        for i in range(args.base_workers):
            port = free_port()
            cmd = [PYTHON, "bench/baseline_server.py", "--port", str(port), "--mode", args.async_mode,
                   "--state", str(state)]
            if queue_url and args.base_workers > 1:
                cmd += ["--redis", queue_url, "--channel", channel]
            self.servers.append(Server(f"baseline worker {i + 1}", cmd, env, port, tmp / f"baseline-{i + 1}.log"))

    async def prepare(self, http) -> None:
        await self.start(http)

    async def set_phase(self, phase: str) -> None:
        url = f"{self.urls[0]}/f/sessions/1/phase"
        async with aiohttp.ClientSession() as http, http.post(url, data={"phase": phase}, allow_redirects=False) as r:
            if r.status != 302:
                raise RuntimeError(f"baseline phase change: {r.status}")


# --- HTTP: phones join through the form ----------------------------------------------------------

def csrf(html: str) -> str:
    m = CSRF_RE.search(html)
    if not m:
        raise RuntimeError("page has no CSRF token")
    return m.group(1)


def cookie_header(jar: aiohttp.CookieJar) -> str:
    return "; ".join(f"{c.key}={c.value}" for c in jar)


async def join_one(target: Target, index: int) -> Joined:
    url = target.urls[index % len(target.urls)]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                     timeout=aiohttp.ClientTimeout(total=60)) as http:
        async with http.get(f"{url}/{target.join_code}") as r:
            page = await r.text()
            if r.status != 200:
                raise RuntimeError(f"join page: {r.status}")
        municipalities = MUNICIPALITY_RE.findall(page) or ["other"]
        data = {"csrf_token": csrf(page), "municipality": municipalities[index % len(municipalities)],
                "background": BACKGROUNDS[index % len(BACKGROUNDS)]}
        async with http.post(f"{url}/{target.join_code}", data=data, allow_redirects=False) as r:
            if r.status != 302:
                raise RuntimeError(f"join form: {r.status} {(await r.text())[:300]}")
        cookies = {c.key: c.value for c in http.cookie_jar}
        session_id = next((int(k[6:]) for k in cookies if re.fullmatch(r"paja_p\d+", k)), None)
        if session_id is None:
            raise RuntimeError("the join form set no participant cookie")
        return Joined(index, url, cookie_header(http.cookie_jar), session_id)


async def join_all(target: Target, count: int, concurrency: int) -> list[Joined]:
    gate = asyncio.Semaphore(concurrency)

    async def one(i):
        async with gate:
            return await join_one(target, i)
    return list(await asyncio.gather(*(one(i) for i in range(count))))


# --- Socket.IO clients ---------------------------------------------------------------------------

class Deliveries:
    """Who received which note and when (one clock: every client lives in this process)."""

    def __init__(self):
        self.sent: dict[str, tuple[float, int]] = {}  # text -> (emit time, author index)
        self.got: dict[str, dict[object, float]] = {}

    def received(self, text: str, who) -> None:
        self.got.setdefault(text, {}).setdefault(who, clock())


class BrowserLikeEngineIO(engineio.AsyncClient):
    """A phone's Engine.IO client that waits for the server's ping as long as a browser does.

    socket.io-client gives up on a server that sent nothing for ping interval + ping timeout (20 s
    with Paja's settings); python-engineio's client after max(interval, timeout) + 5 s (15 s). Raising
    the timeout it was told by 5 s makes its give-up time the browser's (its read loop then waits 25 s,
    which is not the one that fires first).
    """

    async def _connect_websocket(self, *args, **kwargs):
        result = await super()._connect_websocket(*args, **kwargs)
        if self.ping_interval and self.ping_timeout:
            self.ping_timeout = self.ping_interval + self.ping_timeout - 5
        return result


class PhoneSocket(socketio.AsyncClient):
    def _engineio_client_class(self):
        return BrowserLikeEngineIO


# socket.io-client's default: 20 s for the transport to open. Its namespace connection then has no
# timeout of its own (the heartbeat decides); the bench gives up on it after NAMESPACE_TIMEOUT.
CONNECT_TIMEOUT = 20.0
NAMESPACE_TIMEOUT = 60.0


class Client:
    """One Socket.IO client (a phone, the projector or the facilitator's page), fresh per connect."""

    def __init__(self, label, url: str, auth: dict, cookie: str | None, deliveries: Deliveries):
        self.label, self.url, self.auth, self.cookie, self.deliveries = label, url, auth, cookie, deliveries
        self.sio: socketio.AsyncClient | None = None
        self.group: int | None = None
        self.snapshot: asyncio.Event = asyncio.Event()
        self.snapshot_at = 0.0
        self.phases: list[tuple[str, float]] = []
        self.disconnected = asyncio.Event()
        self.error: str | None = None

    def _new(self) -> socketio.AsyncClient:
        sio = PhoneSocket(reconnection=False, handle_sigint=False, logger=CLIENT_LOG, engineio_logger=CLIENT_LOG,
                          request_timeout=CONNECT_TIMEOUT)
        snapshot_event = "board" if self.auth.get("role") == "participant" else "boards"

        def on_snapshot(data=None):
            if snapshot_event == "board" and isinstance(data, dict):
                self.group = data.get("group")
            if not self.snapshot.is_set():
                self.snapshot_at = clock()
                self.snapshot.set()

        def on_note(note=None):
            if isinstance(note, dict) and isinstance(note.get("text"), str):
                self.deliveries.received(note["text"], self.label)

        def on_phase(data=None):
            if isinstance(data, dict):
                self.phases.append((data.get("phase"), clock()))

        handlers = {snapshot_event: on_snapshot, "note": on_note, "phase": on_phase}

        def on_state(parts=None):  # Paja's (re)connect state: one message of [[event, payload], ...]
            for name, payload in parts if isinstance(parts, list) else []:
                if name in handlers:
                    handlers[name](payload)

        for name, fn in handlers.items():
            sio.on(name, fn)
        sio.on("state", on_state)
        sio.on("disconnect", lambda *_a: self.disconnected.set())
        return sio

    async def connect(self, timeout: float = CONNECT_TIMEOUT + NAMESPACE_TIMEOUT + 5) -> float | None:
        """Connect and wait for the snapshot; seconds from the start to the snapshot, None on failure."""
        self.snapshot, self.disconnected, self.error = asyncio.Event(), asyncio.Event(), None
        self.sio = self._new()
        started = clock()
        try:
            await asyncio.wait_for(self._connect(), timeout)
        except (socketio.exceptions.ConnectionError, TimeoutError, OSError, aiohttp.ClientError) as exc:
            self.error = f"{type(exc).__name__}: {exc}"[:200]
            await self.abort()
            return None
        return self.snapshot_at - started

    async def _connect(self) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        await self.sio.connect(self.url, headers=headers, auth=self.auth, transports=["websocket"],
                               wait_timeout=NAMESPACE_TIMEOUT)
        await self.snapshot.wait()

    @property
    def connected(self) -> bool:
        return self.sio is not None and self.sio.connected

    async def call(self, event: str, data, timeout: float):
        """The event's acknowledgement; TimeoutError when none comes in `timeout` s or the connection
        ends first (python-socketio would wait out the timeout)."""
        answer = asyncio.ensure_future(self.sio.call(event, data, timeout=timeout))
        gone = asyncio.ensure_future(self.disconnected.wait())
        await asyncio.wait({answer, gone}, return_when=asyncio.FIRST_COMPLETED)
        gone.cancel()
        if not answer.done():
            answer.cancel()
            raise TimeoutError("disconnected")
        return answer.result()

    async def abort(self) -> None:
        if self.sio is None:
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.sio.disconnect(), 5)
        with contextlib.suppress(Exception):
            if self.sio.eio.http is not None and not self.sio.eio.http.closed:
                await self.sio.eio.http.close()


def phone_clients(target: Target, joined: list[Joined], deliveries: Deliveries) -> list[Client]:
    return [Client(j.index, j.url, {"role": "participant", "session": j.session_id}, j.cookie, deliveries)
            for j in joined]


def watcher_clients(target: Target, deliveries: Deliveries) -> list[Client]:
    """The projector (on the first worker) and the facilitator's page (on the last)."""
    urls = target.urls
    return [Client("screen", urls[0], {"role": "screen", "token": target.screen_token}, None, deliveries),
            Client("fac", urls[-1], {"role": "facilitator", "session": target.session_id},
                   target.fac_cookie or None, deliveries)]


async def connect_all(clients: list[Client], concurrency: int | None, timeout: float) -> list[float | None]:
    """Connect every client (at most `concurrency` at a time; None: all at once)."""
    gate = asyncio.Semaphore(concurrency or len(clients) or 1)

    async def one(c):
        async with gate:
            return await c.connect(timeout)
    return list(await asyncio.gather(*(one(c) for c in clients)))


async def close_all(clients: list[Client]) -> None:
    gate = asyncio.Semaphore(200)

    async def one(c):
        async with gate:
            await c.abort()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(one(c) for c in clients)), 60)


# --- figures -------------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(p / 100 * len(ordered)))) - 1]


def ms(values: list[float], missing: int = 0) -> dict:
    """p50/p95/p99 in milliseconds; what never came (`missing`) counts as infinitely late."""
    values = list(values) + [math.inf] * missing
    return {f"p{p}": (None if percentile(values, p) is None else percentile(values, p) * 1000) for p in (50, 95, 99)}


@dataclass
class Result:
    """One server's figures in one scenario: `rows` for the table, the rest for the summary line."""
    rows: dict = field(default_factory=dict)
    p95_ms: float | None = None
    per_unit: float | None = None
    lost: int = 0
    failed: int = 0
    extra: dict = field(default_factory=dict)


def fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


# --- scenarios -----------------------------------------------------------------------------------

class Run:
    """One server under test through one scenario: setup, measurement, figures."""

    def __init__(self, args, target: Target, http: aiohttp.ClientSession):
        self.args, self.target, self.http = args, target, http
        self.deliveries = Deliveries()
        self.phones: list[Client] = []
        self.watchers: list[Client] = []
        self.result = Result()

    def log(self, message: str) -> None:
        print(f"  [{self.target.name}] {message}", flush=True)

    @contextlib.contextmanager
    def spied(self, part: str):
        """With --py-spy: py-spy samples Paja's first worker while `part` runs (stopped by its pid)."""
        server = self.target.servers[0]
        if not self.args.py_spy or self.target.name != "paja" or server.proc is None:
            yield
            return
        self.args.py_spy.mkdir(parents=True, exist_ok=True)
        out = self.args.py_spy / f"{self.args.scenario}-{part}.txt"
        exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        spy = subprocess.Popen([exe, "record", "--pid", str(server.proc.pid), "--rate", "200", "--format", "raw",
                                "--output", str(out), "--nonblocking"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        time.sleep(0.5)  # attached
        try:
            yield
        finally:
            spy.send_signal(signal.SIGINT)
            try:
                spy.wait(20)
            except subprocess.TimeoutExpired:
                spy.kill()
                spy.wait(5)
            self.log(f"py-spy profile: {out}")

    async def setup(self, publish: bool = True) -> None:
        t = self.target
        started = clock()
        await t.prepare(self.http)
        self.log(f"started {len(t.servers)} process(es) in {clock() - started:.1f} s")
        cpu0, started = t.cpu(), clock()
        joined = await join_all(t, self.args.phones, self.args.join_concurrency)
        join_s, join_cpu = clock() - started, t.cpu() - cpu0
        self.log(f"{len(joined)} phones joined through the form in {join_s:.1f} s (server CPU {join_cpu:.2f} s)")
        self.result.rows["join: server CPU ms per phone"] = join_cpu * 1000 / max(1, len(joined))
        if publish:
            await t.publish_groups()
        self.phones = phone_clients(t, joined, self.deliveries)
        self.watchers = watcher_clients(t, self.deliveries)

    async def connect_watchers(self) -> None:
        results = await connect_all(self.watchers, None, CONNECT_TIMEOUT + NAMESPACE_TIMEOUT + 5)
        failed = [c.label for c, r in zip(self.watchers, results) if r is None]
        if failed:
            raise RuntimeError(f"{self.target.name}: {failed} could not connect: {self.watchers[0].error}")

    async def connect_phones(self, concurrency: int | None) -> tuple[list[float], int, float, float]:
        """(seconds to snapshot of those that made it, failures, wall seconds, server CPU seconds)."""
        part = "storm" if concurrency is None else "connect"
        if part == "storm" and self.target.servers[0].cpu_before_start:
            part = "reconnect"
        with self.spied(part):
            cpu0, started = self.target.cpu(), clock()
            results = await connect_all(self.phones, concurrency, CONNECT_TIMEOUT + NAMESPACE_TIMEOUT + 5)
            wall, cpu = clock() - started, self.target.cpu() - cpu0
        ok = [r for r in results if r is not None]
        failed = len(results) - len(ok)
        if failed:
            errors = sorted({c.error for c in self.phones if c.error})[:3]
            self.log(f"{failed} phones could not connect: {errors}")
        return ok, failed, wall, cpu

    async def steady_connect(self) -> None:
        ok, failed, wall, cpu = await self.connect_phones(self.args.connect_concurrency)
        self.log(f"{len(ok)} phones connected in {wall:.1f} s (server CPU {cpu:.2f} s)")
        self.result.rows["connect: server CPU ms per phone"] = cpu * 1000 / max(1, len(self.phones))
        self.result.failed += failed

    async def close(self) -> None:
        await close_all(self.phones + self.watchers)
        await self.target.close()

    # notes ------------------------------------------------------------------------------------
    async def notes(self) -> None:
        await self.setup()
        await self.connect_watchers()
        await self.steady_connect()
        await asyncio.sleep(1.0)
        rng = random.Random(self.args.seed)
        phones = [p for p in self.phones if p.connected and p.group is not None]
        by_group: dict[int, list[Client]] = {}
        for p in phones:
            by_group.setdefault(p.group, []).append(p)
        acks: list[float] = []
        failed_acks = 0
        expected: dict[str, list] = {}
        loop_start = clock() + 0.5
        spy = contextlib.ExitStack()
        spy.enter_context(self.spied("notes"))
        cpu0 = self.target.cpu()

        async def post(phone: Client):
            nonlocal failed_acks
            await asyncio.sleep(max(0.0, loop_start + rng.random() * self.args.window - clock()))
            text = f"bench note {phone.label}"
            expected[text] = [m.label for m in by_group[phone.group]] + ["screen", "fac"]
            sent = clock()
            self.deliveries.sent[text] = (sent, phone.label)
            try:
                answer = await phone.call("note_add", {"client_id": f"bench-{phone.label:06d}", "text": text},
                                          timeout=30)
            except (TimeoutError, socketio.exceptions.TimeoutError, socketio.exceptions.SocketIOError):
                failed_acks += 1
                return
            if isinstance(answer, dict) and answer.get("ok"):
                acks.append(clock() - sent)
            else:
                failed_acks += 1

        await asyncio.gather(*(post(p) for p in phones))
        last_emit = max((s for s, _ in self.deliveries.sent.values()), default=clock())
        total = sum(len(v) for v in expected.values())
        deadline = last_emit + self.args.drain
        clients = {c.label: c for c in self.phones + self.watchers}
        while clock() < deadline and self._awaited(expected, clients):
            await asyncio.sleep(0.05)
        cpu = self.target.cpu() - cpu0
        spy.close()
        self.log(f"{len(phones)} notes posted over {self.args.window:.0f} s; the last delivery "
                 f"{clock() - last_emit:.1f} s after the last emit")
        latencies, screen, lost, missing, screen_missing = [], [], 0, 0, 0
        for text, recipients in expected.items():
            sent = self.deliveries.sent[text][0]
            got = self.deliveries.got.get(text, {})
            for who in recipients:
                lost += who not in got
                if who == "fac":  # latency: to the group's phones and the projector
                    continue
                if who not in got:
                    missing += 1
                    screen_missing += who == "screen"
                else:
                    latencies.append(got[who] - sent)
                    if who == "screen":
                        screen.append(got[who] - sent)
        r = self.result
        lat, ack = ms(latencies, missing), ms(acks, failed_acks)
        r.rows.update({
            "notes posted": len(phones), "deliveries expected": total, "deliveries lost": lost,
            "acks failed": failed_acks, "acks after 10 s (board.js re-sends)": sum(1 for a in acks if a > 10),
            "note → recipients p50 ms": lat["p50"], "note → recipients p95 ms": lat["p95"],
            "note → recipients p99 ms": lat["p99"], "note → projector p95 ms": ms(screen, screen_missing)["p95"],
            "ack p50 ms": ack["p50"], "ack p95 ms": ack["p95"], "ack p99 ms": ack["p99"],
            "phones still connected": sum(1 for p in phones if p.connected),
            "server CPU s (notes)": cpu, "CPU ms per note": cpu * 1000 / max(1, len(phones)),
            "RSS MB": self.target.rss_kb() / 1024,
        })
        r.rows.update(database_connections(self.target))
        r.p95_ms, r.per_unit, r.lost = lat["p95"], cpu * 1000 / max(1, len(phones)), lost
        r.failed += failed_acks

    def _awaited(self, expected, clients) -> bool:
        """Is a delivery still missing that can still come (its recipient is connected)?"""
        got = self.deliveries.got
        return any(w not in got.get(text, ()) and clients[w].connected
                   for text, recipients in expected.items() for w in recipients)

    # connect ----------------------------------------------------------------------------------
    async def connect(self) -> None:
        await self.setup()
        await self.connect_watchers()
        await asyncio.sleep(1.0)
        n = len(self.phones)
        ok, failed, wall, cpu = await self.connect_phones(None)
        self.log(f"storm: {len(ok)}/{n} phones back with their snapshot in {wall:.1f} s (server CPU {cpu:.2f} s)")
        first = ms(ok, failed)
        await asyncio.sleep(1.0)
        rss = self.target.rss_kb()
        # The restart: every server stopped by its pid, started again; every phone retries at once.
        self.target.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(c.disconnected.wait() for c in self.phones + self.watchers)), 15)
        await close_all(self.phones + self.watchers)
        COMPLAINTS.take()  # the phones' complaints about the stopped server are expected
        await self.target.start(self.http)
        ok2, failed2, wall2, cpu2 = await self.connect_phones(None)
        self.log(f"after a restart: {len(ok2)}/{n} phones back in {wall2:.1f} s (server CPU {cpu2:.2f} s)")
        second = ms(ok2, failed2)
        self.result.rows.update({
            "connect at once: to snapshot p50 ms": first["p50"], "connect at once: p95 ms": first["p95"],
            "connect at once: p99 ms": first["p99"], "connect at once: all in s": wall,
            "connect at once: server CPU s": cpu, "connect at once: CPU ms per phone": cpu * 1000 / max(1, n),
            "connect at once: failed": failed,
            "reconnect storm: p50 ms": second["p50"], "reconnect storm: p95 ms": second["p95"],
            "reconnect storm: p99 ms": second["p99"], "reconnect storm: all in s": wall2,
            "reconnect storm: server CPU s": cpu2, "reconnect storm: CPU ms per phone": cpu2 * 1000 / max(1, n),
            "reconnect storm: failed": failed2, "RSS MB (after connect)": rss / 1024,
        })
        r = self.result
        r.p95_ms, r.per_unit = first["p95"], cpu * 1000 / max(1, n)
        r.lost = r.failed = failed + failed2
        r.extra = {"reconnect_p95_ms": second["p95"], "reconnect_s": wall2}

    # broadcast --------------------------------------------------------------------------------
    async def broadcast(self) -> None:
        await self.setup()
        await self.connect_watchers()
        await self.steady_connect()
        await asyncio.sleep(1.0)
        phones = [p for p in self.phones if p.connected]
        latencies, lost = [], 0
        spy = contextlib.ExitStack()
        spy.enter_context(self.spied("changes"))
        cpu0 = self.target.cpu()
        for k in range(self.args.changes):
            phase = self.args.phases[k % 2]
            sent = clock()
            await self.target.set_phase(phase)
            deadline = sent + 15
            while clock() < deadline and not all(self._phase_time(p, phase, sent) for p in phones):
                await asyncio.sleep(0.02)
            for p in phones:
                t = self._phase_time(p, phase, sent)
                if t is None:
                    lost += 1
                else:
                    latencies.append(t - sent)
            await asyncio.sleep(0.5)
        cpu = self.target.cpu() - cpu0
        spy.close()
        lat = ms(latencies, lost)
        per_change = cpu * 1000 / self.args.changes
        self.result.rows.update({
            "phase changes": self.args.changes, "phones": len(phones), "phase → phone p50 ms": lat["p50"],
            "phase → phone p95 ms": lat["p95"], "phase → phone p99 ms": lat["p99"], "lost": lost,
            "server CPU s": cpu, "CPU ms per change": per_change, "RSS MB": self.target.rss_kb() / 1024})
        r = self.result
        r.p95_ms, r.per_unit, r.lost = lat["p95"], per_change, lost

    @staticmethod
    def _phase_time(phone: Client, phase: str, since: float) -> float | None:
        return next((t for name, t in phone.phases if name == phase and t >= since), None)

    # idle ---------------------------------------------------------------------------------------
    async def idle(self) -> None:
        await self.setup()
        await self.connect_watchers()
        await asyncio.sleep(2.0)
        rss0 = self.target.rss_kb()
        await self.steady_connect()
        await asyncio.sleep(3.0 if not self.args.quick else 1.0)
        rss1 = self.target.rss_kb()
        phones = [p for p in self.phones if p.connected]
        cpu0 = self.target.cpu()
        await asyncio.sleep(self.args.idle_seconds)
        idle_cpu = self.target.cpu() - cpu0
        rng = random.Random(self.args.seed)
        pings: list[float] = []
        failed = 0

        async def ping(phone: Client):
            nonlocal failed
            await asyncio.sleep(rng.random() * 2.0)
            sent = clock()
            try:
                answer = await phone.call("ping_here", {}, timeout=15)
            except (TimeoutError, socketio.exceptions.TimeoutError, socketio.exceptions.SocketIOError):
                failed += 1
                return
            if isinstance(answer, dict) and answer.get("ok"):
                pings.append(clock() - sent)
            else:
                failed += 1

        await asyncio.gather(*(ping(p) for p in phones))
        kb = (rss1 - rss0) / max(1, len(phones))
        lat = ms(pings, failed)
        self.result.rows.update({
            "phones connected": len(phones), "RSS MB before phones": rss0 / 1024, "RSS MB with phones": rss1 / 1024,
            "KB per phone": kb,
            "idle CPU ms per phone per minute": idle_cpu * 1000 * 60 / self.args.idle_seconds / max(1, len(phones)),
            "ping_here p50 ms": lat["p50"], "ping_here p95 ms": lat["p95"], "ping_here p99 ms": lat["p99"],
            "pings failed": failed})
        r = self.result
        r.p95_ms, r.per_unit, r.lost, r.failed = lat["p95"], kb, failed, r.failed + failed


UNIT = {"notes": "cpu_ms_per_note", "connect": "cpu_ms_per_phone", "broadcast": "cpu_ms_per_change",
        "idle": "kb_per_phone"}


# --- the whole run -------------------------------------------------------------------------------

def machine() -> str:
    model = "?"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs ({model}), load average {load}"


def raise_fd_limit(phones: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 4 * phones + 1024))
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    if wanted < 2 * phones + 256:
        print(f"warning: file-descriptor limit {wanted} is low for {phones} phones (hard limit {hard})", flush=True)


async def measure(args, target: Target, http) -> Result:
    run = Run(args, target, http)
    COMPLAINTS.take()
    client_cpu = time.process_time()
    try:
        await getattr(run, args.scenario)()
        complaints = COMPLAINTS.take()  # what the phones logged while measured (not their goodbyes)
    finally:
        target.stop()  # figures are taken: stop the server before the clients say goodbye
        await run.close()
    run.result.rows["bench client CPU s (whole run)"] = time.process_time() - client_cpu
    run.result.rows["load average (1 min) at the end"] = os.getloadavg()[0]
    run.result.rows["client: dropped for a missing ping"] = complaints.pop("packet queue is empty, aborting", 0)
    for message, count in sorted(complaints.items(), key=lambda kv: -kv[1])[:5]:
        run.log(f"client log, {count}x: {message}")
    return run.result


def fmt_ratio(value: float) -> str:
    return "inf" if math.isinf(value) or math.isnan(value) else f"{value:.2f}"


def report(args, results: dict[str, Result]) -> str:
    paja, base = results.get("paja"), results.get("baseline")
    keys = list((paja or base).rows)
    width = max(len(k) for k in keys) + 2
    print(f"\n{'':{width}}{'Paja':>12}{'baseline':>12}{'ratio':>8}")
    for key in keys:
        a = paja.rows.get(key) if paja else None
        b = base.rows.get(key) if base else None
        comparable = isinstance(a, (int, float)) and isinstance(b, (int, float)) and b and "load" not in key
        ratio = fmt_ratio(a / b) if comparable else ""
        print(f"{key:{width}}{fmt(a):>12}{fmt(b):>12}{ratio:>8}")

    def num(v, digits=1):
        return "na" if v is None else "inf" if math.isinf(v) else f"{v:.{digits}f}"
    p95 = paja.p95_ms if paja else None
    base_p95 = base.p95_ms if base else None
    ratio = p95 / base_p95 if p95 is not None and base_p95 and not math.isinf(base_p95) else None
    unit = UNIT[args.scenario]
    line = (f"live_load scenario={args.scenario} phones={args.phones} db={args.db} mode={args.async_mode} "
            f"workers={args.workers} p95_ms={num(p95)} base_p95_ms={num(base_p95)} ratio={num(ratio, 2)} "
            f"{unit}={num(paja.per_unit if paja else None, 2)} base_{unit}={num(base.per_unit if base else None, 2)}")
    if args.scenario == "connect":
        e, be = (paja.extra if paja else {}), (base.extra if base else {})
        line += (f" reconnect_p95_ms={num(e.get('reconnect_p95_ms'))} "
                 f"base_reconnect_p95_ms={num(be.get('reconnect_p95_ms'))}")
    line += f" lost={(paja or base).lost}"
    return line


async def main_async(args, tmp: Path, cleanup: list) -> str:
    database_url = queue_url = None
    if args.db == "postgres" and args.only != "baseline":
        pg = Postgres(args.postgres)
        cleanup.append(pg.drop)
        database_url = await asyncio.to_thread(pg.create)
    if args.workers > 1 or args.base_workers > 1:
        rdb = RedisDb(args.redis, args.timeout)
        cleanup.append(rdb.release)
        queue_url = await asyncio.to_thread(rdb.claim)
    targets: list[Target] = []
    if args.only != "paja":
        targets.append(Baseline(args, tmp, queue_url))
    if args.only != "baseline":
        targets.append(Paja(args, tmp, database_url, queue_url if args.workers > 1 else None))
    for t in targets:
        cleanup.insert(0, t.stop)
    results: dict[str, Result] = {}
    async with aiohttp.ClientSession() as http:
        for target in targets:
            print(f"{target.name}: {args.scenario}, {args.phones} phones", flush=True)
            started = clock()
            try:
                results[target.name] = await measure(args, target, http)
            except BaseException:
                for s in target.servers:
                    print(f"--- {s.name} log (last lines):\n{s.tail()}", file=sys.stderr, flush=True)
                raise
            print(f"  [{target.name}] done in {clock() - started:.0f} s", flush=True)
    return report(args, results)


def main(argv=None) -> int:
    args = parse_args(argv)
    raise_fd_limit(args.phones)
    print(f"live_load: {args.scenario}, {args.phones} phones, db={args.db}, mode={args.async_mode}, "
          f"workers={args.workers} (baseline {args.base_workers}); {machine()}", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="paja-bench-"))
    cleanup: list = []
    loop = asyncio.new_event_loop()
    task = loop.create_task(asyncio.wait_for(main_async(args, tmp, cleanup), args.timeout))
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    line, status = None, 1
    try:
        line = loop.run_until_complete(task)
        status = 0
    except TimeoutError:
        print(f"live_load: gave up after the overall timeout of {args.timeout:.0f} s", file=sys.stderr)
    except asyncio.CancelledError:
        print("live_load: interrupted", file=sys.stderr)
    except Exception as exc:  # reported, then everything is cleaned up
        print(f"live_load: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        for fn in cleanup:
            try:
                fn()
            except Exception as exc:  # the rest must still be cleaned
                print(f"live_load: cleanup {getattr(fn, '__qualname__', fn)}: {exc}", file=sys.stderr)
        with contextlib.suppress(Exception):
            loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
        if args.keep:
            print(f"server logs kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if line:
        print(line, flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
