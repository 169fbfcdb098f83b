"""The grouping tests' shared room: 16 people, 4 municipalities × 4 backgrounds, the facilitator logged in."""
from __future__ import annotations

import pytest

from tests.helpers import AuthActions, gen_facilitator, gen_participant, gen_session

MUNIS = ("320", "583", "732", "742")
BACKGROUNDS = ("ngo", "officer", "elected", "parish")


@pytest.fixture
def room(app, client):
    """A workshop with 16 people: 4 municipalities × 4 backgrounds (one of each pair); the facilitator
    logged in. Returns the session and participant id → cookie token."""
    fac = gen_facilitator(app)
    s = gen_session(app, fac.id, municipalities=MUNIS)
    tokens = {}
    for i, muni in enumerate(MUNIS * 4):
        p, token = gen_participant(app, s, municipality=muni, background=BACKGROUNDS[i // 4], first_name=f"Henkilö{i}")
        tokens[p.id] = token
    AuthActions(client).login()
    return s, tokens
