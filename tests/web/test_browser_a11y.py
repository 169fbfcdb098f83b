"""Accessibility end to end in chromium (issue 14): live regions that speak once, the statement and the
new pages clean under axe in three languages, the workshop's texts marked with their language, no
Python literal shown as text, and no sideways scrolling at 200 % text size on a 375 px phone.

One server and one browser for the module; each test walks its states in one go.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from workshop import create_app
from workshop.db import get_db
from workshop.models import Session
from workshop.sessions import service as sessions_service

from tests.browser import PHONE, Browsing
from tests.flipchart.test_browser_notes import (
    PEOPLE,
    new_demo,
    new_participant,
    note_on_phone,
    open_workshop,
    publish_groups,
    set_phase,
    write_note,
)
from tests.web.test_browser import wait_live

pytestmark = [pytest.mark.browser, pytest.mark.server]

LANGUAGES = ("fi", "sv", "en")
REGIONS = ("votes-left", "poll-saved", "my-group", "connection", "outbox-status")

# Runs before the page's scripts: records what each live region would say. A region speaks when its
# text is written (even the same words again) or when it is shown; one observer callback is one
# announcement (the changes of one event arrive together).
RECORDER = """
window.__spoken = [];
document.addEventListener("DOMContentLoaded", function () {
  %s.forEach(function (id) {
    var el = document.getElementById(id);
    if (!el) { return; }
    new MutationObserver(function (records) {
      var written = records.some(function (r) { return r.type !== "attributes"; });
      var shown = records.some(function (r) { return r.type === "attributes" && r.oldValue !== null; });
      var text = el.textContent.replace(/\\s+/g, " ").trim();
      if ((written || shown) && text && !el.closest("[hidden]")) { window.__spoken.push([id, text, records.map(function (r) { return r.type + ":" + r.attributeName + ":" + r.oldValue + ":" + r.addedNodes.length + ":" + r.removedNodes.length; }).join(",")]); }
    }).observe(el, {childList: true, characterData: true, subtree: true, attributes: true,
                    attributeFilter: ["hidden"], attributeOldValue: true});
  });
});
""" % ("[" + ",".join(f'"{r}"' for r in REGIONS) + "]")

# What a page must never show as text: a Python value that leaked into a template.
LITERALS = re.compile(r"(?<![\w-])(None|True|False|\[\]|\{\})(?![\w-])")


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    return server_factory().start()


@pytest.fixture(scope="module")
def direct(server):
    app = create_app({"INSTANCE_PATH": str(server.instance), "PAJA_ASYNC_MODE": "threading",
                      "DATABASE_URL": server.env.get("DATABASE_URL") or f"sqlite:///{server.instance / 'paja.sqlite3'}",
                      "SOCKETIO_MESSAGE_QUEUE": None})
    yield app
    app.extensions["paja_engine"].dispose()


def spoken(page, region: str) -> list[str]:
    return [said[1] for said in page.evaluate("window.__spoken") if said[0] == region]


def recording_phone(b: Browsing, demo: dict, label: str, token: str):
    phone = b.new_page(f"phone-{label}", **PHONE)
    phone.context.add_init_script(RECORDER)
    phone.context.add_cookies([{"name": f"paja_p{demo['id']}", "value": token, "url": b.base_url,
                                "httpOnly": True, "sameSite": "Lax"}])
    phone.goto(f"/{demo['code']}")
    wait_live(phone)
    return phone


def test_live_regions_speak_once_per_event(browsing, direct):
    b = browsing
    demo, fac = open_workshop(b, direct)
    phone = recording_phone(b, demo, "aino", new_participant(direct, demo, PEOPLE[0]))
    recording_phone(b, demo, "ville", new_participant(direct, demo, PEOPLE[1]))
    phone.evaluate("window.__groups = 0; Paja.on('group', function () { window.__groups += 1; })")

    # The group is published: said once, not once per part of the card.
    publish_groups(fac, demo, count=1)
    expect(phone.locator("#live-root")).to_have_attribute("data-group", "1")
    phone.wait_for_function("window.__groups >= 1")
    assert len(spoken(phone, "my-group")) == 1, phone.evaluate("window.__spoken")

    set_phase(fac, demo, "groupwork")
    expect(phone.locator("#add-note-form")).to_be_visible()
    write_note(phone, "Kirjasto auki iltaisin")

    # A projector in Swedish marks the workshop's Finnish notes that its script adds live (WCAG 3.1.2).
    projector = b.new_page("projector-sv", viewport={"width": 1920, "height": 1080})
    projector.goto(demo["screen"] + "?lang=sv")
    wait_live(projector)
    write_note(phone, "Kyläkoulun tilat iltakäyttöön")
    expect(projector.locator(".board-notes li", has_text="Kyläkoulun tilat iltakäyttöön")).to_have_attribute("lang", "fi")

    # Offline: "no connection" once, however often the reconnection fails; a note written meanwhile
    # is announced as waiting, once.
    b.tolerate(r"WebSocket|ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED|net::ERR_")
    phone.context.set_offline(True)
    expect(phone.locator("body")).to_have_attribute("data-live", "disconnected", timeout=30_000)
    phone.fill("#note-text", "Kyytipalvelu kylille")
    phone.locator('#add-note-form button[type="submit"]').click()
    expect(phone.locator("#outbox > li")).to_have_count(1)
    phone.wait_for_timeout(1500)  # reconnection attempts fail meanwhile: none may speak again
    assert len(spoken(phone, "connection")) == 1, spoken(phone, "connection")
    waiting = spoken(phone, "outbox-status")
    assert len(waiting) == 1 and re.search(r"\b1\b", waiting[0]), phone.evaluate("window.__spoken")
    # The connection message sits near the top, before the group card and the flipchart.
    assert phone.evaluate("""() => document.getElementById("connection").compareDocumentPosition(
        document.getElementById("board")) & Node.DOCUMENT_POSITION_FOLLOWING""")

    # Back online: the note goes, the same group comes again, and the group card stays silent.
    groups_before = phone.evaluate("window.__groups")
    phone.context.set_offline(False)
    expect(phone.locator("#outbox")).to_be_hidden(timeout=30_000)
    expect(note_on_phone(phone, "Kyytipalvelu kylille")).to_have_count(1)
    phone.wait_for_function(f"window.__groups > {groups_before}")
    assert len(spoken(phone, "my-group")) == 1
    assert len(spoken(phone, "outbox-status")) == 1
    assert len(spoken(phone, "connection")) == 1

    # Voting: the votes left are said when voting opens and once per vote (not again on the echo).
    fac.goto(demo["page"] + "/board")
    fac.locator('section[aria-labelledby="voting-h"] .button-row button[name="action"][value="open"]').click()
    expect(phone.locator("#votes-left")).to_be_visible()
    phone.wait_for_timeout(300)
    assert len(spoken(phone, "votes-left")) == 1, spoken(phone, "votes-left")
    first = spoken(phone, "votes-left")[0]
    note_on_phone(phone, "Kirjasto auki iltaisin").locator(".vote-button").click()
    expect(phone.locator("#votes-left")).not_to_have_text(first)
    phone.wait_for_function("Paja.socket && Paja.socket.connected")
    phone.wait_for_timeout(500)  # the server's my_votes echo has come
    said = spoken(phone, "votes-left")
    assert len(said) == 2 and said[0] != said[1], said
    b.check_a11y(phone, "phone after voting")


def closed_workshop(direct) -> dict:
    demo = new_demo(direct)
    with direct.app_context():
        db = get_db()
        s = db.get(Session, demo["id"])
        s.is_open = False
        code = s.join_code
        s.join_code = None
        db.commit()
    return {**demo, "old_code": code}


def set_workshop(direct, demo, **values) -> None:
    with direct.app_context():
        db = get_db()
        s = db.get(Session, demo["id"])
        for name, value in values.items():
            setattr(s, name, value)
        db.commit()


def assert_no_literals(page, what: str) -> None:
    text = page.locator("body").inner_text()
    found = LITERALS.findall(text)
    assert not found, f"{what}: Python literal(s) {found} shown as text on {page.url}"


def assert_content_marked(page, title: str, content_lang: str, ui: str, what: str) -> None:
    """Every element showing the workshop's title says its language (by itself or an ancestor)."""
    langs = page.evaluate("""(title) => Array.from(document.querySelectorAll("main *"))
        .filter(el => el.children.length === 0 && el.textContent.trim() === title)
        .map(el => el.closest("[lang]").getAttribute("lang"))""", title)
    assert langs, f"{what}: the title is not on the page"
    assert all(lang == content_lang for lang in langs), (what, ui, langs)


