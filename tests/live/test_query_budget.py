"""The live hot paths run a fixed number of SQL statements, whatever the size of the evening.

The load benchmark (bench/live_load.py, docs/performance.md) measures what these paths cost; this test
keeps them from growing back: a phone's (re)connect, a note, a vote, a join and a late arrival's join
(placed in a group of a published round) are counted with 6 and with 60 people in the group or room,
and the counts must be equal (no query per member, per note or per participant) and within the budget
written here.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from workshop import create_app
from workshop.cli import upgrade_database
from workshop.db import get_db
from workshop.extensions import socketio
from workshop.flipchart import service as flipchart
from workshop.grouping import service as rounds
from workshop.grouping.service import RoundSettings
from workshop.models import Participant, Session
from workshop.sessions import service as sessions
from workshop.sessions.service import JoinData

from ..helpers import gen_facilitator, gen_session

# Statements (SELECT/INSERT/UPDATE; BEGIN and COMMIT are not counted) per action; before the live-at-scale
# work they were connect 27 (81 with 60 in the group), note 9, vote 17 (71), join 5; connect 11 until the
# phone's row and its workshop came in one query. A late arrival (joining after the groups are out) was 20
# statements with 6 in the room and 74 with 60 (each member's group and person loaded one by one) until
# grouping.service.with_members.
BUDGET = {"connect": 10, "note": 4, "vote": 7, "join": 5, "late_arrival": 12}


@contextmanager
def counted(app):
    statements = []
    engine = app.extensions["paja_engine"]

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def evening(app, size: int) -> tuple[int, list[str]]:
    """One group of `size` people in group work, each with a note; returns (session id, tokens)."""
    with app.app_context():
        db = get_db()
        fac = gen_facilitator(app)
        s = gen_session(app, fac.id)
        s = db.get(Session, s.id)
        tokens = []
        for k in range(size):
            _p, token = sessions.join(db, s, JoinData("320", "ngo", first_name=f"P{k}"))
            tokens.append(token)
        r = rounds.create_round(db, s, RoundSettings("manual", group_count=1))
        rounds.publish_round(db, s, r)
        rounds.assign_questions(db, s, r, "same", s.themes[0].questions[0].id)
        sessions.set_phase(db, s, "groupwork")
        for p in db.query(Participant).filter_by(session_id=s.id):
            flipchart.add_note(db, s, p, f"client-{p.id:08d}", f"note {p.id}")
        return s.id, tokens


def phone(app, session_id: int, token: str):
    client = app.test_client()
    client.set_cookie(f"paja_p{session_id}", token)
    return socketio.test_client(app, auth={"role": "participant", "session": session_id},
                                flask_test_client=client)


def measure(app, size: int) -> dict[str, int]:
    session_id, tokens = evening(app, size)
    result = {}
    with counted(app) as statements:
        sio = phone(app, session_id, tokens[0])
        assert sio.is_connected()
    result["connect"] = len(statements)
    assert any(m["name"] == "board" for m in sio.get_received())
    with counted(app) as statements:
        ack = sio.emit("note_add", {"client_id": "budget-note-0001", "text": "uusi"}, callback=True)
    assert ack["ok"], ack
    result["note"] = len(statements)
    with app.app_context():
        db = get_db()
        s = db.get(Session, session_id)
        flipchart.open_voting(db, s, rounds.current_round(db, s))
    with counted(app) as statements:
        ack = sio.emit("vote", {"note_id": ack["note"]["id"], "on": True}, callback=True)
    assert ack["ok"], ack
    result["vote"] = len(statements)
    with app.app_context(), counted(app) as statements:
        db = get_db()
        sessions.join(db, db.get(Session, session_id), JoinData("583", "officer"))
    result["join"] = len(statements)
    # Joining after the groups are out: placed in a group, which the projector and facilitator see named.
    with app.app_context(), counted(app) as statements:
        db = get_db()
        s = db.get(Session, session_id)
        late, _token = sessions.join(db, s, JoinData("732", "elected"))
        assert rounds.place_late_arrival(db, s, late) is not None
    result["late_arrival"] = len(statements)
    sio.disconnect()
    return result


def fresh_app(folder):
    folder.mkdir()
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(folder),
                      "DATABASE_URL": f"sqlite:///{folder / 'test.sqlite3'}", "SECRET_KEY": "test-secret-key",
                      "LOBBY_EVERY_SECONDS": 0,
                      "PAJA_ASYNC_MODE": "threading"})
    with app.app_context():
        upgrade_database()
    return app


def test_hot_paths_are_fixed_and_within_budget(tmp_path):
    small, large = measure(fresh_app(tmp_path / "small"), 6), measure(fresh_app(tmp_path / "large"), 60)
    assert small == large, (small, large)  # nothing per member, note or participant
    assert all(small[k] <= BUDGET[k] for k in BUDGET), (small, BUDGET)
