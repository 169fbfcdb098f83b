"""Crash and restart: SIGKILL the real server mid-stream; nothing acknowledged is lost or doubled.

24 phones join over HTTP, the facilitator publishes a mixed round of 4 groups and starts the group
work, every phone writes notes over Socket.IO (outbox, client ids, acknowledgements with a timeout),
half of the groups start voting while the other half keep writing, and the server is killed with
SIGKILL in the middle of it. It is restarted on the same port and database. Then:

- every note the server acknowledged is in the database exactly once, with the acknowledged id;
- every phone reconnected by itself and re-sent what was still in its outbox (notes written while the
  server was down included), so nothing written is missing either;
- after settling, every phone's view (the `board` snapshot of its reconnect plus the `note` events
  after it) equals its group's visible notes in the database, the projector's view equals all groups',
  and every voter's own votes equal the database's.

The SQLite variants read the database file with sqlite3; the PostgreSQL variants need CI=true or a
reachable server (the `pg_url` fixture skips otherwise).
"""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from workshop.db import normalise_url

from tests.live_phones import Facilitator, Phone, Screen, close_all, join_many, start_all, wait_until

pytestmark = pytest.mark.server

PHONES = 24  # a reconnect storm of a hundred is test_a_hundred_phones_… below; here the count adds nothing
GROUPS = 4
WARMUP_NOTES = 2  # every phone, before voting opens
STREAM_NOTES = 10  # every phone of a writing group, while the server is killed
VOTE_TAPS = 8  # every phone of a voting group, while the server is killed
PACE = 0.25  # seconds between one phone's notes (or taps)
KILL_AFTER = 0.35  # share of the first half of the streamed notes acknowledged before SIGKILL
MUNICIPALITIES = ["320", "583", "614", "732", "742"]  # the demo workshop's

VARIANTS = [
    pytest.param("sqlite", "eventlet", id="sqlite-eventlet"),
    pytest.param("sqlite", "gevent", id="sqlite-gevent"),
    pytest.param("postgres", "eventlet", id="postgres-eventlet", marks=pytest.mark.postgres),
    pytest.param("postgres", "gevent", id="postgres-gevent", marks=pytest.mark.postgres),
]


class Database:
    """Reads what the server really stored: sqlite3 on the file, or PostgreSQL through SQLAlchemy."""

    def __init__(self, srv, pg_url: str | None):
        self.path = srv.instance / "paja.sqlite3"
        self.engine = create_engine(normalise_url(pg_url)) if pg_url else None

    def rows(self, sql: str, **params) -> list[tuple]:
        if self.engine is not None:
            with self.engine.connect() as conn:
                return [tuple(r) for r in conn.execute(text(sql), params)]
        conn = sqlite3.connect(self.path, timeout=10)
        try:
            return conn.execute(sql.replace(":sid", "?"), tuple(params.values())).fetchall()
        finally:
            conn.close()

    def notes(self, session_id: int) -> list[tuple]:
        """(id, author's token hash, client id, text, group number, visible) of the session's notes."""
        return [(i, p, c, t, g, not h and m is None) for i, p, c, t, g, h, m in self.rows(
            'SELECT n.id, p.token_hash, n.client_id, n.text, g.number, n.hidden, n.merged_into_id '
            'FROM note n JOIN "group" g ON g.id = n.group_id JOIN participant p ON p.id = n.participant_id '
            'WHERE n.session_id = :sid ORDER BY n.id',
            sid=session_id)]

    def votes(self, session_id: int) -> dict[str, list[int]]:
        votes: dict[str, list[int]] = {}
        for participant, note in self.rows(
                'SELECT p.token_hash, v.note_id FROM vote v JOIN note n ON n.id = v.note_id '
                'JOIN participant p ON p.id = v.participant_id '
                'WHERE n.session_id = :sid ORDER BY v.id', sid=session_id):
            votes.setdefault(participant, []).append(note)
        return votes

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


