"""The live bench's baseline: a raw python-socketio server with Paja's wire protocol and room fan-out.

bench/live_load.py starts it as its own process beside run.py and drives it with the same client
code, so every Paja figure has a raw python-socketio figure of the same minutes beside it. It keeps
nothing but what the fan-out needs, in memory:

- ``GET/POST /<join code>``: the same join form as Paja's (a CSRF field; the POST sets the participant
  cookie ``paja_p1`` and redirects). Participant k (counted in a file shared by the workers) is in
  group k // 6 + 1; the cookie carries k, so a restarted server still knows everyone.
- Socket.IO ``connect`` with Paja's auth (participant + cookie, screen, facilitator): the phone joins
  the session room and its group's room and gets ``phase`` and ``board``; the projector and the
  facilitator join their rooms and get ``boards``.
- ``note_add``: acknowledged with the note, and sent as ``note`` to the group's room, the projector's
  room and the facilitator's room, as Paja does.
- ``ping_here``: acknowledged with the phase.
- ``POST /f/sessions/1/phase``: ``phase`` to every phone, the projector and the facilitator.

Run: python bench/baseline_server.py --port 5001 --mode eventlet --state /tmp/dir [--redis URL --channel C]
"""
from __future__ import annotations

import argparse
import os
import sys
import warnings

SESSION = 1
GROUP_SIZE = 6
# Set generously: the baseline shows what python-socketio itself can do (Paja's own sizes are Paja's).
POOL_SIZE = 20000
BACKLOG = 4096


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=("eventlet", "gevent"), default="eventlet")
    parser.add_argument("--state", required=True, help="folder of the participant counter (shared by workers)")
    parser.add_argument("--redis", help="Redis URL: several baseline workers share rooms through it")
    parser.add_argument("--channel", default="paja-bench-baseline", help="the Redis channel of these workers")
    return parser.parse_args(argv)


ARGS = parse_args()
# Async patching first, before anything else is imported (as run.py does).
if ARGS.mode == "eventlet":
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated", category=Warning)
    import eventlet
    eventlet.monkey_patch()
else:
    from gevent import monkey
    monkey.patch_all()

import fcntl  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
from http.cookies import SimpleCookie  # noqa: E402
from urllib.parse import parse_qs  # noqa: E402

import socketio  # noqa: E402

CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
JOIN_PATH_RE = re.compile(r"^/(\d{6})$")
JOIN_PAGE = ('<!doctype html><title>join</title><form method="post">'
             '<input type="hidden" name="csrf_token" value="baseline-token">'
             '<input name="municipality"><input name="background"></form>')

manager = socketio.RedisManager(ARGS.redis, channel=ARGS.channel) if ARGS.redis else None
sio = socketio.Server(async_mode=ARGS.mode, client_manager=manager, ping_interval=10, ping_timeout=10,
                      max_http_buffer_size=64 * 1024, cors_allowed_origins=None)
who: dict[str, dict] = {}  # sid -> {"role", "participant", "group"}
notes: dict[tuple[int, str], dict] = {}  # (participant, client id) -> note: a re-sent note is not stored twice
note_ids = itertools.count(os.getpid() * 1_000_000 + 1)  # unique across workers
state = {"phase": "groupwork", "seq": 0}


def next_participant() -> int:
    """Participants are counted in one file, so several workers form the same groups of six."""
    path = os.path.join(ARGS.state, "participants")
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        number = int(fh.read() or "0")
        fh.seek(0)
        fh.truncate()
        fh.write(str(number + 1))
    return number


def group_of(participant: int) -> int:
    return participant // GROUP_SIZE + 1


def phase_payload() -> dict:
    return {"phase": state["phase"], "seq": state["seq"], "open": True}


def board_payload(group: int) -> dict:
    return {"group": group, "group_id": group, "colour": "blue", "question": "?", "voting": "closed",
            "notes": [], "progress": {}, "votes_per_person": 3}


def participant_from(environ) -> int | None:
    cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    morsel = cookie.get(f"paja_p{SESSION}")
    return int(morsel.value) if morsel is not None and morsel.value.isdigit() else None


