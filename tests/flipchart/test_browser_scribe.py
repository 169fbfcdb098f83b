"""End to end in chromium: a group's scribe writes and votes for Maija, who has no phone.

The group works; then the facilitator adds Maija at the door, into the group. Aino's phone, open all
along, now offers "write for a member without a phone" (live: no reload): Aino chooses Maija, writes Maija's note (Ville's phone sees it live, as any note),
and, once voting opens, gives Maija's three votes from the same phone ("Maija: 2 votes left"), then
switches back to her own votes. The phone page is checked with axe in both states.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from workshop import create_app
from workshop.db import get_db
from workshop.models import Note, Participant, Vote

from tests.browser import Browsing
from tests.flipchart.test_browser_notes import (
    new_participant,
    note_on_phone,
    open_phone,
    open_workshop,
    page_text,
    publish_groups,
    set_phase,
    vote_button,
    write_note,
)
from tests.web.test_browser import assert_not_reloaded, mark_page, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    return server_factory().start()


@pytest.fixture(scope="module")
def direct(server):
    """The app on the server's own database: sets up the workshop and reads what is really stored."""
    app = create_app({"INSTANCE_PATH": str(server.instance), "PAJA_ASYNC_MODE": "threading",
                      "DATABASE_URL": server.env.get("DATABASE_URL") or f"sqlite:///{server.instance / 'paja.sqlite3'}",
                      "SOCKETIO_MESSAGE_QUEUE": None})
    yield app
    app.extensions["paja_engine"].dispose()


def add_maija_at_the_door(fac, direct, demo: dict) -> int:
    """The facilitator adds Maija, who has no phone, while the groups work: she goes into the group."""
    fac.goto(demo["page"] + "/rounds")
    fac.select_option("#door-municipality", value="583")
    fac.select_option("#door-background", value="elected")
    fac.fill("#door-name", "Maija")
    fac.locator('form.door-add button[type="submit"]').click()
    expect(fac.locator(".flash-success")).to_be_visible()
    with direct.app_context():
        return get_db().scalar(select(Participant.id).where(Participant.first_name == "Maija",
                                                            Participant.session_id == demo["id"]))


def test_a_scribe_writes_and_votes_for_maija_from_one_phone(browsing: Browsing, direct):
    b = browsing
    demo, fac = open_workshop(b, direct)
    aino_token = new_participant(direct, demo, ("Aino", "320", "ngo"))
    ville_token = new_participant(direct, demo, ("Ville", "732", "officer"))
    publish_groups(fac, demo, count=1)
    fac.goto(demo["page"] + "/board")
    fac.locator('form[action$="/board/questions"] button.primary').click()
    set_phase(fac, demo, "groupwork")
    aino = open_phone(b, demo, "aino", aino_token)
    ville = open_phone(b, demo, "ville", ville_token)
    mark_page(aino)
    expect(aino.locator("#scribe")).to_have_count(0)  # nobody to write for yet

    # Maija comes: Aino's phone offers to write for her; it writes for Aino herself until she chooses.
    maija = add_maija_at_the_door(fac, direct, demo)
    expect(aino.locator("#scribe")).to_be_visible()
    expect(aino.locator("#scribe-member option")).to_have_count(2)
    expect(aino.locator('#scribe-member option:checked')).to_have_text("Omasta puolestani")
    b.check_a11y(aino, "phone board with the scribe's choice")
    aino.select_option("#scribe-member", label="Maija (ilman puhelinta)")
    aino.locator('#scribe-form button[type="submit"]').click()
    expect(aino.locator("#scribe-state")).to_have_text(page_text(aino, "scribe-texts", "acting", name="Maija"))
    expect(aino.locator("label[for='note-text']")).to_have_text(page_text(aino, "scribe-texts", "noteFor",
                                                                           name="Maija"))
    expect(aino).to_have_url(re.compile(r"\?member=[0-9a-f]{16}"))  # a reload keeps writing for her
    assert_not_reloaded(aino)

    text = "Kyläkoulun tilat iltakäyttöön"
    note_id = write_note(aino, text)
    expect(note_on_phone(ville, text)).to_be_visible()  # live, like any note of the group
    expect(note_on_phone(ville, text).locator(".note-meta")).to_be_hidden()  # nobody's "own" on Ville's phone
    expect(note_on_phone(aino, text).locator(".note-meta")).to_have_text(
        page_text(aino, "scribe-texts", "wroteFor", name="Maija"))
    expect(note_on_phone(aino, text).locator(".note-edit")).to_be_visible()  # Aino's phone may edit it
    with direct.app_context():
        stored = get_db().get(Note, int(note_id))
        aino_id = get_db().scalar(select(Participant.id).where(Participant.first_name == "Aino",
                                                                Participant.session_id == demo["id"]))
        assert (stored.participant_id, stored.written_by_id) == (maija, aino_id)

    # Back to herself: Aino's own note.
    aino.select_option("#scribe-member", value="")
    aino.locator('#scribe-form button[type="submit"]').click()
    expect(aino.locator("#scribe-state")).to_have_text(page_text(aino, "scribe-texts", "self"))
    own = "Yhteinen tapahtumakalenteri"
    write_note(aino, own)
    expect(note_on_phone(ville, own)).to_be_visible()

    # Voting: Aino gives Maija's votes, then her own; each has three.
    fac.goto(demo["page"] + "/board")
    fac.locator('section[aria-labelledby="voting-h"] .button-row button[name="action"][value="open"]').click()
    expect(aino.locator("#votes-left")).to_be_visible()
    aino.select_option("#scribe-member", label="Maija (ilman puhelinta)")
    aino.locator('#scribe-form button[type="submit"]').click()
    expect(aino.locator("#votes-left")).to_have_text(page_text(aino, "scribe-texts", "forLeftN", name="Maija", n=3))
    vote_button(aino, text).click()
    expect(vote_button(aino, text)).to_have_attribute("aria-pressed", "true")
    expect(aino.locator("#votes-left")).to_have_text(page_text(aino, "scribe-texts", "forLeftN", name="Maija", n=2))
    b.check_a11y(aino, "phone board voting for Maija")
    b.screenshot(aino, "phone-voting-for-maija", full_page=True)

    aino.select_option("#scribe-member", value="")
    aino.locator('#scribe-form button[type="submit"]').click()
    expect(aino.locator("#votes-left")).to_have_text(page_text(aino, "board-texts", "leftN", n=3))
    expect(vote_button(aino, text)).to_have_attribute("aria-pressed", "false")  # Maija's vote, not Aino's
    with direct.app_context():
        assert [v.participant_id for v in get_db().scalars(select(Vote).where(Vote.note_id == int(note_id)))] == [maija]
    wait_live(aino)
    b.assert_clean()
