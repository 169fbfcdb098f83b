"""End to end in chromium: live flipcharts, moderation, top-3 voting and the presentation.

After a grouping round is published the facilitator gives the groups their questions and starts the
group work. Phones write notes (Socket.IO, with an outbox kept in localStorage), group mates and the
projector see them live, the facilitator hides one, the groups vote their top 3 (three votes each,
the keyboard works), and the presentation walks the projector and the phones through the results.
A note written offline is delivered exactly once; a note that looks like HTML stays text everywhere.
Every page is checked with axe-core (WCAG 2.1 A/AA); a JavaScript error, CSP violation or dialog
in any page fails the test.
"""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from workshop import create_app
from workshop.db import get_db
from workshop.demo import create_demo
from workshop.flipchart import service as flipchart
from workshop.grouping import service as rounds
from workshop.models import Note, Participant
from workshop.sessions import service as sessions
from workshop.sessions.service import JoinData

from tests.browser import LAPTOP, PHONE, PROJECTOR, Browsing
from tests.grouping.test_browser_groups import assert_focus_visible, tab_to
from tests.web.test_browser import SUBMIT, assert_not_reloaded, mark_page, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.server]

XSS = "<img src=x onerror=alert(1)>"
# (first name, municipality, background): demo municipalities are 320, 583, 614, 732, 742.
PEOPLE = [("Aino", "320", "ngo"), ("Ville", "732", "officer"), ("Eeva", "583", "resident"),
          ("Kalle", "614", "elected")]


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    return server_factory().start()


@pytest.fixture(scope="module")
def direct(server):
    """The app on the server's own database: sets up workshops and reads what is really stored.

    (Faster than `flask paja demo` in a subprocess; the server sees the rows at its next query.)
    """
    app = create_app({"INSTANCE_PATH": str(server.instance), "PAJA_ASYNC_MODE": "threading",
                      "DATABASE_URL": server.env.get("DATABASE_URL") or f"sqlite:///{server.instance / 'paja.sqlite3'}",
                      "SOCKETIO_MESSAGE_QUEUE": None})
    yield app
    app.extensions["paja_engine"].dispose()


# --- helpers -----------------------------------------------------------------------------------

def stored_notes(direct, text: str) -> list[tuple[int, str]]:
    """(id, client id) of the stored notes with this text."""
    with direct.app_context():
        return [tuple(r) for r in get_db().execute(select(Note.id, Note.client_id).where(Note.text == text))]


def exactly(text: str) -> re.Pattern:
    return re.compile("^" + re.escape(text) + "$")


def note_on_phone(page, text: str):
    return page.locator("#notes > li.note").filter(has=page.locator(".note-text", has_text=exactly(text)))


def note_on_screen(page, group: int, text: str):
    return page.locator(f'#screen-boards .screen-board[data-group="{group}"] .board-notes > li').filter(
        has_text=exactly(text))


def page_text(page, container: str, key: str, **values) -> str:
    """A text the page carries for its script (so the test does not depend on the language)."""
    text = page.locator(f'#{container} [data-text="{key}"]').text_content()
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def new_demo(direct) -> dict:
    """A fresh demo workshop (the demo login's password changes each time)."""
    with direct.app_context():
        info = create_demo(get_db())
    return {"id": info["session_id"], "code": info["join_code"], "email": info["email"],
            "password": info["password"], "screen": f"/screen/{info['screen_token']}",
            "page": f"/f/sessions/{info['session_id']}"}


def open_workshop(b: Browsing, direct) -> tuple[dict, object]:
    """A fresh demo workshop; its facilitator logs in and opens the session page."""
    demo = new_demo(direct)
    fac = b.new_page("facilitator", **LAPTOP)
    fac.goto("/login")
    fac.fill("#email", demo["email"])
    fac.fill("#password", demo["password"])
    fac.locator(SUBMIT).click()
    expect(fac).to_have_url(re.compile(r"/f/$"))
    fac.goto(demo["page"])
    return demo, fac


def new_participant(direct, demo: dict, person: tuple[str, str, str]) -> str:
    """Someone who has joined (the join form has its own tests), placed in a group if a round is
    published, as the join page does; returns their cookie's token."""
    name, municipality, background = person
    with direct.app_context():
        db = get_db()
        s = db.get(sessions.Session, demo["id"])
        participant, token = sessions.join(db, s, JoinData(municipality, background, name))
        rounds.place_late_arrival(db, s, participant)
        return token


