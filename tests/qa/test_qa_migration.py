"""Migration 0024: the Q&A's three tables appear empty (a workshop already under way keeps everything) and
go on downgrade."""
from __future__ import annotations

import pytest

from tests.migrations import BACKENDS, CREATED, app_at, insert, migrate, old_workshop, rows

BEFORE = "0023"


@pytest.mark.parametrize("backend", BACKENDS)
def test_qa_tables_come_and_go(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, BEFORE)
    with app.app_context():
        old_workshop(1)
    migrate(app, "0024")
    with app.app_context():
        assert rows("SELECT count(*) FROM qa_question") == [(0,)]
        insert("qa_settings", session_id=1)
        assert rows("SELECT named, results, revealed FROM qa_settings") in ([(False, "reveal", False)],
                                                                             [(0, "reveal", 0)])
        insert("qa_question", id=1, session_id=1, participant_id=1, text="Kysymys?", pinned=False, answered=False,
               hidden=False, held=False, created_at=CREATED)
        insert("qa_upvote", id=1, question_id=1, participant_id=1)
        assert rows("SELECT count(*) FROM qa_upvote") == [(1,)]
    migrate(app, BEFORE, down=True)
    with app.app_context():
        assert rows("SELECT count(*) FROM session")[0][0] == 1
        assert rows("SELECT count(*) FROM participant")[0][0] == 1
