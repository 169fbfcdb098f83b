"""End to end in chromium: the room's questions to the panel.

The facilitator's run sheet steps into the questions; a phone asks and another sees it live and upvotes;
the projector shows the questions without counts until the facilitator reveals them, then the top ones by
votes; the facilitator pins, marks answered and merges a duplicate from the run sheet. Phone, projector and
run sheet are checked with axe-core (WCAG 2.1 A/AA); a JavaScript error or CSP violation fails the test.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import PROJECTOR
from tests.grouping.test_browser_groups import join, log_in
from tests.web.test_browser import assert_not_reloaded, mark_page, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.server]

FIRST, SECOND, DUPLICATE = "Miten kyydit kuntien välillä järjestetään?", "Kuka vastaa kyläkouluista?", \
    "Kuka järjestää kyydit?"


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    srv = server_factory()
    srv.demo = srv.create_demo()
    return srv.start()


def next_step(fac) -> None:
    fac.locator("#next-step").click()
    wait_live(fac)


def ask(phone, text: str) -> None:
    phone.fill("#qa-text", text)
    phone.locator("#qa-submit").click()
    expect(phone.locator("#qa-status")).not_to_be_empty()
    expect(phone.locator("#qa-text")).to_have_value("")


def item(page, text: str, selector: str = ".qa-item, .screen-qa-item"):
    return page.locator(selector, has=page.locator(".qa-text", has_text=text))


def staff_item(fac, text: str):
    return fac.locator(".qa-staff-item", has=fac.locator(".qa-text", has_text=text))


def test_questions_to_the_panel_live(browsing, server):
    b = browsing
    fac = log_in(b, server)
    phones = [join(b, server, ("Aino", "320", "ngo")), join(b, server, ("Ville", "732", "officer"))]
    screen = b.new_page("projector", **PROJECTOR)
    screen.goto(server.demo["screen"])
    for page in (*phones, screen, fac):
        wait_live(page)
    next_step(fac)  # information
    next_step(fac)  # questions
    expect(fac.locator("#qa-moderation")).to_be_visible()
    for page in (*phones, screen):
        mark_page(page)
        expect(page.locator("#qa, #screen-qa").first).to_be_visible()

    ask(phones[0], FIRST)
    expect(item(phones[1], FIRST)).to_be_visible()  # the other phone sees it live
    expect(item(phones[0], FIRST).locator(".qa-own")).to_be_visible()  # one's own: no upvote button
    b.check_a11y(phones[0], "phone-qa")
    phones[1].locator("#qa-text").fill("")
    phones[1].locator("#qa-submit").click()
    expect(phones[1].locator("#qa-error")).not_to_be_empty()  # empty: a message, nothing sent
    ask(phones[1], SECOND)
    ask(phones[1], DUPLICATE)
    upvote = item(phones[1], FIRST).locator("button.qa-upvote")
    upvote.click()
    expect(upvote).to_have_attribute("aria-pressed", "true")
    expect(item(screen, FIRST)).to_be_visible()
    expect(screen.locator("#screen-qa .qa-votes")).to_have_count(0)  # results hidden until revealed
    b.check_a11y(screen, "projector-qa-hidden-results")

    # The run sheet follows live; the facilitator sees the counts all along.
    expect(staff_item(fac, FIRST).locator(".qa-meta")).to_contain_text("1 ääni")
    b.check_a11y(fac, "runsheet-qa")
    staff_item(fac, DUPLICATE).locator("select[name=target]").select_option(label=FIRST)
    staff_item(fac, DUPLICATE).get_by_role("button", name="Yhdistä").click()
    expect(staff_item(fac, DUPLICATE)).to_have_count(0)
    expect(item(phones[0], DUPLICATE)).to_have_count(0)
    staff_item(fac, SECOND).get_by_role("button", name="Kiinnitä kärkeen").click()
    expect(item(screen, SECOND)).to_have_class("screen-qa-item is-pinned")
    staff_item(fac, FIRST).get_by_role("button", name="Merkitse vastatuksi").click()
    expect(item(phones[0], FIRST).locator(".qa-flag")).to_have_text("Vastattu")

    fac.locator("#qa-reveal").click()
    expect(screen.locator("#screen-qa .qa-votes")).to_have_count(2)
    expect(screen.locator("#screen-qa-list .qa-text")).to_have_text([SECOND, FIRST])  # pinned first, answered last
    expect(item(screen, FIRST).locator(".qa-votes")).to_have_text("1 ääni")
    expect(item(phones[0], FIRST).locator(".qa-votes")).to_be_visible()
    b.check_a11y(screen, "projector-qa-revealed")
    b.check_a11y(phones[1], "phone-qa-revealed")
    b.check_a11y(fac, "runsheet-qa-revealed")
    for page in (*phones, screen):
        assert_not_reloaded(page)
    fac.locator('a[href$="/qa"]').first.click()  # the Q&A's own page, one link away
    expect(fac.locator(".qa-staff-item")).to_have_count(2)
    expect(fac.locator("details summary", has_text="yhdistetty kysymys")).to_be_visible()
    b.check_a11y(fac, "facilitator-qa-page")
    b.screenshot(screen, "projector-qa")
    b.screenshot(phones[0], "phone-qa", full_page=True)
