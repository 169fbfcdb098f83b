"""A database at an older migration, filled by plain SQL, then upgraded: the tests that a migration
carries existing data over (each feature's settings table), on SQLite and on PostgreSQL."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from workshop import create_app
from workshop.cli import downgrade_database, upgrade_database
from workshop.db import engine

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
CREATED = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)


def app_at(request, tmp_path, backend: str, revision: str):
    """An app whose database (SQLite, or a fresh PostgreSQL one from `pg_url`) is at `revision`."""
    url = request.getfixturevalue("pg_url") if backend == "postgres" else f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url,
                      "SECRET_KEY": "x", "PAJA_ASYNC_MODE": "threading"})
    request.addfinalizer(app.extensions["paja_engine"].dispose)
    with app.app_context():
        upgrade_database(revision)
    return app


def _type(value):
    if isinstance(value, dict):
        return sa.JSON()
    if isinstance(value, datetime):
        return sa.DateTime(timezone=value.tzinfo is not None)
    return sa.Boolean() if isinstance(value, bool) else None


def insert(table: str, **values) -> None:
    """One row by plain SQL: the models describe the newest schema, not this one."""
    columns = [sa.column(name, _type(value)) for name, value in values.items()]
    with engine().begin() as conn:
        conn.execute(sa.table(table, *columns).insert().values(**values))


def old_workshop(session_id: int, **session_columns) -> None:
    """A workshop with one participant (whose row must survive the migration), made with the
    columns this revision has; the facilitator is created with the first workshop."""
    if session_id == 1:
        insert("facilitator", id=1, email="f@example.fi", name="F", password_hash="x", created_at=CREATED)
    insert("session", id=session_id, facilitator_id=1, title=f"Paja {session_id}", screen_token=f"screen{session_id}",
           phase="lobby", seq=3, is_open=True, created_at=CREATED, **session_columns)
    insert("participant", id=session_id, session_id=session_id, token_hash=f"hash{session_id}", municipality="320",
           background="ngo", is_contact_person=False, joined_at=CREATED, removed=False)


def rows(sql: str, **types) -> list[tuple]:
    """The result rows of a query; `types` read columns back as the model would (e.g. DateTime)."""
    with engine().connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql).columns(**types) if types else sa.text(sql))]


def migrate(app, revision: str, down: bool = False) -> None:
    """Upgrade (or, with `down`, downgrade) the app's database to `revision`."""
    with app.app_context():
        (downgrade_database if down else upgrade_database)(revision)


def session_columns(app=None) -> set[str]:
    """The columns the session table has now (in `app`'s context when given)."""
    if app is not None:
        with app.app_context():
            return session_columns()
    return {c["name"] for c in sa.inspect(engine()).get_columns("session")}


def participants() -> int:
    return rows("SELECT count(*) FROM participant")[0][0]
