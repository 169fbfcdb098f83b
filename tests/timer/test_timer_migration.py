"""Migration 0007: running and paused timers move from session columns to timer_state, and back.

SQLite drops a column by copying the session table: nothing that refers to a session (its
participants here) may be lost on the way.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from workshop import create_app
from workshop.db import engine, get_db
from workshop.models import Session
from workshop.timer import service as timer

from tests.migrations import migrate, session_columns

ENDS = datetime(2026, 12, 1, 16, 5, tzinfo=UTC)


def evening_at_0006(app) -> None:
    """A facilitator with three workshops (a running timer, a paused one, one never used); a participant."""
    migrate(app, "0006")
    with app.app_context(), engine().begin() as conn:
        conn.execute(text("INSERT INTO facilitator (id, email, name, password_hash, created_at) "
                          "VALUES (1, 'f@example.fi', 'F', 'x', :now)"), {"now": ENDS})
        for sid, ends_at, remaining, label in ((1, ENDS, None, "Ryhmätyö"), (2, None, 210, None),
                                               (3, None, None, None)):
            conn.execute(text(
                "INSERT INTO session (id, facilitator_id, title, screen_token, phase, seq, is_open, created_at, "
                "allow_vote_stacking, locked, timer_ends_at, timer_remaining, timer_label) "
                "VALUES (:id, 1, 'Paja', :token, 'lobby', 0, :yes, :now, :no, :no, :ends, :remaining, :label)"),
                {"id": sid, "token": f"screen-{sid}", "yes": True, "no": False, "now": ENDS, "ends": ends_at,
                 "remaining": remaining, "label": label})
        conn.execute(text("INSERT INTO participant (id, session_id, token_hash, municipality, background, "
                          "is_contact_person, joined_at, removed) VALUES (1, 1, 'h', '320', 'ngo', :no, :now, :no)"),
                     {"no": False, "now": ENDS})


def assert_timers_carried_over(app) -> None:
    with app.app_context():
        db = get_db()
        running, paused, unused = (db.get(Session, sid) for sid in (1, 2, 3))
        assert timer.state(running, now=ENDS)["ends_at"] == "2026-12-01T16:05:00.000Z"
        assert timer.label(running) == "Ryhmätyö" and timer.is_running(running)
        assert timer.is_paused(paused) and timer.remaining_seconds(paused) == 210
        assert unused.timer_state is None and not timer.is_active(unused)
        assert [p.id for p in running.participants] == [1]


def check_migration(app) -> None:
    evening_at_0006(app)
    migrate(app, "head")
    assert not {"timer_ends_at", "timer_remaining", "timer_label"} & session_columns(app)
    assert_timers_carried_over(app)

    migrate(app, "0006", down=True)  # and back: the columns hold the timers again
    with app.app_context(), engine().connect() as conn:
        rows = conn.execute(text("SELECT id, timer_ends_at, timer_remaining, timer_label FROM session "
                                 "ORDER BY id")).all()
    assert [(r[0], r[1] is not None, r[2], r[3]) for r in rows] == [
        (1, True, None, "Ryhmätyö"), (2, False, 210, None), (3, False, None, None)]
    assert "timer_state" not in inspect_tables(app)
    with app.app_context(), engine().connect() as conn:
        assert conn.execute(text("SELECT session_id FROM participant")).scalars().all() == [1]

    migrate(app, "head")
    assert_timers_carried_over(app)


def inspect_tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(engine()).get_table_names())


def test_sqlite_timers_move_to_their_table(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}",
                      "SECRET_KEY": "x", "PAJA_ASYNC_MODE": "threading", "TESTING": True})
    check_migration(app)


@pytest.mark.postgres
def test_postgres_timers_move_to_their_table(pg_url, tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": pg_url, "SECRET_KEY": "x",
                      "PAJA_ASYNC_MODE": "threading", "TESTING": True})
    try:
        check_migration(app)
    finally:
        app.extensions["paja_engine"].dispose()