def test_pages_are_accessible_marked_and_literal_free_in_three_languages(browsing, direct, server):
    b = browsing
    demo = new_demo(direct)
    title = "Itä-Lapin elinvoimapaja"
    set_workshop(direct, demo, title=title, content_language="fi", contact_name="Maija Ohjaaja",
                 contact_phone="040 123 4567", contact_email="maija@example.fi")
    participant = new_participant(direct, demo, PEOPLE[2])
    closed = closed_workshop(direct)
    for ui in LANGUAGES:
        page = b.new_page(f"pages-{ui}", **PHONE)
        page.context.add_cookies([{"name": "paja_lang", "value": ui, "url": b.base_url},
                                  {"name": f"paja_p{demo['id']}", "value": participant, "url": b.base_url,
                                   "httpOnly": True, "sameSite": "Lax"}])
        for url, what in [("/accessibility", "statement"), ("/privacy", "privacy notice"), ("/", "front page"),
                          (f"/{demo['code']}", "participant page"), ("/no-such-page", "404 page"),
                          (f"/{closed['old_code']}", "closed workshop's code"), (demo["screen"], "projector")]:
            page.goto(url)
            expect(page.locator("html")).to_have_attribute("lang", ui)
            b.check_a11y(page, f"{what} ({ui})")
            assert_no_literals(page, what)
            # The statement is reachable from every page.
            assert page.locator('footer a[href="/accessibility"]').count() == 1, (what, ui)
            if what in ("participant page", "projector"):
                assert_content_marked(page, title, "fi", ui, what)
        # The skip link, focused, on the closed workshop's page: still a proper target (target-size).
        page.goto(f"/{closed['old_code']}")
        page.keyboard.press("Tab")
        expect(page.locator(".skip-link")).to_be_focused()
        b.check_a11y(page, f"closed workshop, skip link focused ({ui})")
        page.goto(closed["screen"])
        b.check_a11y(page, f"closed projector ({ui})")
        assert_no_literals(page, "closed projector")
    # The join page on a browser that has never joined: the contact is there as a tel: link.
    join = b.new_page("join", **PHONE)
    join.goto(f"/{demo['code']}")
    expect(join.locator('a[href="tel:0401234567"]')).to_be_visible()
    b.check_a11y(join, "join page with contact")
    # Focus goes to the error summary after a failed (server-side) submit.
    join.locator('main form.stack button[type="submit"]').click()
    expect(join.locator("#error-summary")).to_be_focused()


