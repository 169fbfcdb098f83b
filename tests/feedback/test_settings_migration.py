"""Migration 0009 moves the feedback settings off the session into their own table, and back."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from workshop.cli import downgrade_database, upgrade_database
from workshop.db import get_db
from workshop.feedback import service as feedback
from workshop.models import Session

from tests.migrations import (
    BACKENDS,
    app_at,
    old_workshop,
    participants,
    rows,
    session_columns,
)

COLUMNS = {"feedback_token", "feedback_closes_at", "feedback_questions"}
QUESTIONS = {"overall": {"on": True, "text": "Miten meni?"}, "most_useful": {"on": False, "text": None},
             "should_change": {"on": True, "text": None}, "come_again": {"on": True, "text": None},
             "extra": "Mitä muuta?"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_feedback_settings_move_to_their_own_table(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, "0008")
    closes = datetime(2026, 12, 8, 16, 0)
    with app.app_context():
        old_workshop(1, feedback_token="fb-secret", feedback_closes_at=closes, feedback_questions=QUESTIONS)
        old_workshop(2)
        upgrade_database()
        assert rows("SELECT session_id, token, closes_at, questions FROM feedback_settings",
                    closes_at=sa.DateTime, questions=sa.JSON) == [(1, "fb-secret", closes, QUESTIONS)]
        assert not COLUMNS & session_columns() and participants() == 2
    with app.app_context():
        db = get_db()
        first, second = db.get(Session, 1), db.get(Session, 2)
        config = feedback.config(first)
        assert config["overall"]["text"] == "Miten meni?" and config["extra"] == "Mitä muuta?"
        assert feedback.session_by_token(db, "fb-secret") is first
        assert feedback.link_open(first, closes.replace(hour=15))
        assert not feedback.link_open(second) and feedback.config(second)["most_useful"]["on"]
    with app.app_context():
        downgrade_database("0008")
        assert rows("SELECT feedback_token, feedback_closes_at, feedback_questions FROM session ORDER BY id",
                    feedback_closes_at=sa.DateTime, feedback_questions=sa.JSON) == [
            ("fb-secret", closes, QUESTIONS), (None, None, None)]
        assert participants() == 2
