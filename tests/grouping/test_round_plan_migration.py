"""Migration 0014: the round_plan table appears (and goes on downgrade); existing workshops and
their rounds are untouched, and a plan can be made on an upgraded database."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from workshop.db import engine, get_db
from workshop.grouping import service as rounds
from workshop.models import Session

from tests.migrations import BACKENDS, app_at, migrate, old_workshop, participants, rows

BEFORE = "0012"  # the revision before planned rounds


def has_plan_table(app) -> bool:
    with app.app_context():
        return inspect(engine()).has_table("round_plan")


@pytest.mark.parametrize("backend", BACKENDS)
def test_round_plan_table_comes_and_goes(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, BEFORE)
    assert not has_plan_table(app)
    with app.app_context():
        old_workshop(1)
    migrate(app, "head")
    assert has_plan_table(app)
    with app.app_context():
        assert participants() == 1
        db = get_db()
        session = db.get(Session, 1)
        plan = rounds.plan_rounds(db, session, rounds.PlanSettings(2, group_size=1), seed=5)
        assert plan.total == 2 and len(plan.rounds) == 2 and plan.rounds[0] == [[1]]
        assert rows("SELECT session_id, total, published FROM round_plan") == [(1, 2, 0)]
        db.close()
    migrate(app, BEFORE, down=True)
    assert not has_plan_table(app)
    with app.app_context():
        assert participants() == 1 and rows("SELECT count(*) FROM session")[0][0] == 1
    migrate(app, "head")
    with app.app_context(), engine().connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM round_plan")).scalar() == 0