def open_phone(b: Browsing, demo: dict, label: str, token: str):
    """The participant page on a phone with the join cookie (plain name: the test server is http)."""
    phone = b.new_page(f"phone-{label}", **PHONE)
    phone.context.add_cookies([{"name": f"paja_p{demo['id']}", "value": token, "url": b.base_url,
                                "httpOnly": True, "sameSite": "Lax"}])
    phone.goto(f"/{demo['code']}")
    expect(phone.locator('#live-root[data-role="participant"]')).to_be_visible()
    wait_live(phone)
    return phone


def join(b: Browsing, direct, demo: dict, person: tuple[str, str, str]):
    return open_phone(b, demo, person[0], new_participant(direct, demo, person))


def publish_groups(fac, demo: dict, count: int) -> None:
    """A mixed round of `count` groups, published as formed; back to the session page."""
    fac.goto(demo["page"] + "/rounds")
    fac.check('input[name="strategy"][value="mixed"]')
    fac.check('input[name="size_mode"][value="count"]')
    fac.fill("#size", str(count))
    fac.locator('main form.stack button[type="submit"]').click()
    fac.locator('form[action$="/publish"] button').click()
    expect(fac.locator('form[action$="/publish"]')).to_have_count(0)
    fac.goto(demo["page"])


def set_phase(fac, demo: dict, phase: str) -> None:
    if not fac.url.endswith(demo["page"]):
        fac.goto(demo["page"])
    fac.locator(f'.phase-buttons button[value="{phase}"]').click()
    expect(fac.locator(f'.phase-buttons button[value="{phase}"]')).to_have_attribute("aria-pressed", "true")


def write_note(phone, text: str) -> str:
    """Write a note on a connected phone; returns its id once the server has it."""
    phone.fill("#note-text", text)
    phone.locator('#add-note-form button[type="submit"]').click()
    item = note_on_phone(phone, text)
    expect(item).to_have_attribute("data-id", re.compile(r"^\d+$"))
    expect(phone.locator("#outbox")).to_be_hidden()
    expect(phone.locator("#note-text")).to_have_value("")
    return item.get_attribute("data-id")


def vote_button(phone, text: str):
    return note_on_phone(phone, text).locator(".vote-button")


# --- the flow ----------------------------------------------------------------------------------

