"""Migration 0019: the workshop_template table appears (and goes on downgrade); existing workshops
are untouched, and a template can be saved and used on an upgraded database."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect

from workshop.db import engine, get_db
from workshop.models import Session
from workshop.reuse import service as reuse

from tests.migrations import BACKENDS, app_at, migrate, old_workshop, rows

BEFORE = "0016"  # the revision before templates


def has_table(app) -> bool:
    with app.app_context():
        return inspect(engine()).has_table("workshop_template")


@pytest.mark.parametrize("backend", BACKENDS)
def test_template_table_comes_and_goes(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, BEFORE)
    assert not has_table(app)
    with app.app_context():
        old_workshop(1)
    migrate(app, "head")
    assert has_table(app)
    with app.app_context():
        db = get_db()
        session = db.get(Session, 1)
        template = reuse.save_template(db, session, session.facilitator_id, "Pohja")
        copy = reuse.create_from(db, session.facilitator_id, template.content, "Uusi")
        assert copy.id != 1 and rows("SELECT name FROM workshop_template") == [("Pohja",)]
        db.close()
    migrate(app, BEFORE, down=True)
    assert not has_table(app)
    with app.app_context():
        assert rows("SELECT count(*) FROM session")[0][0] == 2
