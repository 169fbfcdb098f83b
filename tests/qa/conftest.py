"""The Q&A tests' world: a workshop in its questions step."""
from __future__ import annotations

import pytest

from tests.qa.story import questions_room


@pytest.fixture
def room(app):
    return questions_room(app)
