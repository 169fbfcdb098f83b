"""Quiet logs (issue 13, item 12): malformed Socket.IO packets, refused connections and rate-limited
requests make one warning line each in the real server's output, never a traceback."""
from __future__ import annotations

import json
import logging
import random

import pytest
import requests
import websocket

from workshop.live import quiet_logs

pytestmark = pytest.mark.server

# Engine.IO / Socket.IO text packets that are wrong in every way the parsers can meet.
MALFORMED = ["garbage", "4", "40{bad", "42[", '42["sync"', "4" + "x" * 300, "\x00\x01", "9", "", "1", "40", "41",
             "42", "43", "44", "45", "46", "47", "48", "4-1", "451-", '451-["x",{"_placeholder":true,"num":5}]',
             "42[1,2]", "42{}", "42null", '42["\\ud800"]', "43abc[]", "42/nope,[\"x\"]", "4" + "[" * 500]


def random_packets(seed: int, n: int) -> list[str | bytes]:
    rng = random.Random(seed)
    packets: list[str | bytes] = []
    for _ in range(n):
        kind = rng.choice(["text", "bytes", "prefixed"])
        if kind == "bytes":
            packets.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40))))
        else:
            body = "".join(rng.choice('[]{}",:0123456789abc\\') for _ in range(rng.randrange(0, 40)))
            packets.append((rng.choice("0123456789") + body) if kind == "text" else "4" + rng.choice("0123456") + body)
    return packets


@pytest.fixture(scope="module", params=["eventlet", "gevent"])
def server(request, server_factory):
    srv = server_factory(request.param)
    demo = srv.create_demo()
    srv.start()
    srv.screen = demo["screen"].rsplit("/", 1)[1]
    srv.code = demo["code"]
    return srv


def polling(srv, packet) -> None:
    base = f"{srv.url}/socket.io/?EIO=4&transport=polling"
    sid = json.loads(requests.get(base, timeout=5).text[1:])["sid"]
    data = packet if isinstance(packet, bytes) else packet.encode("utf-8", "surrogatepass")
    for body in (data, ("40" + json.dumps({"role": "screen", "token": srv.screen})).encode(), data):
        try:
            requests.post(f"{base}&sid={sid}", data=body, timeout=2)
        except requests.Timeout:  # a packet may leave the long-poll waiting: the log is what matters here
            pass


def over_websocket(srv, packet) -> None:
    ws = websocket.create_connection(f"ws://127.0.0.1:{srv.port}/socket.io/?EIO=4&transport=websocket", timeout=5)
    try:
        ws.recv()  # Engine.IO OPEN
        for frame in (packet, "40" + json.dumps({"role": "screen", "token": srv.screen}), packet):
            (ws.send_binary if isinstance(frame, bytes) else ws.send)(frame)
        ws.ping()
    except (websocket.WebSocketException, OSError):
        pass  # the server may close a connection that sent junk
    finally:
        ws.close()


def test_fuzzed_packets_refused_connections_and_limits_log_one_line_each(server):
    packets = MALFORMED + random_packets(13, 40)
    for packet in packets:
        over_websocket(server, packet)
    for packet in MALFORMED[:12]:
        polling(server, packet)
    for query in ("EIO=3&transport=polling", "EIO=4&transport=bogus", "EIO=x",
                  "EIO=4&transport=polling&sid=unknown", "EIO=4&transport=polling&j=x"):
        requests.get(f"{server.url}/socket.io/?{query}", timeout=5)
        requests.post(f"{server.url}/socket.io/?{query}", data=b"x", timeout=5)
    # A refused connection (no valid credential) and a guesser over its budget.
    ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=5)
    ws.recv()
    ws.send('40{"role":"screen","token":"not-the-token"}')
    assert ws.recv().startswith("44")
    ws.close()
    with requests.Session() as guesser:
        statuses = [guesser.get(f"{server.url}/{n:06d}", timeout=5).status_code
                    for n in range(100_000, 100_012) if f"{n:06d}" != server.code]
    assert 429 in statuses

    # The server is fine, and said so quietly.
    assert requests.get(f"{server.url}/healthz", timeout=5).json()["status"] == "ok"
    out = server.output()
    assert "Traceback" not in out, out[-4000:]
    assert "Ignored a malformed Socket.IO packet" in out
    assert "Socket.IO connection refused from 127.0.0.1" in out
    assert "too many failed join codes from 127.0.0.1" in out
    for line in out.splitlines():
        assert not line.startswith((" ", "\t")), f"a multi-line log record: {line!r}"


def test_a_bug_in_pajas_own_code_keeps_its_traceback():
    """Only the libraries' parsing of client input is shortened; an exception raised in Paja's code is not."""
    def paja_bug():
        raise ValueError("a real bug")

    try:
        paja_bug()
    except ValueError as exc:
        bug = exc
    try:
        json.loads("{bad")
    except ValueError as exc:
        parse_error = exc
    assert not quiet_logs.client_fault(bug)
    assert quiet_logs.client_fault(parse_error)
    record = logging.LogRecord("engineio.server", logging.ERROR, __file__, 1, "message handler error", (),
                               (type(bug), bug, bug.__traceback__))
    assert quiet_logs.ClientFaults().filter(record) and record.exc_info and record.levelno == logging.ERROR
