"""End to end in chromium: a grouping round from the facilitator's form to every phone and the projector.

The facilitator forms mixed groups, moves one person with the keyboard, names a table and publishes;
phones and the projector show the groups live. A phone that joins afterwards lands in a group at
once, and the facilitator's open round page hears about it. Every page is checked with axe-core
(WCAG 2.1 A/AA); a JavaScript error or CSP violation in any console fails the test.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import LAPTOP, PHONE, PROJECTOR, Browsing, fill_join_form
from tests.web.test_browser import SUBMIT, assert_not_reloaded, mark_page, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.server]

# (first name, municipality, background): demo municipalities are 320, 583, 614, 732, 742.
PEOPLE = [
    ("Aino", "320", "ngo"),
    ("Ville", "732", "officer"),
    ("Eeva", "583", "resident"),
    ("Kalle", "614", "elected"),
    ("Saara", "742", "business"),
    ("Oskari", "320", "parish"),
]
LATE = ("Lauri", "732", "ngo")
TABLE = "Ikkunapöytä"


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    srv = server_factory()
    srv.demo = srv.create_demo()
    return srv.start()


# --- steps -----------------------------------------------------------------------------------

def log_in(b: Browsing, server):
    """The demo facilitator logs in through the form and opens the demo workshop."""
    fac = b.new_page("facilitator", **LAPTOP)
    fac.goto("/login")
    fac.fill("#email", server.demo["email"])
    fac.fill("#password", server.demo["password"])
    fac.locator(SUBMIT).click()
    expect(fac).to_have_url(re.compile(r"/f/$"))
    fac.locator('main a[href*="/f/sessions/"]:not([href$="/new"])').first.click()
    expect(fac).to_have_url(re.compile(r"/f/sessions/\d+$"))
    return fac


def join(b: Browsing, server, person: tuple[str, str, str]):
    name, municipality, background = person
    phone = b.new_page(f"phone-{name}", **PHONE)
    phone.goto(f"/{server.demo['code']}")
    fill_join_form(phone, municipality, background, name)
    phone.locator(SUBMIT).click()
    expect(phone.locator('#live-root[data-role="participant"]')).to_be_visible()
    return phone


def groups_on_round_page(fac) -> dict[str, int]:
    """First name → group number, as the facilitator's round page shows them."""
    return fac.locator("#groups > li.group-card").evaluate_all("""cards => {
        const out = {};
        for (const card of cards) {
          const n = parseInt(card.id.replace("group-", ""), 10);
          for (const el of card.querySelectorAll(".members .member-name")) {
            out[el.textContent.trim()] = n;
          }
        }
        return out;
    }""")


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus; fails if Tab never gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} is not reachable with Tab ({limit} presses)")


def assert_focus_visible(page) -> None:
    """The focused element matches :focus-visible and draws an outline or a focus ring."""
    style = page.evaluate("""() => {
        const el = document.activeElement, cs = getComputedStyle(el);
        return {visible: el.matches(":focus-visible"), outline: cs.outlineStyle, width: cs.outlineWidth,
                shadow: cs.boxShadow};
    }""")
    assert style["visible"], f"focus is not :focus-visible: {style}"
    assert (style["outline"] != "none" and style["width"] != "0px") or style["shadow"] != "none", \
        f"the focused element shows no focus indicator: {style}"


# --- the test --------------------------------------------------------------------------------

