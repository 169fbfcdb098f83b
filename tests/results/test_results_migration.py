"""Migration 0011: a shared results link survives the move of results_token into results_settings."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from workshop import create_app
from workshop.db import engine, get_db
from workshop.results import service as results

from tests.migrations import migrate

BEFORE = "0010"  # the revision before results got its own table


def sessions_of_an_old_database(app) -> None:
    """A facilitator with two workshops: one shared its results page, one did not."""
    with app.app_context(), engine().begin() as conn:
        conn.execute(text("INSERT INTO facilitator (id, email, name, password_hash, created_at) "
                          "VALUES (1, 'f@example.fi', 'Fasilitaattori', 'x', '2026-01-01 10:00:00')"))
        for sid, token in ((1, "jaettu-tulossivu-0123456789"), (2, None)):
            conn.execute(text("INSERT INTO session (id, facilitator_id, title, screen_token, phase, seq, is_open, "
                              "created_at, results_token) VALUES (:id, 1, :title, :screen, 'closed', 0, :open, "
                              "'2026-01-01 18:00:00', :token)"),
                         {"id": sid, "title": f"Paja {sid}", "screen": f"screen-{sid}", "open": False, "token": token})
        conn.execute(text("INSERT INTO participant (id, session_id, token_hash, municipality, background, "
                          "is_contact_person, joined_at, removed) VALUES (1, 1, 'hash', '320', 'ngo', :no, "
                          "'2026-01-01 18:00:00', :no)"), {"no": False})


def participants(app) -> int:
    """The session's table is copied on SQLite: the rows that refer to it must survive that."""
    with app.app_context(), engine().connect() as conn:
        return conn.execute(text("SELECT count(*) FROM participant")).scalar()


def check_upgrade_keeps_the_link(app) -> None:
    migrate(app, BEFORE)
    sessions_of_an_old_database(app)
    migrate(app, "head")
    with app.app_context():
        assert "results_token" not in {c["name"] for c in inspect(engine()).get_columns("session")}
        with engine().connect() as conn:
            rows = conn.execute(text("SELECT session_id, token FROM results_settings")).all()
        assert [tuple(r) for r in rows] == [(1, "jaettu-tulossivu-0123456789")]
        db = get_db()
        assert results.session_by_results_token(db, "jaettu-tulossivu-0123456789").id == 1
        assert results.results_token(db.get(results.Session, 2)) is None
    assert participants(app) == 1
    # and back: the link is on the session again
    migrate(app, BEFORE, down=True)
    with app.app_context(), engine().connect() as conn:
        assert not inspect(conn).has_table("results_settings")
        rows = conn.execute(text("SELECT id, results_token FROM session ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, "jaettu-tulossivu-0123456789"), (2, None)]
    assert participants(app) == 1


def make_app(tmp_path, url: str):
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url,
                       "SECRET_KEY": "x", "PAJA_ASYNC_MODE": "threading"})


def test_sqlite_upgrade_moves_the_results_link(tmp_path):
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'old.sqlite3'}")
    check_upgrade_keeps_the_link(app)
    with app.app_context(), engine().connect() as conn:  # back on for the app once migrations are done
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.mark.postgres
def test_postgres_upgrade_moves_the_results_link(pg_url, tmp_path):
    app = make_app(tmp_path, pg_url)
    try:
        check_upgrade_keeps_the_link(app)
    finally:
        app.extensions["paja_engine"].dispose()
