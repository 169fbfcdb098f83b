"""Network faults against the real server: phones that drop and come back, a slow phone, a client
that never reads. The server keeps serving everyone else (acknowledgements within 2 s) and does not
wait on a stuck client: it disconnects it.

"Within 2 s" is on a calm machine: each test first measures the healthy pace of this run (the phones
write a few notes at the test's pace, nothing going wrong) and on a slower machine (a busy CI runner, CPU hogs: `make
test-under-load`) allows CALM_FACTOR times that instead.

The server runs with short Engine.IO pings (2 s + 2 s) and a send queue of 256 kB per socket so
that the bounds are reached within the test's time.
"""
from __future__ import annotations

import os
import random
import sqlite3
import time

import pytest

from tests.live_phones import (
    Facilitator,
    Phone,
    Screen,
    StuckClient,
    close_all,
    join_many,
    start_all,
    wait_until,
)

pytestmark = pytest.mark.server

MODES = ["eventlet", "gevent"]
MUNICIPALITIES = ["320", "583", "614", "732", "742"]
# The Engine.IO ping window, short so that the bounds are reached within the test's time. It is the one
# setting fixed before anything can be measured: scripts/under_load.py widens it (PAJA_TEST_PING=5), as a
# starved test process answers pings late and healthy phones would be cut.
PING_INTERVAL = PING_TIMEOUT = float(os.environ.get("PAJA_TEST_PING", "2"))
SERVED_WITHIN = 2.0  # seconds: every healthy phone's acknowledgement, on a calm machine
CALM_FACTOR = 4  # … or this many times the slowest acknowledgement of the same run's calm start
# 280 characters that JSON-escape to 12 bytes each: a note of ~3.4 kB on the wire.
LONG = "🎉" * 280
QUEUE_FULL = "does not read"  # what the server logs when it drops a socket whose send queue is full


@pytest.fixture(scope="module", params=MODES)
def server(request, server_factory):
    srv = server_factory(request.param, {"PAJA_PING_INTERVAL": str(PING_INTERVAL),
                                         "PAJA_PING_TIMEOUT": str(PING_TIMEOUT),
                                         "PAJA_SEND_QUEUE_BYTES": str(256 * 1024)})
    srv.start()
    return srv


class Evening:
    """A fresh demo workshop on the module's server: phones joined over HTTP, groups published."""

    def __init__(self, srv, phones: int, groups: int, **phone_options):
        self.srv = srv
        self.demo = srv.create_demo()
        self.joined = join_many(srv.url, self.demo["code"], phones, MUNICIPALITIES)
        self.session_id = self.joined[0]["session"]
        self.fac = Facilitator(srv.url, self.demo["email"], self.demo["password"], self.session_id)
        self.fac.start_group_work(groups)
        self.clients = []
        self.phones = [self.add(Phone(srv.url, j, f"p{i:02d}", **phone_options)) for i, j in enumerate(self.joined)]

    def add(self, client):
        self.clients.append(client)
        return client

    def screen(self) -> Screen:
        return self.add(Screen(self.srv.url, self.demo["screen"].rsplit("/", 1)[1]))

    def start(self) -> None:
        start_all(self.clients)
        wait_until(lambda: all(p.group is not None for p in self.phones), 30, what="every phone's flipchart")

    def calibrate(self, phones=None, notes: int = 3, pace: float = 0.1) -> float:
        """This run's healthy pace: the phones write as the test will, a few notes each, with nothing
        going wrong. Sets (and
        returns) `served_within`, the acknowledgement limit for the rest of the test: SERVED_WITHIN, or
        CALM_FACTOR × the slowest calm acknowledgement on a machine slower than that; the phones re-send
        after that long, and only acknowledgements sent from now on are held to it (assert_served)."""
        phones = self.phones if phones is None else phones
        for p in phones:
            p.ack_timeout = 60.0  # no re-sends while measuring
        write_stream(phones, notes, pace, lambda p, n: f"{p.label} aluksi {n}")
        calm = max(lat for p in phones for _sent, lat in p.ack_latency)
        self.served_within = max(SERVED_WITHIN, CALM_FACTOR * calm)
        self.calibrated_at = time.monotonic()
        for p in phones:
            p.ack_timeout = self.served_within
        return self.served_within

    def stored(self) -> list[tuple]:
        """(id, author's token hash, client id, text, group number) of the workshop's visible notes."""
        conn = sqlite3.connect(self.srv.instance / "paja.sqlite3", timeout=10)
        try:
            return conn.execute(
                'SELECT n.id, p.token_hash, n.client_id, n.text, g.number FROM note n '
                'JOIN "group" g ON g.id = n.group_id JOIN participant p ON p.id = n.participant_id '
                'WHERE n.session_id = ? AND NOT n.hidden '
                'AND n.merged_into_id IS NULL ORDER BY n.id', (self.session_id,)).fetchall()
        finally:
            conn.close()

    def away(self) -> int:
        """Participants of the workshop whose last connection has ended."""
        conn = sqlite3.connect(self.srv.instance / "paja.sqlite3", timeout=10)
        try:
            return conn.execute("SELECT count(*) FROM participant WHERE session_id = ? AND left_at IS NOT NULL",
                                (self.session_id,)).fetchone()[0]
        finally:
            conn.close()

    def check_consistent(self, phones=None) -> list[tuple]:
        """Every note written is stored once; every phone's flipchart equals its group's in the database."""
        phones = self.phones if phones is None else phones
        stored = self.stored()
        keys = [(p, c) for _i, p, c, _t, _g in stored]
        assert len(keys) == len(set(keys)), "a note was stored twice"
        written = {(p.token_hash, cid): text for p in self.phones for cid, text in p.written.items()}
        assert {(p, c): t for _i, p, c, t, _g in stored} == written
        for p in phones:
            assert not p.refused, (p.label, p.refused)
            mine = {i: t for i, _p, _c, t, g in stored if g == p.group}
            assert p.view == mine, f"{p.label} (group {p.group}) sees a different flipchart"
        return stored

    def close(self) -> None:
        close_all(self.clients)
        self.fac.close()