def test_round_is_formed_adjusted_published_and_late_arrival_placed(browsing, server):
    b = browsing
    fac = log_in(b, server)

    screen = b.new_page("projector", **PROJECTOR)
    screen.goto(server.demo["screen"])
    wait_live(screen)
    expect(screen.locator("#screen-groups")).to_be_hidden()  # no published round yet
    mark_page(screen)

    phones = {person[0]: join(b, server, person) for person in PEOPLE}
    for phone in phones.values():
        wait_live(phone)
        expect(phone.locator("#my-group")).to_be_hidden()
        mark_page(phone)
    expect(screen.locator('#screen-counts [data-count="total"]')).to_have_text(str(len(PEOPLE)))

    # The rounds page: a new mixed round, two people per group.
    fac.locator('main a[href$="/rounds"]').click()
    expect(fac).to_have_url(re.compile(r"/f/sessions/\d+/rounds$"))
    b.check_a11y(fac, "rounds page")
    fac.check('input[name="strategy"][value="mixed"]')
    fac.check('input[name="size_mode"][value="size"]')
    fac.fill("#size", "2")
    fac.locator('main form.stack button[type="submit"]').click()
    expect(fac).to_have_url(re.compile(r"/f/sessions/\d+/rounds/1$"))
    cards = fac.locator("#groups > li.group-card")
    expect(cards).to_have_count(3)
    before = groups_on_round_page(fac)
    assert sorted(before) == sorted(p[0] for p in PEOPLE), before
    b.check_a11y(fac, "round preview")

    # Move one person from group 1 to group 2 with the keyboard only.
    mover = next(name for name, n in before.items() if n == 1)
    item = fac.locator("#group-1 .members li").filter(has=fac.locator(".member-name", has_text=mover))
    select_id = item.locator("select").get_attribute("id")
    fac.locator("h1").click()  # start from the top of the content, as a keyboard user would
    tab_to(fac, f"#{select_id}")
    assert_focus_visible(fac)
    fac.keyboard.press("ArrowDown")  # a closed select changes its value with the arrow keys
    expect(fac.locator(f"#{select_id}")).to_have_value("2")
    fac.keyboard.press("Tab")
    assert fac.evaluate("document.activeElement.closest('form.move') !== null"
                        " && document.activeElement.type === 'submit'"), "Tab from the select skips its button"
    assert_focus_visible(fac)
    fac.keyboard.press("Enter")
    expect(fac.locator("#group-2 .member-name", has_text=mover)).to_be_visible()
    expect(fac.locator(".flash-success")).to_be_visible()
    moved = groups_on_round_page(fac)
    assert moved == {**before, mover: 2}, moved
    b.check_a11y(fac, "round after a move")

    # A table for group 1, then publish.
    fac.fill("#table-1", TABLE)
    mark_page(fac)
    fac.locator("form.table-label").filter(has=fac.locator("#table-1")).locator("button").click()
    fac.wait_for_function("window.__pajaNoReload !== true")  # the form post brought a new page
    expect(fac.locator("#table-1")).to_have_value(TABLE)
    fac.locator('form[action$="/publish"] button').click()
    expect(fac.locator('form[action$="/publish"]')).to_have_count(0)
    expect(fac.locator(".flash-success")).to_be_visible()
    published = groups_on_round_page(fac)
    assert published == moved
    wait_live(fac)
    mark_page(fac)

    # Every phone shows its own group, live.
    for name, phone in phones.items():
        card = phone.locator("#my-group")
        expect(card).to_be_visible()
        expect(phone.locator("#live-root")).to_have_attribute("data-group", str(published[name]))
        expect(phone.locator("#my-group-text")).to_contain_text(str(published[name]))
        expect(phone.locator("#my-group-colour")).not_to_be_empty()
        if published[name] == 1:
            expect(phone.locator("#my-group-table-text")).to_have_text(TABLE)
        else:
            expect(phone.locator("#my-group-table")).to_be_hidden()
        assert_not_reloaded(phone)
    shown = next(phone for name, phone in phones.items() if published[name] == 1)
    b.check_a11y(shown, "phone with group card")
    b.screenshot(shown, "phone-group", full_page=True)

    # The projector shows all groups, live.
    expect(screen.locator("#screen-groups")).to_be_visible()
    expect(screen.locator("#screen-groups .screen-group")).to_have_count(3)
    expect(screen.locator("#screen-groups .screen-group .names li")).to_have_count(len(PEOPLE))
    expect(screen.locator("#screen-groups .screen-group").first).to_contain_text(TABLE)
    assert_not_reloaded(screen)
    b.check_a11y(screen, "projector with groups")
    b.screenshot(screen, "projector-groups")

    # Someone arrives late: placed at once; the open round page hears about it.
    late = join(b, server, LATE)
    expect(late.locator("#my-group")).to_be_visible()
    served = late.request.get(late.url).text()  # the page itself has the group, before any socket event
    assert re.search(r'<section[^>]*id="my-group"(?![^>]*\bhidden\b)[^>]*>', served), "late page has no group card"
    arrival = fac.locator("#groups li.late-arrival", has_text=LATE[0])
    expect(arrival).to_be_visible()
    expect(fac.locator("#round-notice")).not_to_be_empty()
    expect(fac.locator("#round-notice")).to_contain_text(LATE[0])
    late_group = int(arrival.evaluate("li => li.closest('li.group-card').id.replace('group-', '')"))
    expect(late.locator("#my-group-text")).to_contain_text(str(late_group))
    wait_live(late)
    expect(late.locator("#live-root")).to_have_attribute("data-group", str(late_group))
    expect(screen.locator("#screen-groups .screen-group .names li")).to_have_count(len(PEOPLE) + 1)
    expect(screen.locator("#screen-groups .screen-group").nth(late_group - 1)).to_contain_text(LATE[0])
    assert_not_reloaded(fac)
    assert_not_reloaded(screen)
    b.check_a11y(fac, "round page with a late arrival")
    b.check_a11y(late, "late phone with group card")
    b.screenshot(late, "phone-late-group", full_page=True)
    b.screenshot(fac, "round-page", full_page=True)

    # After publishing a move still reaches the phone live.
    other = 2 if published[mover] != 2 else 3
    item = fac.locator("#groups .members li").filter(has=fac.locator(".member-name", has_text=mover))
    item.locator("select").select_option(str(other))
    item.locator("button").click()
    expect(fac.locator(f"#group-{other} .member-name", has_text=mover)).to_be_visible()
    expect(phones[mover].locator("#live-root")).to_have_attribute("data-group", str(other))
    expect(screen.locator("#screen-groups .screen-group").nth(other - 1)).to_contain_text(mover)
    assert_not_reloaded(phones[mover])
    assert_not_reloaded(screen)

    # A projector opened (or reloaded) now gets the groups with the page itself, not only by socket.
    served = screen.request.get(screen.url).text()
    assert re.search(r'<section[^>]*id="screen-groups"(?![^>]*\bhidden\b)[^>]*>', served), "groups hidden"
    assert served.count('class="screen-group"') == 3
    assert LATE[0] in served
