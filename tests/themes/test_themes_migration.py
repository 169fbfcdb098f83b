"""Migration 0020: the common theme tables appear (and go on downgrade); existing workshops are untouched."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect

from workshop.db import engine, get_db
from workshop.models import Session
from workshop.themes import service as themes

from tests.migrations import BACKENDS, app_at, migrate, old_workshop, rows

BEFORE = "0019"  # the revision before common themes


def tables(app) -> set[str]:
    with app.app_context():
        return {"common_theme", "common_theme_settings"} & set(inspect(engine()).get_table_names())


@pytest.mark.parametrize("backend", BACKENDS)
def test_theme_tables_come_and_go(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, BEFORE)
    assert tables(app) == set()
    with app.app_context():
        old_workshop(1)
    migrate(app, "head")
    assert tables(app) == {"common_theme", "common_theme_settings"}
    with app.app_context():
        db = get_db()
        session = db.get(Session, 1)
        themes.show(db, session, True)
        assert themes.settings_of(session).shown and rows("SELECT shown FROM common_theme_settings")[0][0]
        db.close()
    migrate(app, BEFORE, down=True)
    assert tables(app) == set()
    with app.app_context():
        assert rows("SELECT count(*) FROM session")[0][0] == 1
