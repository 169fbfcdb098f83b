"""Migration 0026: note.written_by_id appears empty (every existing note was written by its author)
and goes on downgrade, the notes kept."""
from __future__ import annotations

import pytest

from tests.migrations import BACKENDS, CREATED, app_at, insert, migrate, old_workshop, rows

BEFORE = "0025"


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_scribe_column_comes_and_goes(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, BEFORE)
    with app.app_context():
        old_workshop(1)
        insert("round", id=1, session_id=1, number=1, strategy="mixed", merge_small=False, question_mode="same",
               seed=0, created_at=CREATED)
        insert("group", id=1, round_id=1, number=1, colour="green", voting="not_started")
        insert("note", id=1, session_id=1, group_id=1, participant_id=1, client_id="old-note-0001", text="Vanha",
               hidden=False, held=False, edited_by_facilitator=False, created_at=CREATED, updated_at=CREATED)
    migrate(app, "0026")
    with app.app_context():
        assert rows("SELECT participant_id, written_by_id FROM note") == [(1, None)]
        insert("participant", id=2, session_id=1, token_hash="hash2", municipality="320", background="ngo",
               is_contact_person=False, joined_at=CREATED, removed=False, without_phone=True)
        insert("note", id=2, session_id=1, group_id=1, participant_id=2, written_by_id=1, client_id="new-note-0001",
               text="Maijan", hidden=False, held=False, edited_by_facilitator=False, created_at=CREATED,
               updated_at=CREATED)
    migrate(app, BEFORE, down=True)
    with app.app_context():
        assert rows("SELECT id, participant_id FROM note ORDER BY id") == [(1, 1), (2, 2)]
