"""Migration 0010 moves the campaign settings off the session into their own table, and back."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from workshop.campaigns import service as campaigns
from workshop.cli import downgrade_database, upgrade_database
from workshop.db import get_db
from workshop.models import Session

from tests.migrations import (
    BACKENDS,
    app_at,
    old_workshop,
    participants,
    rows,
    session_columns,
)

COLUMNS = {"campaign_token", "carpool_enabled", "good_deed_enabled", "good_deed_voting", "screen_panel"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_campaign_settings_move_to_their_own_table(request, tmp_path, backend):
    app = app_at(request, tmp_path, backend, "0009")
    with app.app_context():
        old_workshop(1, campaign_token="camp-secret", carpool_enabled=True, good_deed_enabled=True,
                     good_deed_voting=True, screen_panel="carpool")
        old_workshop(2, screen_panel="feedback_results")  # no campaign, but the projector shows feedback
        old_workshop(3)
        upgrade_database()
        flags = {"carpool_enabled": sa.Boolean, "good_deed_enabled": sa.Boolean, "good_deed_voting": sa.Boolean}
        assert rows("SELECT session_id, token, carpool_enabled, good_deed_enabled, good_deed_voting, screen_panel "
                    "FROM campaign_settings ORDER BY session_id", **flags) == [
            (1, "camp-secret", True, True, True, "carpool"), (2, None, False, False, False, "feedback_results")]
        assert not COLUMNS & session_columns() and participants() == 3
    with app.app_context():
        db = get_db()
        first, third = db.get(Session, 1), db.get(Session, 3)
        assert campaigns.session_by_token(db, "camp-secret") is first
        assert campaigns.settings_of(first).good_deed_voting and campaigns.settings_of(first).screen_panel == "carpool"
        assert not campaigns.settings_of(third).carpool_enabled and campaigns.settings_of(third).screen_panel is None
    with app.app_context():
        downgrade_database("0009")
        assert rows("SELECT campaign_token, carpool_enabled, good_deed_enabled, good_deed_voting, screen_panel "
                    "FROM session ORDER BY id", **flags) == [
            ("camp-secret", True, True, True, "carpool"), (None, False, False, False, "feedback_results"),
            (None, False, False, False, None)]
        assert participants() == 3