class Stream(threading.Thread):
    """Writing groups write, voting groups tap their votes, everyone retries overdue notes."""

    def __init__(self, writers: list[Phone], voters: list[Phone], phones: list[Phone]):
        super().__init__(name="stream", daemon=True)
        self.writers, self.voters, self.phones = writers, voters, phones
        self.stop = threading.Event()
        # Half of each phone's notes and taps wait for the crash, so that some are written while the
        # server is down and some taps come after the restart, however slow this machine is.
        self.crashed = threading.Event()
        self.rng = random.Random(7)
        self.error: BaseException | None = None
        self.written = {p.label: 0 for p in writers}
        self.taps = {p.label: 0 for p in voters}

    def done(self) -> bool:
        return all(n >= STREAM_NOTES for n in self.written.values()) and all(
            n >= VOTE_TAPS for n in self.taps.values())

    def run(self):
        try:
            start = time.monotonic()
            due = {p.label: start + self.rng.uniform(0, PACE) for p in self.writers + self.voters}
            while not self.stop.is_set():  # retries go on after the last note, as in board.js
                now = time.monotonic()
                for p in self.writers:
                    if self.written[p.label] < self.allowed(STREAM_NOTES) and now >= due[p.label]:
                        # Written whether or not the server is up: it waits in the outbox.
                        self.written[p.label] += 1
                        p.write(f"{p.label} muistiinpano {self.written[p.label]} – yhteinen kalenteri 🎉")
                        due[p.label] = now + PACE
                for p in self.voters:
                    if self.taps[p.label] < self.allowed(VOTE_TAPS) and now >= due[p.label] and p.connected \
                            and not p.vote_waiting():
                        self.tap(p)
                        due[p.label] = now + PACE
                for p in self.phones:
                    p.retry_overdue()
                time.sleep(0.02)
        except BaseException as exc:
            self.error = exc

    def allowed(self, total: int) -> int:
        return total if self.crashed.is_set() else total // 2

    def tap(self, p: Phone) -> None:
        with p.lock:
            mine, notes = list(p.my_votes), sorted(p.view)
        if len(mine) < 3:
            choices = [n for n in notes if n not in mine]
            if not choices:
                return
            sent = p.vote(self.rng.choice(choices), True)
        else:
            sent = p.vote(self.rng.choice(mine), False)
        if sent:
            self.taps[p.label] += 1


