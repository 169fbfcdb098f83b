"""Migration 0022: the word filter's columns appear (off, nothing held) and go on downgrade."""
from __future__ import annotations

import pytest

from tests.migrations import BACKENDS, app_at, migrate, old_workshop, rows

BEFORE = "0021"


@pytest.mark.parametrize("backend", BACKENDS)
def test_word_filter_columns_come_and_go(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, BEFORE)
    with app.app_context():
        old_workshop(1)
    migrate(app, "head")
    with app.app_context():
        assert rows("SELECT count(*) FROM note WHERE held") == [(0,)]
        assert rows("SELECT count(*) FROM poll_answer WHERE held") == [(0,)]
    migrate(app, BEFORE, down=True)
    with app.app_context():
        assert rows("SELECT count(*) FROM session")[0][0] == 1
