"""The flipchart tests' evening: 8 people in 2 published groups of 4, in group work."""
from __future__ import annotations

import pytest

from tests.flipchart.evening import start_evening


@pytest.fixture
def evening(app, client):
    """(session, participant id → cookie token, group number → member ids); the facilitator logged in."""
    return start_evening(app, client)