def test_groups_write_moderate_vote_and_present_live(browsing, direct):
    b = browsing
    demo, fac = open_workshop(b, direct)
    screen = b.new_page("projector", **PROJECTOR)
    screen.goto(demo["screen"])
    wait_live(screen)
    mark_page(screen)
    phones = [join(b, direct, demo, person) for person in PEOPLE]

    publish_groups(fac, demo, count=2)
    groups: dict[int, list] = {}
    for phone in phones:
        expect(phone.locator("#live-root")).to_have_attribute("data-group", re.compile(r"^[12]$"))
        groups.setdefault(int(phone.locator("#live-root").get_attribute("data-group")), []).append(phone)
        # The group comes live; its flipchart only with the group work (the phone shows the current phase).
        expect(phone.locator("#my-group")).to_be_visible()
        expect(phone.locator("#board")).to_be_hidden()
        expect(phone.locator("#add-note-form")).to_be_hidden()
        mark_page(phone)
    assert sorted(len(g) for g in groups.values()) == [2, 2], groups
    (a1, a2), (c1, c2) = groups[1], groups[2]
    # A projector that was open before the round has both flipcharts (shown once group work starts).
    expect(screen.locator("#screen-boards .screen-board")).to_have_count(2)

    # The facilitator opens the flipcharts from the session page and gives each group its question.
    fac.locator('main a[href$="/board"]').click()
    expect(fac).to_have_url(re.compile(r"/f/sessions/\d+/board$"))
    b.check_a11y(fac, "board page")
    fac.check("#mode-per_group")
    fac.locator('form[action$="/board/questions"] button.primary').click()
    expect(fac.locator(".flash-success")).to_be_visible()
    questions = {n: fac.locator(f"#board-{n} .question").text_content().strip() for n in (1, 2)}
    assert questions[1] != questions[2] and all(questions.values()), questions
    for number, members in groups.items():
        for phone in members:
            expect(phone.locator("#board-question")).to_have_text(questions[number])
    expect(screen.locator('.screen-board[data-group="2"] .question')).to_have_text(questions[2])

    set_phase(fac, demo, "groupwork")
    for phone in phones:
        expect(phone.locator("#board")).to_be_visible()
        expect(phone.locator("#add-note-form")).to_be_visible()
        assert_not_reloaded(phone)
    expect(screen.locator("#screen-boards")).to_be_visible()
    expect(screen.locator("#screen-groups")).to_be_hidden()
    fac.goto(demo["page"] + "/board")  # the facilitator follows the flipcharts
    wait_live(fac)

    # Notes reach the group mate and the projector live; the other group sees nothing.
    n1 = "Yhteinen tapahtumakalenteri kaikille järjestöille"
    n2 = "Vapaaehtoisten perehdytys kuntarajojen yli"
    write_note(a1, n1)
    write_note(a1, n2)
    for text in (n1, n2):
        expect(note_on_phone(a2, text)).to_be_visible()
        expect(note_on_screen(screen, 1, text)).to_be_visible()
    expect(a2.locator("#notes-announcer")).to_have_attribute("aria-live", "polite")
    expect(a2.locator("#notes-announcer")).to_be_empty()  # not at once: new notes are announced in batches
    expect(note_on_phone(a2, n1).locator(".note-meta")).to_be_hidden()  # not "your note" on the mate's phone
    expect(note_on_phone(a1, n1).locator(".note-meta")).to_be_visible()
    expect(c1.locator("#notes > li")).to_have_count(0)
    expect(screen.locator('.screen-board[data-group="1"] [data-note-count]')).to_have_text("2")

    # The mate pauses the flow: the next note waits behind a button instead of moving the list.
    a2.locator("#pause-notes").click()
    expect(a2.locator("#pause-notes")).to_have_attribute("aria-pressed", "true")
    n3 = "Kunta tarjoaa tiloja maksutta"
    write_note(a1, n3)
    expect(a2.locator("#show-new-notes")).to_be_visible()
    expect(note_on_phone(a2, n3)).to_have_count(0)
    a2.locator("#show-new-notes").click()
    expect(note_on_phone(a2, n3)).to_be_visible()
    expect(a2.locator("#show-new-notes")).to_be_hidden()
    assert a2.evaluate("document.activeElement.id") == "pause-notes", "focus was lost with the hidden button"
    a2.locator("#pause-notes").click()
    expect(a2.locator("#pause-notes")).to_have_attribute("aria-pressed", "false")

    # HTML in a note is text: on the mate's phone, the projector and the facilitator's page.
    n5 = "Järjestöjen yhteinen koordinaattori"
    xss_id = write_note(c1, XSS)
    write_note(c2, n5)
    expect(note_on_phone(c2, XSS)).to_be_visible()
    expect(note_on_screen(screen, 2, XSS)).to_be_visible()
    expect(fac.locator(f"#note-{xss_id} .note-text")).to_have_text(XSS)  # arrived live
    expect(fac.locator("#board-notice")).not_to_be_empty()
    for page in (c1, c2, screen, fac):
        expect(page.locator("main img")).to_have_count(0 if page is not screen else 1)  # the projector's QR only
    b.assert_clean()  # no alert() dialog, no error

    # Meanwhile the mate's screen reader heard one polite message for the batch of two, a few seconds
    # after the first; nobody hears about their own notes.
    expect(a1.locator("#notes-announcer")).to_be_empty()
    expect(a2.locator("#notes-announcer")).to_have_text(page_text(a2, "board-texts", "newN", n=2), timeout=8000)

    n4 = "Nuoret mukaan somen kautta"
    spam = "OSTA HALPAA TÄÄLTÄ"
    write_note(a2, n4)
    spam_id = write_note(a1, spam)
    expect(note_on_phone(a2, spam)).to_be_visible()
    note_on_phone(a1, n1).locator(".note-edit summary").click()  # own notes: edit and delete
    expect(note_on_phone(a1, n1).locator(".edit-form textarea")).to_have_value(n1)
    b.check_a11y(a1, "phone board (writing)")

    b.screenshot(screen, "projector-2-groups")
    b.screenshot(a1, "phone-board-writing", full_page=True)
    b.check_a11y(screen, "projector with flipcharts")

    # The facilitator reloads to moderate the new notes and hides one: it leaves phones and projector.
    fac.reload()
    expect(fac.locator(f"#note-{xss_id} .note-text")).to_have_text(XSS)
    expect(fac.locator(f'#note-{spam_id} select option[value="{xss_id}"]')).to_have_count(0)  # other group
    fac.locator(f"#note-{spam_id} summary").click()
    fac.locator(f'#note-{spam_id} form[action$="/hide"] button').click()
    expect(fac.locator(f"#note-{spam_id}")).to_have_class(re.compile(r"\bis-hidden\b"))
    for phone in (a1, a2):
        expect(note_on_phone(phone, spam)).to_have_count(0)
        assert_not_reloaded(phone)
    expect(note_on_screen(screen, 1, spam)).to_have_count(0)
    expect(screen.locator('.screen-board[data-group="1"] [data-note-count]')).to_have_text("4")
    assert_not_reloaded(screen)
    expect(fac.locator("main img")).to_have_count(0)
    b.check_a11y(fac, "board page with notes")
    b.screenshot(fac, "board-page", full_page=True)

    # Voting opens for all groups: vote buttons and the votes left, no more writing.
    fac.locator('section[aria-labelledby="voting-h"] .button-row button[name="action"][value="open"]').click()
    expect(fac.locator(".flash-success")).to_be_visible()
    for phone in phones:
        expect(phone.locator("#votes-left")).to_be_visible()
        expect(phone.locator("#add-note-form")).to_be_hidden()
        assert_not_reloaded(phone)
    expect(a1.locator("#notes .vote-button")).to_have_count(4)
    expect(a1.locator("#notes .note-edit").first).to_be_hidden()
    expect(a1.locator("#pause-notes")).to_be_hidden()  # no new notes can come now
    expect(a1.locator("#votes-left")).to_have_text(page_text(a1, "board-texts", "leftN", n=3))
    expect(screen.locator('.screen-board[data-group="1"] [data-progress]')).to_be_visible()
    b.check_a11y(a1, "phone board (voting)")

    # Keyboard only: Tab to the first vote button, Enter; Tab, Space; Tab, Enter; the 4th is refused.
    a1.locator("#board-h").click()
    tab_to(a1, "#notes .vote-button")
    assert_focus_visible(a1)
    for key, text in (("Enter", n1), ("Space", n2), ("Enter", n3)):
        if text != n1:
            a1.keyboard.press("Tab")
        expect(vote_button(a1, text)).to_be_focused()
        assert_focus_visible(a1)
        a1.keyboard.press(key)
        expect(vote_button(a1, text)).to_have_attribute("aria-pressed", "true")
    expect(a1.locator("#votes-left")).to_have_text(page_text(a1, "board-texts", "left0"))
    a1.keyboard.press("Tab")
    expect(vote_button(a1, n4)).to_be_focused()
    a1.keyboard.press("Enter")
    expect(a1.locator("#board-error")).to_be_visible()
    expect(a1.locator("#board-error")).not_to_be_empty()
    expect(vote_button(a1, n4)).to_have_attribute("aria-pressed", "false")
    expect(vote_button(a1, n4)).to_be_focused()
    expect(screen.locator('.screen-board[data-group="1"] [data-voters]')).to_have_text("1")

    # The mate changes their mind once (a vote can be taken back), then votes like a1.
    vote_button(a2, n4).click()
    expect(vote_button(a2, n4)).to_have_attribute("aria-pressed", "true")
    vote_button(a2, n4).click()
    expect(vote_button(a2, n4)).to_have_attribute("aria-pressed", "false")
    for text in (n1, n2, n3):
        vote_button(a2, text).click()
        expect(vote_button(a2, text)).to_have_attribute("aria-pressed", "true")
    vote_button(c1, XSS).click()
    vote_button(c1, n5).click()
    vote_button(c2, XSS).click()
    expect(vote_button(c2, XSS)).to_have_attribute("aria-pressed", "true")
    expect(vote_button(c1, n5)).to_have_attribute("aria-pressed", "true")

    # The projector and the facilitator see how many have voted, never how the votes went.
    for number in (1, 2):
        card = screen.locator(f'.screen-board[data-group="{number}"]')
        expect(card.locator("[data-voters]")).to_have_text("2")
        expect(card.locator("[data-members]")).to_have_text("2")
        expect(fac.locator(f'[data-progress="{number}"]')).to_have_text(
            page_text(fac, "board-fac-texts", "progress", voters=2, members=2))
    expect(screen.locator('.screen-board[data-group="1"] .board-notes > li')).to_have_text([n1, n2, n3, n4])
    expect(screen.locator("#screen-boards .note-votes")).to_have_count(0)
    b.check_a11y(screen, "projector while voting")
    b.screenshot(screen, "projector-voting")
    b.screenshot(a1, "phone-board-voting", full_page=True)

    # Voting closes; the results stay hidden (the default "reveal") until the facilitator reveals them.
    fac.locator('section[aria-labelledby="voting-h"] .button-row button[name="action"][value="close"]').click()
    expect(fac.locator(".flash-success")).to_be_visible()
    for phone in (a1, a2):
        expect(phone.locator("#votes-left")).to_be_hidden()
        expect(phone.locator("#top-three")).to_be_hidden()
        expect(phone.locator("#notes .note-votes:visible")).to_have_count(0)
    expect(screen.locator("#screen-boards .note-votes")).to_have_count(0)
    b.check_a11y(fac, "board page before the reveal")
    fac.locator("#reveal-votes").click()
    expect(fac.locator("#reveal-votes")).to_have_count(0)
    # Revealed: each phone shows its group's top 3 and its notes' votes, the projector the counts, live.
    expect(screen.locator('.screen-board[data-group="1"] .note-votes')).to_have_count(4)
    assert_not_reloaded(screen)
    for phone in (a1, a2):
        expect(phone.locator("#top-three")).to_be_visible()
        expect(phone.locator("#top-list > li")).to_have_count(3)
        expect(phone.locator("#votes-left")).to_be_hidden()
        expect(phone.locator("#notes .vote-form").first).to_be_hidden()
    for i, text in enumerate((n1, n2, n3)):
        expect(a1.locator("#top-list > li").nth(i)).to_contain_text(text)
    expect(c2.locator("#top-list > li")).to_have_count(2)
    expect(c2.locator("#top-list > li").first).to_contain_text(XSS)
    expect(c2.locator("#board img")).to_have_count(0)
    b.check_a11y(a1, "phone with the top 3")

    # The presentation: the board page's button starts it, the arrow key moves on.
    fac.locator('#present-form button[formaction$="/present/start"]').click()
    expect(screen.locator("#screen-presentation")).to_be_visible()
    expect(screen.locator("#screen-boards")).to_be_hidden()
    expect(screen.locator("#presentation-body .present-group")).to_have_count(1)
    expect(screen.locator("#presentation-body .present-top > li")).to_have_text([n1, n2, n3])
    for phone in phones:
        expect(phone.locator("#phone-presentation")).to_be_visible()
        expect(phone.locator("#pp-body li")).to_have_text([n1, n2, n3])
        assert_not_reloaded(phone)
    assert_not_reloaded(screen)
    b.check_a11y(screen, "projector presentation")
    b.screenshot(screen, "projector-presentation")
    b.check_a11y(c1, "phone presentation")
    b.screenshot(c1, "phone-presentation", full_page=True)

    def arrow_right() -> None:
        """The facilitator presses → on the board page (the form posts; the page comes back)."""
        fac.wait_for_load_state()  # the key handler is there
        with fac.expect_event("load"):
            fac.keyboard.press("ArrowRight")

    arrow_right()
    expect(screen.locator("#presentation-body .present-top > li")).to_have_text([XSS, n5])
    expect(a1.locator("#pp-body li")).to_have_text([XSS, n5])
    for page in (screen, a1):
        expect(page.locator("#presentation-body img, #pp-body img")).to_have_count(0)
    arrow_right()  # after the last group: all groups side by side
    expect(screen.locator("#presentation-body .present-group")).to_have_count(2)
    b.screenshot(screen, "projector-overview")
    assert_not_reloaded(screen)


