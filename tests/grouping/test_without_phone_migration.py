"""Migration 0021: participant.without_phone appears, false for everyone who joined before (they had
phones), and goes on downgrade."""
from __future__ import annotations

import pytest

from workshop.db import get_db
from workshop.models import Participant

from tests.migrations import BACKENDS, app_at, migrate, old_workshop, rows

BEFORE = "0020"


@pytest.mark.parametrize("backend", BACKENDS)
def test_without_phone_column_comes_and_goes(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, BEFORE)
    with app.app_context():
        old_workshop(1)
    migrate(app, "head")
    with app.app_context():
        assert [p.without_phone for p in get_db().query(Participant)] == [False]
        get_db().close()
    migrate(app, BEFORE, down=True)
    with app.app_context():
        assert rows("SELECT count(*) FROM participant")[0][0] == 1
