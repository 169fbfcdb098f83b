"""The migration creates exactly the models' schema, on SQLite and (in CI) PostgreSQL."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from workshop import create_app
from workshop.cli import upgrade_database
from workshop.db import engine
from workshop.schema import metadata


def schema_diff(app):
    with app.app_context(), engine().connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(ctx, metadata)


def test_sqlite_migration_matches_models(app):
    assert schema_diff(app) == []
    with app.app_context():
        tables = set(inspect(engine()).get_table_names())
    assert {"facilitator", "session", "participant", "theme", "question", "agenda_item"} <= tables


def test_upgrade_twice_is_harmless(app):
    with app.app_context():
        upgrade_database()
    assert schema_diff(app) == []


@pytest.mark.postgres
def test_postgres_migration_matches_models(pg_url, tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": pg_url, "SECRET_KEY": "x",
                      "PAJA_ASYNC_MODE": "threading", "TESTING": True})
    with app.app_context():
        upgrade_database()
    assert schema_diff(app) == []
    app.extensions["paja_engine"].dispose()
