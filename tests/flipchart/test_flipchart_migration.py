"""Migration 0012: vote stacking and the presented group move from session columns to
flipchart_settings, and back.

SQLite drops a column by copying the session table: nothing that refers to a session (its
participants here) may be lost on the way.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from workshop import create_app
from workshop.cli import upgrade_database
from workshop.db import engine, get_db
from workshop.flipchart import service as flipchart
from workshop.models import Session

from tests.flipchart.evening import fac_action
from tests.migrations import migrate, session_columns

BEFORE = "0011"
NOW = datetime(2026, 12, 1, 16, 5, tzinfo=UTC)


def evening_before(app) -> None:
    """Two workshops: one presenting group 2 with stacked votes allowed, one untouched; a participant."""
    migrate(app, BEFORE)
    with app.app_context(), engine().begin() as conn:
        conn.execute(text("INSERT INTO facilitator (id, email, name, password_hash, created_at) "
                          "VALUES (1, 'f@example.fi', 'F', 'x', :now)"), {"now": NOW})
        for sid, stacking, shown in ((1, True, 2), (2, False, None)):
            conn.execute(text(
                "INSERT INTO session (id, facilitator_id, title, screen_token, phase, seq, is_open, created_at, "
                "allow_vote_stacking, presenting_group) "
                "VALUES (:id, 1, 'Paja', :token, 'presentation', 0, :yes, :now, :stacking, :shown)"),
                {"id": sid, "token": f"screen-{sid}", "yes": True, "now": NOW, "stacking": stacking, "shown": shown})
        conn.execute(text("INSERT INTO participant (id, session_id, token_hash, municipality, background, "
                          "is_contact_person, joined_at, removed) VALUES (1, 1, 'h', '320', 'ngo', :no, :now, :no)"),
                     {"no": False, "now": NOW})


def assert_settings_carried_over(app) -> None:
    with app.app_context():
        db = get_db()
        presenting, untouched = db.get(Session, 1), db.get(Session, 2)
        assert flipchart.vote_stacking_allowed(presenting) and flipchart.presenting_group(presenting) == 2
        assert not flipchart.vote_stacking_allowed(untouched) and flipchart.presenting_group(untouched) is None
        assert [p.id for p in presenting.participants] == [1]


def check_migration(app) -> None:
    evening_before(app)
    with app.app_context():
        upgrade_database()
    assert not {"allow_vote_stacking", "presenting_group"} & session_columns(app)
    assert_settings_carried_over(app)

    migrate(app, BEFORE, down=True)  # and back: the columns hold the settings again
    with app.app_context(), engine().connect() as conn:
        rows = conn.execute(text("SELECT id, allow_vote_stacking, presenting_group FROM session ORDER BY id")).all()
        assert [(r[0], bool(r[1]), r[2]) for r in rows] == [(1, True, 2), (2, False, None)]
        assert conn.execute(text("SELECT session_id FROM participant")).scalars().all() == [1]
        assert "flipchart_settings" not in inspect(conn).get_table_names()

    with app.app_context():
        upgrade_database()
    assert_settings_carried_over(app)


def test_sqlite_settings_move_to_their_table(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}",
                      "SECRET_KEY": "x", "PAJA_ASYNC_MODE": "threading", "TESTING": True})
    check_migration(app)


@pytest.mark.postgres
def test_postgres_settings_move_to_their_table(pg_url, tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": pg_url, "SECRET_KEY": "x",
                      "PAJA_ASYNC_MODE": "threading", "TESTING": True})
    try:
        check_migration(app)
    finally:
        app.extensions["paja_engine"].dispose()


def test_a_new_workshop_has_no_settings_row_until_the_first_change(app, client, evening):
    s, _tokens, _groups = evening
    with app.app_context():
        assert get_db().get(Session, s.id).flipchart_settings is None
    fac_action(client, s, "board/settings", allow_vote_stacking="1")
    with app.app_context():
        assert flipchart.vote_stacking_allowed(get_db().get(Session, s.id))
