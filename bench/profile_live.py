"""Profile the live hot paths in-process: a phone's connect, a note, a vote, a phase change.

    .venv/bin/python bench/profile_live.py [--people 60] [--loops 30] [--top 20] [--only note]

One SQLite workshop in a temporary folder, `--people` phones in `--groups` groups connected through
Flask-SocketIO's test client (threading mode); each action runs `--loops` times under cProfile. It prints
Python function calls and SQL statements per action (both independent of the machine's load, unlike
time) and the top functions by own time and by cumulative time. The test client decodes every packet
it receives (flask_socketio/test_client.py): that part is the client's, not the server's, and is named
apart. bench/live_load.py measures the real server; this shows where its CPU goes, line by line.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datetime import datetime  # noqa: E402

from workshop import create_app  # noqa: E402
from workshop.accounts import service as accounts  # noqa: E402
from workshop.cli import upgrade_database  # noqa: E402
from workshop.db import get_db  # noqa: E402
from workshop.extensions import socketio  # noqa: E402
from workshop.flipchart import service as flipchart  # noqa: E402
from workshop.grouping import service as rounds  # noqa: E402
from workshop.grouping.service import RoundSettings  # noqa: E402
from workshop.models import Participant, Session  # noqa: E402
from workshop.sessions import service as sessions  # noqa: E402
from workshop.sessions.service import JoinData, SessionSpec, ThemeSpec  # noqa: E402

ACTIONS = ("connect", "note", "vote", "phase")
SHOW_SQL = False


def evening(app, people: int, groups: int = 1, notes: bool = True) -> tuple[int, list[str]]:
    with app.app_context():
        db = get_db()
        fac = accounts.create_facilitator(db, "profile@example.fi", "Profile", "profile-password-123")
        s = sessions.create_session(db, fac.id, SessionSpec(
            title="Profiili", starts_at=datetime(2026, 12, 1, 17, 30), host_municipality="320",
            municipalities=["320", "583", "732"], themes=[ThemeSpec("Osaaminen", ["Mitä ensin?"])],
            agenda=[("Info", 50), ("Ryhmätyö", 90)]))
        tokens = []
        for k in range(people):
            _p, token = sessions.join(db, s, JoinData("320", "ngo", first_name=f"P{k}"))
            tokens.append(token)
        r = rounds.create_round(db, s, RoundSettings("manual", group_count=groups))
        rounds.publish_round(db, s, r)
        rounds.assign_questions(db, s, r, "same", s.themes[0].questions[0].id)
        sessions.set_phase(db, s, "groupwork")
        for p in db.query(Participant).filter_by(session_id=s.id) if notes else []:
            flipchart.add_note(db, s, p, f"client-{p.id:08d}", f"note {p.id}")
        return s.id, tokens


def phone(app, session_id: int, token: str):
    client = app.test_client()
    client.set_cookie(f"paja_p{session_id}", token)
    with client.session_transaction() as cookie:  # as after the join form: a CSRF token and the join code
        cookie["csrf_token"] = "0" * 40
        cookie["codes"] = ["123456"]
    return socketio.test_client(app, auth={"role": "participant", "session": session_id}, flask_test_client=client)


class Counter:
    def __init__(self, app):
        self.engine, self.n = app.extensions["paja_engine"], 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, _conn, _cursor, statement, *_args):
        self.n += 1
        if SHOW_SQL:
            print("   SQL:", " ".join(statement.split())[:150])


class Profile(cProfile.Profile):
    """cProfile that leaves out the test client's own decoding of each packet the server sends (a real
    server hands the encoded packet to the socket's queue instead)."""

    def __init__(self):
        super().__init__()
        self.sent = 0
        server, profile = socketio.server, self
        self._server, self._class = server, type(server)

        def wrap(send):
            def sent_unprofiled(eio_sid, pkt):
                profile.disable()
                try:
                    profile.sent += 1
                    send(eio_sid, pkt)
                finally:
                    profile.enable()
            return sent_unprofiled

        class Server(self._class):  # every test client sets its own _send_eio_packet: wrap each
            _send_eio_packet = property(lambda srv: srv.__dict__["_send_eio_packet_wrapped"],
                                        lambda srv, fn: srv.__dict__.__setitem__("_send_eio_packet_wrapped", wrap(fn)))

        current = server.__dict__.pop("_send_eio_packet", None)
        server.__class__ = Server
        server._send_eio_packet = current or self._class._send_eio_packet.__get__(server)

    def restore(self):
        fn = self._server.__dict__.pop("_send_eio_packet_wrapped").__closure__
        self._server.__class__ = self._class
        self._server._send_eio_packet = next(c.cell_contents for c in fn if callable(c.cell_contents))


