"""Migration 0027: the team's invitation table appears (empty; workshops keep their team) and goes on
downgrade."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from workshop.db import engine

from tests.migrations import BACKENDS, CREATED, app_at, insert, migrate, old_workshop, rows

BEFORE = "0026"


@pytest.mark.parametrize("backend", BACKENDS)
def test_invitation_table_comes_and_goes(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, BEFORE)
    with app.app_context():
        old_workshop(1)
        insert("facilitator", id=2, email="kaisa@example.fi", name="Kaisa", password_hash="x", created_at=CREATED)
        insert("session_member", id=1, session_id=1, facilitator_id=2, role="assistant", created_at=CREATED)
    migrate(app, "0027")
    with app.app_context():
        assert rows("SELECT count(*) FROM team_invite") == [(0,)]
        assert rows("SELECT facilitator_id, role FROM session_member") == [(2, "assistant")]
        insert("team_invite", id=1, session_id=1, email="uusi@example.fi", role="observer", token_hash="a" * 64,
               status="pending", invited_by_id=1, created_at=CREATED, expires_at=CREATED)
    migrate(app, BEFORE, down=True)
    with app.app_context():
        assert "team_invite" not in sa.inspect(engine()).get_table_names()
        assert rows("SELECT count(*) FROM session_member") == [(1,)]