def test_nothing_scrolls_sideways_at_200_percent_on_a_375px_phone(browsing, direct):
    b = browsing
    demo = new_demo(direct)
    set_workshop(direct, demo, title="Ilmoittautumiskoodillaosallistumismahdollisuustyöpaja Kemijärvellä")
    # 200 % text size on a 375 px wide phone lays out like a 187.5 px wide one at 100 %.
    page = b.new_page("narrow", viewport={"width": 188, "height": 400}, device_scale_factor=2,
                      is_mobile=True, has_touch=True)
    for ui in LANGUAGES:
        page.context.add_cookies([{"name": "paja_lang", "value": ui, "url": b.base_url}])
        for url in ("/", f"/{demo['code']}", "/accessibility", "/privacy"):
            page.goto(url)
            wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert wide <= 0, f"{url} ({ui}) scrolls {wide}px sideways"


def test_laptop_pages_mark_the_workshops_texts(browsing, direct):
    b = browsing
    demo, fac = open_workshop(b, direct)
    set_workshop(direct, demo, title="Itä-Lapin elinvoimapaja", content_language="fi")
    tokens = [new_participant(direct, demo, person) for person in PEOPLE[:2]]
    publish_groups(fac, demo, count=1)
    # A phone through the evening's phases (and closed) in Swedish and English.
    phone = b.new_page("phone-phases", **PHONE)
    phone.context.add_cookies([{"name": f"paja_p{demo['id']}", "value": tokens[0], "url": b.base_url,
                                "httpOnly": True, "sameSite": "Lax"}])
    for phase in ("info", "qa", "grouping", "groupwork", "voting", "presentation", "plan", "feedback"):
        with direct.app_context():
            db = get_db()
            sessions_service.set_phase(db, db.get(Session, demo["id"]), phase)
        for ui in ("sv", "en"):
            phone.context.add_cookies([{"name": "paja_lang", "value": ui, "url": b.base_url}])
            phone.goto(f"/{demo['code']}")
            expect(phone.locator("#live-root")).to_have_attribute("data-phase", phase)
            assert_no_literals(phone, f"phone in {phase} ({ui})")
            b.check_a11y(phone, f"phone in {phase} ({ui})")
    # Every page of the facilitator's workshop, in Swedish and English (the Finnish ones are checked
    # where each feature's browser test drives them).
    pages = ["/f/", "/f/series", "/f/templates"] + [demo["page"] + suffix for suffix in (
        "", "/edit", "/board", "/rounds", "/rounds/1", "/rounds/1/cards", "/plans", "/polls", "/registrations",
        "/feedback", "/campaigns", "/report", "/themes", "/team", "/duplicate", "/template", "/qa")]
    for ui in ("sv", "en"):
        fac.context.add_cookies([{"name": "paja_lang", "value": ui, "url": b.base_url}])
        for url in pages:
            fac.goto(url)
            expect(fac.locator("html")).to_have_attribute("lang", ui)
            assert_no_literals(fac, url)
            b.check_a11y(fac, f"facilitator {url} ({ui})")
    fac.context.add_cookies([{"name": "paja_lang", "value": "sv", "url": b.base_url}])
    fac.goto(demo["page"])
    assert_content_marked(fac, "Itä-Lapin elinvoimapaja", "fi", "sv", "session page")
    fac.goto(demo["page"] + "/report")
    assert_content_marked(fac, "Itä-Lapin elinvoimapaja", "fi", "sv", "report")