def report(name: str, prof: Profile, loops: int, statements: int, top: int) -> None:
    prof.restore()
    stats = pstats.Stats(prof)
    calls = sum(v[1] for v in stats.stats.values())
    print(f"\n=== {name}: {calls / loops:,.0f} function calls per action (the test client's decoding left out), "
          f"{statements / loops:.1f} SQL statements, {prof.sent / loops:.1f} packets sent")
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats(key).print_stats(top)
        body = out.getvalue().split("ncalls", 1)[1]
        print(f"--- by {key}\n   ncalls" + "\n".join(line[:160] for line in body.splitlines()[:top + 1]))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=60, help="phones (default 60)")
    p.add_argument("--groups", type=int, default=1, help="groups they sit in (default 1; the bench: people / 6)")
    p.add_argument("--empty", action="store_true", help="no notes on the boards before (as in the bench)")
    p.add_argument("--loops", type=int, default=30)
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--only", choices=ACTIONS, action="append")
    p.add_argument("--sql", action="store_true", help="print each statement (use with --loops 1)")
    args = p.parse_args()
    global SHOW_SQL
    SHOW_SQL = args.sql
    folder = Path(tempfile.mkdtemp(prefix="paja-profile-"))
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(folder), "SECRET_KEY": "profile-secret",
                      "DATABASE_URL": f"sqlite:///{folder / 'profile.sqlite3'}", "LOBBY_EVERY_SECONDS": 0,
                      "PAJA_ASYNC_MODE": "threading"})
    with app.app_context():
        upgrade_database()
    session_id, tokens = evening(app, args.people, args.groups, notes=not args.empty)
    only = args.only or ACTIONS
    loops = min(args.loops, len(tokens) // 2)
    phones = [phone(app, session_id, t) for t in tokens[loops:]]  # the room the actions fan out to
    if "connect" in only:
        prof = Profile()
        with Counter(app) as c:
            prof.enable()
            extra = [phone(app, session_id, t) for t in tokens[:loops]]
            prof.disable()
        report("connect", prof, loops, c.n, args.top)
        for sio in extra:
            sio.disconnect()
    sio = phones[0]
    for ph in phones:
        ph.get_received()
    args.loops = min(args.loops, len(phones))
    if "note" in only:
        prof = Profile()
        with Counter(app) as c:
            prof.enable()
            for k in range(args.loops):
                note = {"client_id": f"profile-note-{k:06d}", "text": f"note {k}"}
                ack = phones[k % len(phones)].emit("note_add", note, callback=True)
                assert ack["ok"], ack
            prof.disable()
        report(f"note ({len(phones)} phones connected)", prof, args.loops, c.n, args.top)
    if "vote" in only:
        with app.app_context():
            db = get_db()
            s = db.get(Session, session_id)
            flipchart.open_voting(db, s, rounds.current_round(db, s))
        notes = [n["id"] for m in sio.get_received() if m["name"] == "note" for n in m["args"]]
        prof = Profile()
        with Counter(app) as c:
            prof.enable()
            for k in range(args.loops):
                sio.emit("vote", {"note_id": notes[k % len(notes)], "on": k % 2 == 0}, callback=True)
            prof.disable()
        report("vote", prof, args.loops, c.n, args.top)
    if "phase" in only:
        fac = app.test_client()
        with app.app_context():
            fac_id = get_db().get(Session, session_id).facilitator_id
        with fac.session_transaction() as cookie:
            cookie["fid"] = fac_id
        prof = Profile()
        with Counter(app) as c:
            prof.enable()
            for k in range(args.loops):
                with app.app_context():
                    db = get_db()
                    sessions.set_phase(db, db.get(Session, session_id), "presentation" if k % 2 else "groupwork")
            prof.disable()
        report(f"phase change (service and fan-out, {len(phones)} phones)", prof, args.loops, c.n, args.top)


if __name__ == "__main__":
    main()