def test_note_written_offline_is_delivered_once(browsing, direct):
    b = browsing
    demo = new_demo(direct)
    tokens = [new_participant(direct, demo, person) for person in PEOPLE[:2]]
    seed_groupwork(direct, demo["id"], groups=1, extra_people=0, with_notes=False)  # one group of two
    writer, mate = (open_phone(b, demo, label, token) for label, token in zip(("writer", "mate"), tokens))
    for phone in (writer, mate):
        expect(phone.locator("#add-note-form")).to_be_visible()
    mark_page(mate)
    text = "Kirjoitettu kellarissa ilman verkkoa"

    def stored() -> list[tuple]:
        return stored_notes(direct, text)

    # Offline the note waits in the outbox (and in localStorage, in case the page is closed).
    b.tolerate(r"WebSocket|ERR_INTERNET_DISCONNECTED|ERR_NAME_NOT_RESOLVED|net::ERR_")
    writer.context.set_offline(True)
    expect(writer.locator("body")).to_have_attribute("data-live", "disconnected", timeout=15_000)
    writer.fill("#note-text", text)
    writer.locator('#add-note-form button[type="submit"]').click()
    expect(writer.locator("#outbox > li")).to_have_count(1)
    expect(writer.locator("#outbox > li")).to_contain_text(text)
    expect(writer.locator("#connection")).not_to_be_empty()
    saved = writer.evaluate("""() => Object.keys(localStorage).filter(k => k.startsWith("paja-outbox-"))
                                     .map(k => localStorage.getItem(k)).join("")""")
    assert text in saved
    writer.wait_for_timeout(500)
    assert stored() == []
    expect(note_on_phone(mate, text)).to_have_count(0)

    # Back online: sent by itself, stored once, shown once on both phones.
    writer.context.set_offline(False)
    expect(writer.locator("#outbox")).to_be_hidden(timeout=15_000)
    expect(note_on_phone(writer, text)).to_have_count(1)
    expect(note_on_phone(mate, text)).to_have_count(1)
    assert_not_reloaded(mate)
    rows = stored()
    assert len(rows) == 1, rows

    # The acknowledgement got lost: the phone sends the same note again after a reload. Still once.
    key = writer.evaluate("() => Object.keys(localStorage).find(k => k.startsWith('paja-outbox-'))")
    writer.evaluate("([k, v]) => localStorage.setItem(k, v)",
                    [key, json.dumps([{"client_id": rows[0][1], "text": text}])])
    writer.reload()
    wait_live(writer)
    expect(writer.locator("#outbox")).to_be_hidden(timeout=15_000)
    assert writer.evaluate("k => localStorage.getItem(k)", key) == "[]"
    expect(note_on_phone(writer, text)).to_have_count(1)
    expect(note_on_phone(mate, text)).to_have_count(1)
    assert stored() == rows