@pytest.mark.parametrize("database,mode", VARIANTS)
def test_sigkill_mid_stream_loses_and_doubles_nothing(request, server_factory, database, mode):
    t0 = time.monotonic()
    pg_url = request.getfixturevalue("pg_url") if database == "postgres" else None
    srv = server_factory(mode, {"DATABASE_URL": pg_url} if pg_url else {})
    demo = srv.create_demo()
    srv.start()
    db = Database(srv, pg_url)
    phones: list[Phone] = []
    clients = []
    fac = None
    stream = None
    try:
        joined = join_many(srv.url, demo["code"], PHONES, MUNICIPALITIES)
        session_id = joined[0]["session"]
        fac = Facilitator(srv.url, demo["email"], demo["password"], session_id)
        fac.start_group_work(GROUPS)

        phones = [Phone(srv.url, j, f"p{i:02d}") for i, j in enumerate(joined)]
        screen = Screen(srv.url, demo["screen"].rsplit("/", 1)[1])
        clients = [*phones, screen]
        start_all(clients)
        wait_until(lambda: all(p.group is not None for p in phones), 30, what="every phone's flipchart")

        # Warm-up: every group gets notes to vote on.
        for p in phones:
            for i in range(WARMUP_NOTES):
                p.write(f"{p.label} alku {i}")
        wait_until(lambda: all(p.settled for p in phones), 60, what="warm-up notes acknowledged")
        voting_groups = {n for n in range(1, GROUPS + 1) if n % 2}
        for number in sorted(voting_groups):
            fac.post("board/voting", action="open", group=str(number))
        voters = [p for p in phones if p.group in voting_groups]
        writers = [p for p in phones if p.group not in voting_groups]
        assert voters and writers
        wait_until(lambda: all(p.voting == "open" for p in voters), 30, what="voting open on the voters' phones")
        setup = time.monotonic() - t0

        # The stream, and SIGKILL in the middle of it.
        stream = Stream(writers, voters, phones)
        stream.start()
        streamed = len(writers) * STREAM_NOTES
        def acked_streamed() -> int:
            return sum(len(p.acked) for p in writers) - len(writers) * WARMUP_NOTES

        wait_until(lambda: acked_streamed() >= KILL_AFTER * streamed / 2 or stream.error, 60, 0.005,
                   what="part of the stream's first half acknowledged")
        srv.proc.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        stream.crashed.set()
        srv.proc.wait(10)
        acked_at_kill = {p.label: dict(p.acked) for p in phones}
        votes_at_kill = sum(p.vote_acks for p in voters)
        time.sleep(0.5)  # phones notice, keep writing into their outboxes
        down_writes = sum(1 for p in writers for t in p.written_at.values() if t > killed_at)
        before_crash = srv.output()
        srv.log = srv.instance / f"server-{srv.port}-restarted.log"
        srv.start()
        restarted_at = time.monotonic()

        wait_until(lambda: all(p.connected for p in clients), 60, what="every client reconnected by itself")
        reconnected = time.monotonic() - restarted_at
        wait_until(lambda: stream.done() or stream.error, 60, what="the stream to finish")
        wait_until(lambda: all(p.settled for p in phones) or stream.error, 60, what="every outbox empty",
                   detail=lambda: [(p.label, p.connected, len(p.outbox)) for p in phones if not p.settled])
        # Recovery: until the last note written before the restart (in flight or offline) is acknowledged.
        recovered = max(p.acked_at[cid] for p in phones for cid, at in p.written_at.items()
                        if at < restarted_at and cid not in acked_at_kill[p.label]) - restarted_at
        stream.stop.set()
        stream.join(5)
        assert stream.error is None, stream.error
        # Settled: nothing arrives for a moment.
        wait_until(lambda: time.monotonic() - max(c.last_event for c in clients) > 1.0, 30, what="quiet")

        # 1. Every acknowledged note is stored exactly once, under the acknowledged id.
        stored = db.notes(session_id)
        by_key = {}
        for row in stored:
            by_key.setdefault((row[1], row[2]), []).append(row)
        for p in phones:
            assert not p.refused, (p.label, p.refused)
            for client_id, note in acked_at_kill[p.label].items():
                rows = by_key.get((p.token_hash, client_id), [])
                assert len(rows) == 1, f"acknowledged before the crash, stored {len(rows)}×: {p.label} {client_id}"
                assert rows[0][0] == note["id"] and rows[0][3] == note["text"]
            for client_id, ids in p.ack_ids.items():
                assert len(ids) == 1, f"one note acknowledged under several ids: {client_id} {ids}"
        # 2. Nothing written is missing, nothing extra: outboxes re-sent after the reconnect.
        written = {(p.token_hash, cid): text for p in phones for cid, text in p.written.items()}
        assert {k: rows[0][3] for k, rows in by_key.items()} == written
        assert all(len(rows) == 1 for rows in by_key.values())
        assert len(stored) == PHONES * WARMUP_NOTES + streamed
        # 3. Everyone reconnected by itself; the crash really was mid-stream.
        assert all(c.connects >= 2 for c in clients), [(c.label, c.connects) for c in clients if c.connects < 2]
        acked_pre = sum(len(a) for a in acked_at_kill.values()) - PHONES * WARMUP_NOTES
        assert 0 < acked_pre < streamed and down_writes > 0
        # 4. Every view equals the database.
        visible: dict[int, dict[int, str]] = {n: {} for n in range(1, GROUPS + 1)}
        for note_id, _p, _c, body, group, shown in stored:
            if shown:
                visible[group][note_id] = body
        for p in phones:
            assert p.view == visible[p.group], f"{p.label} (group {p.group}) sees a different flipchart"
        assert {g: v for g, v in screen.view.items() if v} == {g: v for g, v in visible.items() if v}
        # 5. Votes: every voter's own votes are the database's; three at most, never one note twice.
        votes = db.votes(session_id)
        for p in voters:
            mine = votes.get(p.token_hash, [])
            assert sorted(p.my_votes) == sorted(mine), (p.label, p.my_votes, mine)
            assert len(mine) <= 3 and len(set(mine)) == len(mine)
        votes_after = sum(p.vote_acks for p in voters) - votes_at_kill
        assert votes_at_kill > 0 and votes_after > 0
        for log in (before_crash, srv.output()):
            assert "Traceback" not in log, log[-3000:]

        total = time.monotonic() - t0
        print(f"\n[{database}-{mode}] {len(phones)} phones + projector, {len(stored)} notes "
              f"({acked_pre} of {streamed} streamed acknowledged before SIGKILL, {down_writes} written while down), "
              f"{sum(p.vote_acks for p in voters)} votes; restart→all reconnected {reconnected:.2f} s, "
              f"restart→every note from before it acknowledged {recovered:.2f} s; "
              f"{sum(c.connect_errors for c in clients)} reconnect attempts failed while it was down; setup {setup:.1f} s, total {total:.1f} s")
    finally:
        if stream is not None:
            stream.stop.set()
            stream.join(5)
        close_all(clients)
        if fac is not None:
            fac.close()
        srv.stop()
        db.close()


# --- a reconnect storm on PostgreSQL, on a busy machine ----------------------------------------------

STORM_PHONES = 100
STORM_GROUPS = 10
STORM_LIMIT = 10.0  # seconds from the restart until every phone has its snapshot again (issue 13)