@pytest.fixture
def evening(server):
    made = []

    def make(phones, groups, **options):
        made.append(Evening(server, phones, groups, **options))
        return made[-1]

    yield make
    for e in made:
        e.close()


def write_stream(phones: list[Phone], notes_each: int, pace: float, text, during=None, timeout: float = 60):
    """Every phone writes `notes_each` notes, one per `pace` seconds; overdue notes are re-sent; `during`
    runs every tick (faults). Returns when every phone has written its notes and emptied its outbox."""
    rng = random.Random(3)
    due = {p.label: time.monotonic() + rng.uniform(0, pace) for p in phones}
    written = {p.label: 0 for p in phones}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = time.monotonic()
        for p in phones:
            if written[p.label] < notes_each and now >= due[p.label]:
                written[p.label] += 1
                p.write(text(p, written[p.label]))
                due[p.label] = now + pace
            p.retry_overdue()
        if during:
            during()
        if all(n >= notes_each for n in written.values()) and all(p.settled for p in phones):
            return
        time.sleep(0.02)
    raise AssertionError("the stream did not finish: " + str(
        [(p.label, p.connected, len(p.outbox)) for p in phones if not p.settled]))


def assert_served(phones: list[Phone], e: Evening) -> float:
    """Each note was acknowledged on its first sending, those after the calibration within its limit."""
    worst = max(lat for p in phones for sent, lat in p.ack_latency if sent >= e.calibrated_at)
    assert worst < e.served_within, (f"a healthy phone waited {worst:.2f} s for an acknowledgement "
                                     f"(limit {e.served_within:.2f} s from this run's calm start)")
    for p in phones:
        assert p.sends == len(p.written) == len(p.acked), (p.label, p.sends, len(p.written), len(p.acked))
    return worst


def quiet(clients, seconds=1.0, timeout=30):
    wait_until(lambda: time.monotonic() - max(c.last_event for c in clients) > seconds, timeout, what="quiet")


# --- phones that drop and come back --------------------------------------------------------------

def test_dropped_phones_come_back_and_resend(evening):
    """Half of the phones lose their connection abruptly, again and again, while everyone writes; they
    reconnect by themselves and re-send their outboxes. Nothing is lost or doubled; the phones that
    kept their connection were served within 2 s all along."""
    e = evening(24, 4)
    screen = e.screen()
    e.start()
    e.calibrate(pace=0.2)
    flaky = e.phones[::2]
    steady = e.phones[1::2]
    rng = random.Random(11)
    drops = []
    next_drop = [time.monotonic() + 0.2]

    def chaos():
        # A connected flaky phone drops every 0.1 s (one still reconnecting is not chosen: every
        # attempt is a real drop, however long a reconnect takes on a busy machine).
        if time.monotonic() >= next_drop[0] and len(drops) < 30:
            connected = [p for p in flaky if p.connected]
            if connected:
                victim = rng.choice(connected)
                victim.drop()
                drops.append(victim.label)
            next_drop[0] = time.monotonic() + 0.1

    write_stream(e.phones, 10, 0.2, lambda p, n: f"{p.label} nro {n}: kyläkoulun kerhotilat iltaisin", chaos)
    quiet(e.clients)
    stored = e.check_consistent()
    assert len(stored) == 24 * 3 + 240 and len(drops) >= 20
    for p in flaky:
        assert p.connects >= 1 + drops.count(p.label), (p.label, p.connects, drops.count(p.label))
    assert sum(p.sends - len(p.written) for p in flaky) > 0, "no note had to be re-sent"
    worst = assert_served(steady, e)
    visible = {}
    for note_id, _p, _c, body, group in stored:
        visible.setdefault(group, {})[note_id] = body
    assert {g: v for g, v in screen.view.items() if v} == visible
    print(f"\n[{e.srv.mode}] {len(drops)} drops of {len(flaky)} phones, {len(stored)} notes once each; "
          f"{sum(p.sends - len(p.written) for p in flaky)} re-sends; steady phones' slowest ack {worst:.2f} s "
          f"(limit {e.served_within:.2f} s)")


