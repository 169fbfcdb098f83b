"""Migration 0008 moves the registration settings off the session into their own table, and back."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from workshop.cli import downgrade_database, upgrade_database
from workshop.db import get_db
from workshop.models import Session
from workshop.registration import service as registrations

from tests.migrations import (
    BACKENDS,
    app_at,
    old_workshop,
    participants,
    rows,
    session_columns,
)

COLUMNS = {"registration_token", "registration_closes_at", "registration_capacity"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_registration_settings_move_to_their_own_table(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, "0007")
    closes = datetime(2026, 12, 1, 18, 0)  # local wall-clock time, stored naive
    with app.app_context():
        old_workshop(1, registration_token="reg-secret", registration_closes_at=closes, registration_capacity=40)
        old_workshop(2)  # never opened its registration
        upgrade_database()
        assert rows("SELECT session_id, token, closes_at, capacity FROM registration_settings",
                    closes_at=sa.DateTime) == [(1, "reg-secret", closes, 40)]
        assert not COLUMNS & session_columns() and participants() == 2
    with app.app_context():
        db = get_db()
        first, second = db.get(Session, 1), db.get(Session, 2)
        assert registrations.settings_of(first).capacity == 40
        assert not registrations.is_closed(first, closes.replace(hour=17))
        assert registrations.session_by_registration_token(db, "reg-secret") is first
        assert registrations.settings_of(second).token is None and registrations.is_closed(second)
    with app.app_context():
        downgrade_database("0007")
        assert rows("SELECT registration_token, registration_closes_at, registration_capacity FROM session ORDER BY id",
                    registration_closes_at=sa.DateTime) == [("reg-secret", closes, 40), (None, None, None)]
        assert participants() == 2