class CountingPhone(Phone):
    """A phone that remembers when each flipchart snapshot arrived."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.boards_at: list[float] = []

    def on_board(self, data):
        super().on_board(data)
        self.boards_at.append(time.monotonic())


class CpuHog:
    """A process that keeps one core busy until stopped (by its pid)."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_transaction(engine, dbname: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT pid, state, now() - state_change, left(query, 80) FROM pg_stat_activity "
            "WHERE datname = :db AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"),
            {"db": dbname})]


@pytest.mark.postgres
def test_a_hundred_phones_all_come_back_after_sigkill_on_postgresql_beside_a_cpu_hog(server_factory, pg_url):
    """The storm is measured against this run's own pace: ten phones reconnecting one after another
    beside the same CPU hog, just before the crash. A hundred at once must not take longer than twice
    a hundred one by one (nor than STORM_LIMIT, whichever is more): no pool running dry, no timeouts."""
    srv = server_factory("eventlet", {"DATABASE_URL": pg_url})
    demo = srv.create_demo()
    srv.start()
    engine = create_engine(normalise_url(pg_url))
    dbname = pg_url.rsplit("/", 1)[1]
    phones: list[CountingPhone] = []
    hog = None
    try:
        joined = join_many(srv.url, demo["code"], STORM_PHONES, MUNICIPALITIES)
        fac = Facilitator(srv.url, demo["email"], demo["password"], joined[0]["session"])
        fac.start_group_work(STORM_GROUPS)
        fac.close()
        phones = [CountingPhone(srv.url, j, f"s{i:03d}") for i, j in enumerate(joined)]
        start_all(phones)
        wait_until(lambda: all(p.group is not None for p in phones), 30, what="every phone's flipchart")
        hog = CpuHog()

        # Baseline: ten phones reconnect one after another, beside the hog.
        started = time.monotonic()
        for p in phones[:10]:
            p.client.disconnect()
            asked = time.monotonic()
            p.connect()
            wait_until(lambda p=p, asked=asked: p.boards_at and p.boards_at[-1] > asked, 10, what="a snapshot after reconnecting")
        one_by_one = (time.monotonic() - started) / 10

        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait(10)
        wait_until(lambda: not any(p.connected for p in phones), 20, what="every phone noticing the crash")
        srv.log = srv.instance / f"server-{srv.port}-restarted.log"
        restarted = time.monotonic()
        srv.start()
        answering = time.monotonic()
        cpu_at_start = cpu_seconds(srv.proc.pid)
        peak = 0
        lingering: list[tuple] = []

        def all_back() -> bool:
            nonlocal peak
            rows = in_transaction(engine, dbname)
            peak = max(peak, len(rows))
            lingering.extend(row for row in rows if row[2].total_seconds() > 5.0)
            return all(p.connected and p.boards_at and p.boards_at[-1] > restarted for p in phones)

        wait_until(all_back, 120, 0.2, what="every phone back with its snapshot",
                   detail=lambda: sum(1 for p in phones if p.boards_at and p.boards_at[-1] > restarted))
        storm_cpu = cpu_seconds(srv.proc.pid) - cpu_at_start
        hog.stop()
        back = sorted(p.boards_at[-1] - answering for p in phones)
        limit = max(STORM_LIMIT, 2 * STORM_PHONES * one_by_one)
        print(f"\n{STORM_PHONES} phones beside a CPU hog: restart→answering {answering - restarted:.2f} s; then back "
              f"median {back[len(back) // 2]:.2f} s, p90 {back[int(len(back) * 0.9)]:.2f} s, last {back[-1]:.2f} s "
              f"(one by one {one_by_one:.3f} s a phone, limit {limit:.1f} s); "
              f"at most {peak} connections idle in transaction; the server used {storm_cpu:.2f} s of CPU")

        assert back[-1] <= limit, back
        log = srv.output()
        assert "QueuePool limit" not in log and "Traceback" not in log, log[-3000:]
        # Whole-state reads take turns within the pool's 10 kept connections (the overflow stays free for
        # notes and votes; a disconnect or a ping may hold one more); a connection waits in an open
        # transaction only while its turn runs. (Without the turns: 27–29 of the 30.)
        assert peak < 15 and not lingering, (peak, lingering)
        wait_until(lambda: not in_transaction(engine, dbname), 5, what="no connection idle in transaction",
                   detail=lambda: in_transaction(engine, dbname))
    finally:
        if hog is not None:
            hog.stop()
        close_all(phones)
        srv.stop()
        engine.dispose()