# --- a slow phone --------------------------------------------------------------------------------

def test_slow_phone_does_not_slow_the_others(evening):
    """One phone spends 0.15 s in every event handler (an old phone, a busy page) while its group writes
    fast. The others are served within 2 s; the slow phone ends up with the right flipchart (catching
    up, or disconnected by the ping timeout and given a fresh snapshot when it comes back)."""
    e = evening(16, 2)
    e.start()
    e.calibrate()
    slow_group = e.phones[0].group
    slow = Phone(e.srv.url, e.joined[0], "slow", slow=0.15)  # a second phone of the same participant
    e.add(slow).connect()
    wait_until(lambda: slow.group == slow_group, 10, what="the slow phone's flipchart")
    writers = e.phones[1:]
    started = time.monotonic()
    write_stream(writers, 12, 0.1, lambda p, n: f"{p.label} {n} {LONG[:100]}")
    stream_time = time.monotonic() - started
    worst = assert_served(writers, e)
    wait_until(lambda: slow.connected and slow.view == {i: t for i, _p, _c, t, g in e.stored() if g == slow_group},
               30, 0.2, what="the slow phone to catch up")
    quiet(e.clients)
    e.check_consistent([*writers, slow])
    print(f"\n[{e.srv.mode}] {len(writers)} phones wrote {12 * len(writers)} notes in {stream_time:.1f} s, slowest "
          f"ack {worst:.2f} s (limit {e.served_within:.2f} s); the slow phone was disconnected {slow.disconnects}× and caught up "
          f"{time.monotonic() - started - stream_time:.1f} s after the stream")


# --- a client that never reads -------------------------------------------------------------------

def test_silent_stuck_client_is_disconnected(server, evening):
    """A projector that completes the handshake and then neither reads nor answers pings: the server
    closes the connection after the ping timeout, even with nothing to send to it."""
    e = evening(2, 1)
    e.start()
    e.calibrate()
    stuck = StuckClient(server.port, {"role": "screen", "token": e.demo["screen"].rsplit("/", 1)[1]})
    try:
        assert stuck.server_side_state() == "ESTABLISHED"
        started = time.monotonic()
        bound = 2 * (PING_INTERVAL + PING_TIMEOUT) + 2 * e.served_within
        wait_until(lambda: stuck.server_side_state() != "ESTABLISHED", bound, 0.1,
                   what="the server to close the silent client's connection")
        print(f"\n[{server.mode}] silent client closed by the server after {time.monotonic() - started:.1f} s")
    finally:
        stuck.close()


def test_client_that_never_reads_does_not_hold_up_the_others(server, evening):
    """A projector stops reading but stays alive (it keeps answering pings blindly, so the ping
    timeout never fires) while 16 phones in 4 groups write long notes as fast as allowed. Every note
    is broadcast to it (800 kB in all): the server disconnects it once 256 kB wait in its queue and
    closes its connection, instead of waiting for it; the phones are served within 2 s all along."""
    e = evening(16, 4)
    e.start()
    e.calibrate()
    stuck = StuckClient(server.port, {"role": "screen", "token": e.demo["screen"].rsplit("/", 1)[1]})
    stuck.keep_alive()
    drops_before = server.output().count(QUEUE_FULL)
    closed_at = []
    try:
        started = time.monotonic()

        def watch():
            if not closed_at and stuck.server_side_state() != "ESTABLISHED":
                closed_at.append(time.monotonic() - started)

        write_stream(e.phones, 15, 0.1, lambda p, n: f"{p.label}-{n} {LONG[:270]}", watch)
        stream_time = time.monotonic() - started
        worst = assert_served(e.phones, e)
        # Dropped because its queue was full (the log says so), during the stream, not at a timeout.
        wait_until(lambda: server.output().count(QUEUE_FULL) > drops_before, e.served_within,
                   what="the stuck client dropped")
        assert server.output().count(QUEUE_FULL) == drops_before + 1, "a healthy phone was dropped too"
        # Its writer blocks once the kernel's buffers are full (during the stream) and times out after
        # ping_interval + ping_timeout; eventlet then spends as long again on the closing frame.
        bound = stream_time + 2 * (PING_INTERVAL + PING_TIMEOUT) + 1.5 * e.served_within
        wait_until(lambda: watch() or closed_at, max(0.1, bound - (time.monotonic() - started)), 0.1,
                   what="the server to close the stuck client's connection")
        quiet(e.clients)
        stored = e.check_consistent()
        assert len(stored) == 16 * 3 + 240
        print(f"\n[{server.mode}] 240 notes of 3.4 kB in {stream_time:.1f} s, slowest ack {worst:.2f} s "
              f"(limit {e.served_within:.2f} s); the "
              f"stuck projector was dropped at its queue's limit, connection closed after {closed_at[0]:.1f} s")
    finally:
        stuck.close()
