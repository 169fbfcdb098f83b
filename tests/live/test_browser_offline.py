"""In chromium: a phone loses its network, writes two notes, gets its network back: both arrive once.

(test_browser_notes.py covers one offline note and a lost acknowledgement; this is the outbox with
more than one note in it, flushed on reconnect.)
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from workshop import create_app

from tests.flipchart.test_browser_notes import (
    PEOPLE,
    new_demo,
    new_participant,
    note_on_phone,
    open_phone,
    seed_groupwork,
    stored_notes,
)
from tests.web.test_browser import assert_not_reloaded, mark_page, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    return server_factory().start()


@pytest.fixture(scope="module")
def direct(server):
    """The app on the server's database: sets up the workshop and reads what is really stored."""
    app = create_app({"INSTANCE_PATH": str(server.instance), "PAJA_ASYNC_MODE": "threading",
                      "DATABASE_URL": f"sqlite:///{server.instance / 'paja.sqlite3'}", "SOCKETIO_MESSAGE_QUEUE": None})
    yield app
    app.extensions["paja_engine"].dispose()


def test_two_notes_written_offline_arrive_once_each(browsing, direct):
    b = browsing
    demo = new_demo(direct)
    tokens = [new_participant(direct, demo, person) for person in PEOPLE[:2]]
    seed_groupwork(direct, demo["id"], groups=1, extra_people=0, with_notes=False)  # one group of two
    writer, mate = (open_phone(b, demo, label, token) for label, token in zip(("writer", "mate"), tokens))
    for phone in (writer, mate):
        expect(phone.locator("#add-note-form")).to_be_visible()
    mark_page(writer)
    mark_page(mate)
    texts = ["Kirjastoauto kiertää kylillä", "Yhteinen tapahtumakalenteri kaikille järjestöille"]

    b.tolerate(r"WebSocket|ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED|net::ERR_")
    writer.context.set_offline(True)
    expect(writer.locator("body")).to_have_attribute("data-live", "disconnected", timeout=15_000)
    for text in texts:
        writer.fill("#note-text", text)
        writer.locator('#add-note-form button[type="submit"]').click()
        expect(writer.locator("#note-text")).to_have_value("")
    outbox = writer.locator("#outbox > li")
    expect(outbox).to_have_count(2)
    for item, text in zip(outbox.all(), texts):
        expect(item).to_contain_text(text)
    writer.wait_for_timeout(500)
    assert all(stored_notes(direct, text) == [] for text in texts)

    writer.context.set_offline(False)
    wait_live(writer)
    expect(writer.locator("#outbox")).to_be_hidden(timeout=15_000)
    for text in texts:
        expect(note_on_phone(writer, text)).to_have_count(1)
        expect(note_on_phone(mate, text)).to_have_count(1)
        assert len(stored_notes(direct, text)) == 1, text
    assert writer.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('paja-outbox-'))"
                           ".map(k => localStorage.getItem(k))") == ["[]"]
    # A moment later still once each: no late duplicate from a retry.
    writer.wait_for_timeout(1000)
    for text in texts:
        expect(note_on_phone(mate, text)).to_have_count(1)
        assert len(stored_notes(direct, text)) == 1, text
    assert_not_reloaded(writer)
    assert_not_reloaded(mate)