@sio.on("connect")
def on_connect(sid, environ, auth=None):
    if not isinstance(auth, dict):
        return False
    role = auth.get("role")
    if role == "participant":
        participant = participant_from(environ)
        if participant is None:
            return False
        group = group_of(participant)
        who[sid] = {"role": role, "participant": participant, "group": group}
        sio.enter_room(sid, f"s{SESSION}")
        sio.enter_room(sid, f"g{group}")
        sio.emit("phase", phase_payload(), to=sid)
        sio.emit("board", board_payload(group), to=sid)
    elif role in ("screen", "facilitator"):
        who[sid] = {"role": role}
        sio.enter_room(sid, f"s{SESSION}:screen" if role == "screen" else f"s{SESSION}:fac")
        sio.emit("phase", phase_payload(), to=sid)
        sio.emit("boards", {"round": 1, "groups": []}, to=sid)
    else:
        return False
    return True


@sio.on("disconnect")
def on_disconnect(sid, *_args):
    who.pop(sid, None)


@sio.on("note_add")
def on_note_add(sid, data=None):
    conn = who.get(sid)
    if conn is None or conn["role"] != "participant" or not isinstance(data, dict):
        return {"ok": False, "error": "bad request"}
    client_id, text = data.get("client_id"), data.get("text")
    if not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id) or not isinstance(text, str):
        return {"ok": False, "error": "bad request"}
    key = (conn["participant"], client_id)
    note = notes.get(key)
    if note is None:
        note = {"id": next(note_ids), "group": conn["group"], "text": text.strip()[:300],
                "author": conn["participant"], "edited": False}
        notes[key] = note
        sio.emit("note", note, to=f"g{conn['group']}")
        sio.emit("note", note, to=f"s{SESSION}:screen")
        sio.emit("note", {**note, "hidden": False, "merged_into": None}, to=f"s{SESSION}:fac")
    return {"ok": True, "note": note}


@sio.on("ping_here")
def on_ping_here(sid, *_args):
    return {"ok": True, **phase_payload()} if sid in who else {"ok": False}


def http_app(environ, start_response):
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
    if path == "/healthz":
        return respond(start_response, "200 OK", b"ok")
    if path == f"/f/sessions/{SESSION}/phase" and method == "POST":
        form = parse_qs(read_body(environ))
        state["phase"] = form.get("phase", ["groupwork"])[0]
        state["seq"] += 1
        payload = phase_payload()
        for room in (f"s{SESSION}", f"s{SESSION}:screen", f"s{SESSION}:fac"):
            sio.emit("phase", payload, to=room)
        return respond(start_response, "302 Found", b"", [("Location", f"/f/sessions/{SESSION}")])
    if JOIN_PATH_RE.match(path):
        if method == "POST":
            read_body(environ)
            participant = next_participant()
            cookie = f"paja_p{SESSION}={participant}; Path=/; HttpOnly; SameSite=Lax"
            return respond(start_response, "302 Found", b"", [("Location", path), ("Set-Cookie", cookie)])
        return respond(start_response, "200 OK", JOIN_PAGE.encode(), [("Content-Type", "text/html")])
    return respond(start_response, "404 Not Found", b"not found")


def read_body(environ) -> str:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(min(length, 64 * 1024)).decode() if length else ""


def respond(start_response, status: str, body: bytes, headers=()):
    start_response(status, [("Content-Length", str(len(body))), *headers])
    return [body]


def main() -> None:
    app = socketio.WSGIApp(sio, http_app)
    print(json.dumps({"baseline": ARGS.mode, "port": ARGS.port, "pid": os.getpid()}), flush=True)
    if ARGS.mode == "eventlet":
        import eventlet.wsgi
        listener = eventlet.listen(("127.0.0.1", ARGS.port), backlog=BACKLOG)
        eventlet.wsgi.server(listener, app, log_output=False, max_size=POOL_SIZE)
    else:
        from gevent.pywsgi import WSGIServer
        WSGIServer(("127.0.0.1", ARGS.port), app, log=None, backlog=BACKLOG).serve_forever()


if __name__ == "__main__":
    sys.exit(main())