# --- many groups on the projector, and the phone at 200 % ----------------------------------------

LONG = ("Järjestöjen ja kuntien yhteinen vapaaehtoistoiminnan koordinaattori, joka kokoaa tapahtumat, tilat "
        "ja avustukset samaan paikkaan ja pitää yhteyttä kaikkiin kyliin. ") * 2


def seed_groupwork(direct, session_id: int, groups: int, extra_people: int, with_notes: bool = True) -> None:
    """A published round, questions given, group work on; with notes, group n has 2 + 2n of them (every
    fourth 270 characters long).

    Straight in the database: many phones would take too long to join and write by hand.
    """
    with direct.app_context():
        db = get_db()
        s = db.get(sessions.Session, session_id)
        munis, backgrounds = ["320", "583", "614", "732", "742"], ["ngo", "officer", "resident", "elected", "business"]
        for i in range(extra_people):
            sessions.join(db, s, JoinData(munis[i % 5], backgrounds[(i // 5) % 5], f"P{i}"))
        round_ = rounds.create_round(db, s, rounds.RoundSettings("mixed", group_count=groups))
        rounds.publish_round(db, s, round_)
        rounds.assign_questions(db, s, round_, "per_group")
        sessions.set_phase(db, s, "groupwork")
        for g in round_.groups if with_notes else []:
            for i in range(2 + 2 * g.number):
                writer = db.get(Participant, g.members[i % len(g.members)].participant_id)
                text = LONG[:270] if i % 4 == 1 else f"Ryhmän {g.number} ajatus {i + 1}: yhteinen kalenteri"
                flipchart.add_note(db, s, writer, f"seed-{g.number}-{i}-xxxxxx", text)


def seed_votes_and_present(direct, session_id: int, *actions: str) -> None:
    """Everyone votes three notes of their group, voting closes, the presentation takes `actions`."""
    with direct.app_context():
        db = get_db()
        s = db.get(sessions.Session, session_id)
        round_ = rounds.current_round(db, s)
        if round_.groups[0].voting == "not_started":
            flipchart.open_voting(db, s, round_)
            for g in round_.groups:
                ids = [n.id for n in flipchart.visible_notes(db, g)]
                for k, m in enumerate(g.members):
                    for note_id in ids[k:k + 3]:
                        flipchart.cast_vote(db, s, db.get(Participant, m.participant_id), note_id, True)
            flipchart.close_voting(db, s, round_)
        for action in actions:
            flipchart.step_presentation(db, s, round_, action)


def boxes_inside_viewport(page, selector: str) -> list[str]:
    """Elements matching `selector` that stick out of the viewport or out of their own box."""
    return page.evaluate("""s => {
        const w = window.innerWidth, h = window.innerHeight, out = [];
        document.querySelectorAll(s).forEach(el => {
            const r = el.getBoundingClientRect();
            if (r.left < -1 || r.right > w + 1 || r.bottom > h + 1) out.push(el.className + " " + JSON.stringify(r));
            if (el.scrollWidth > el.clientWidth + 1) out.push(el.className + " overflows sideways");
        });
        return out;
    }""", selector)


def sticking_out(page, width: int) -> list[str]:
    """Text that reaches past `width` CSS pixels (the page would scroll sideways), with the page's width."""
    return page.evaluate("""width => {
        const out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode, range = document.createRange();
            range.selectNodeContents(node);
            const right = range.getBoundingClientRect().right;
            if (right > width + 1 && !node.parentElement.closest(".visually-hidden, [hidden], template")) {
                out.push(`${node.parentElement.tagName}.${node.parentElement.className}: `
                         + `${JSON.stringify(node.textContent.trim().slice(0, 40))} to ${Math.round(right)} px`);
            }
        }
        const scroll = document.documentElement.scrollWidth;
        if (scroll > width) { out.push(`page is ${scroll} px wide`); }
        return out;
    }""", width)


def test_projector_fits_eight_flipcharts_and_phone_reflows(browsing, direct):
    b = browsing
    demo = new_demo(direct)
    seed_groupwork(direct, demo["id"], groups=8, extra_people=24)
    screen = b.new_page("projector", **PROJECTOR)
    screen.goto(demo["screen"])
    wait_live(screen)
    expect(screen.locator("#screen-boards .screen-board")).to_have_count(8)
    b.screenshot(screen, "projector-8-groups")
    assert boxes_inside_viewport(screen, "#screen-boards .screen-board") == []
    # Readable from the back of the room: notes at least 20 px on a 1080p projector, the newest in view.
    sizes = screen.locator(".board-notes > li").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert min(sizes) >= 20, sizes
    newest = screen.locator('.screen-board[data-group="8"] .board-notes > li').last
    expect(newest).to_be_in_viewport()
    b.check_a11y(screen, "projector with 8 flipcharts")

    # A phone of the workshop at 200 % zoom (375 px wide → 188 CSS px): nothing sideways.
    phone = join(b, direct, demo, PEOPLE[0])  # a late arrival: placed in a group at once
    expect(phone.locator("#board")).to_be_visible()
    phone.fill("#note-text", "Pitkä sana: elinvoimapajatyöskentelymenetelmäkokonaisuus")
    phone.locator('#add-note-form button[type="submit"]').click()
    expect(phone.locator("#outbox")).to_be_hidden()
    zoomed = b.new_page("phone-200", viewport={"width": 188, "height": 334}, device_scale_factor=4,
                        is_mobile=True, has_touch=True)
    zoomed.context.add_cookies(phone.context.cookies())
    zoomed.goto(f"/{demo['code']}")
    wait_live(zoomed)
    expect(zoomed.locator("#board")).to_be_visible()
    b.screenshot(zoomed, "phone-board-200", full_page=True)
    wide = sticking_out(zoomed, 188)
    assert wide == [], f"wider than the phone at 200 % zoom: {wide}"

    # Voting closed; the overview of all 8 groups' top 3 fits the projector, and so does one group's
    # top 3 with a long point.
    seed_votes_and_present(direct, demo["id"], "overview")
    screen.reload()
    wait_live(screen)
    expect(screen.locator("#presentation-body .present-group")).to_have_count(8)
    b.screenshot(screen, "projector-8-overview")
    assert boxes_inside_viewport(screen, "#presentation-body .present-group") == []
    b.check_a11y(screen, "projector overview of 8 groups")
    seed_votes_and_present(direct, demo["id"], "start", "next")
    screen.reload()
    expect(screen.locator("#presentation-body .present-group")).to_have_count(1)
    expect(screen.locator("#presentation-body .present-top > li.long")).not_to_have_count(0)
    b.screenshot(screen, "projector-8-group-2")
    assert boxes_inside_viewport(screen, "#presentation-body .present-top > li") == []
