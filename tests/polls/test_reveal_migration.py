"""Migration 0025: results hidden until revealed. Polls made before it keep showing their results live
(as they did); workshops' voting and new polls default to "reveal"; a downgrade drops the columns."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from workshop.db import engine

from tests.migrations import BACKENDS, CREATED, app_at, migrate, old_workshop, rows

BEFORE = "0024"
AFTER = "0025"


def insert(table: str, **values) -> None:
    """One row by plain SQL (tests.migrations.insert types dicts as JSON, not a poll's list of options)."""
    columns = [sa.column(name, sa.JSON() if isinstance(value, list) else sa.DateTime(timezone=True)
                         if name == "created_at" else sa.Boolean() if isinstance(value, bool) else None)
               for name, value in values.items()]
    with engine().begin() as conn:
        conn.execute(sa.table(table, *columns).insert().values(**values))


@pytest.mark.parametrize("backend", BACKENDS)
def test_reveal_columns_come_and_go(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, BEFORE)
    with app.app_context():
        old_workshop(1)
        insert("poll", id=1, session_id=1, kind="choice", question="Mikä on tärkeintä?", options=["A", "B"],
               is_open=True, created_at=CREATED)
        insert("flipchart_settings", session_id=1, allow_vote_stacking=False, word_filter=False)
    migrate(app, AFTER)
    with app.app_context():
        assert rows("SELECT show_results, revealed FROM poll") == [("live", False)]
        assert rows("SELECT vote_results, votes_revealed FROM flipchart_settings") == [("reveal", False)]
        insert("poll", id=2, session_id=1, kind="words", question="Sana?", options=[], is_open=False,
               created_at=CREATED)
        assert rows("SELECT show_results, revealed FROM poll WHERE id = 2") == [("reveal", False)]
    migrate(app, BEFORE, down=True)
    with app.app_context():
        assert rows("SELECT count(*) FROM poll")[0][0] == 2
        assert rows("SELECT count(*) FROM flipchart_settings")[0][0] == 1
