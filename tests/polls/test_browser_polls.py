"""End to end in chromium: the facilitator asks the room a question, phones answer, the projector follows.

A multiple-choice poll and a word cloud go from the facilitator's form to every phone without a
reload; answers reach the projector's chart and cloud live. Every page is checked with axe-core
(WCAG 2.1 A/AA); a JavaScript error or CSP violation in any console fails the test.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import PROJECTOR
from tests.grouping.test_browser_groups import join, log_in
from tests.web.test_browser import SUBMIT, assert_not_reloaded, mark_page, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    srv = server_factory()
    srv.demo = srv.create_demo()
    return srv.start()



def new_poll(fac, kind: str, question: str, options: str = "", show_results: str = "live") -> None:
    """A poll from the form; "live" (not the default) where the test follows the running results."""
    fac.check(f'input[name="kind"][value="{kind}"]')
    # (each listed poll has a form of its own with these names: the new poll's form is the one of class stack)
    fac.check(f'form.stack input[name="show_results"][value="{show_results}"]')
    fac.fill("#question", question)
    fac.fill("#options", options)
    fac.locator(SUBMIT).click()
    expect(fac.locator(".poll-item h3", has_text=question)).to_be_visible()


def open_poll(fac, question: str) -> None:
    item = fac.locator(".poll-item", has=fac.locator("h3", has_text=question))
    item.locator('form[action$="/open"] button').click()
    wait_live(fac)


def test_poll_and_word_cloud_live(browsing, server):
    b = browsing
    fac = log_in(b, server)
    fac.locator('a[href$="/polls"]').click()
    expect(fac).to_have_url(re.compile(r"/polls$"))
    b.check_a11y(fac, "polls-empty")

    # A form error is shown in words, next to the field, and linked from the summary.
    fac.check('input[name="kind"][value="choice"]')
    fac.fill("#question", "Mikä on tärkeintä?")
    fac.fill("#options", "vain yksi")
    fac.locator(SUBMIT).click()
    expect(fac.locator("#error-summary")).to_be_visible()
    b.check_a11y(fac, "polls-form-error")
    new_poll(fac, "choice", "Mikä on tärkeintä?", "Nuoret\nTyöpaikat\nPalvelut")

    phones = [join(b, server, ("Aino", "320", "ngo")), join(b, server, ("Ville", "732", "officer"))]
    screen = b.new_page("projector", **PROJECTOR)
    screen.goto(server.demo["screen"])
    for page in (*phones, screen):
        wait_live(page)
        mark_page(page)
        expect(page.locator("#poll, #screen-poll").first).to_be_hidden()

    open_poll(fac, "Mikä on tärkeintä?")
    for page in phones:
        expect(page.locator("#poll legend")).to_have_text("Mikä on tärkeintä?")
    expect(screen.locator("#screen-poll-question")).to_have_text("Mikä on tärkeintä?")
    b.check_a11y(phones[0], "phone-choice-poll")

    phones[0].get_by_label("Palvelut").check()
    phones[0].locator("#poll-submit").click()
    expect(phones[0].locator("#poll-saved")).not_to_be_empty()
    phones[1].get_by_label("Palvelut").check()
    phones[1].locator("#poll-submit").click()
    expect(phones[1].locator("#poll-saved")).not_to_be_empty()
    phones[1].get_by_label("Nuoret").check()  # changes their mind
    phones[1].locator("#poll-submit").click()
    bars = screen.locator("#screen-poll .poll-bar")
    expect(bars.nth(2).locator(".poll-count")).to_contain_text("1 (50")
    expect(bars.nth(0).locator(".poll-count")).to_contain_text("1 (50")
    assert bars.nth(2).locator(".poll-bar-fill").get_attribute("width") == "50"
    expect(fac.locator(".poll-item").first.locator(".poll-total")).to_contain_text("2")
    b.check_a11y(screen, "projector-choice-poll")
    b.screenshot(screen, "projector-choice-poll")
    b.screenshot(phones[1], "phone-choice-poll", full_page=True)

    # A word cloud replaces it on every phone; inflected forms count as one word.
    new_poll(fac, "words", "Kuka tekee?")
    open_poll(fac, "Kuka tekee?")
    for page, word in zip(phones, ("järjestöt", "järjestöjen")):
        expect(page.locator("#poll label.poll-question")).to_have_text("Kuka tekee?")
        page.fill("#poll-text", word)
        page.locator("#poll-submit").click()
        expect(page.locator("#poll-mine li")).to_have_text([word])
        expect(page.locator("#poll-text")).to_have_value("")
    phones[0].fill("#poll-text", "yksi kaksi kolme")
    phones[0].locator("#poll-submit").click()
    expect(phones[0].locator("#poll-error")).not_to_be_empty()
    expect(phones[0].locator("#poll-text")).to_have_attribute("aria-invalid", "true")
    b.check_a11y(phones[0], "phone-words-error")
    top = screen.locator("#screen-poll .word-cloud li").first
    expect(top.locator(".word-count")).to_have_text("2")
    expect(top.locator(".word")).to_have_text(re.compile(r"^järjestö(t)?$"))  # "järjestö" with Voikko
    b.check_a11y(screen, "projector-word-cloud")
    b.screenshot(screen, "projector-word-cloud")
    b.screenshot(phones[0], "phone-word-cloud", full_page=True)

    item = fac.locator(".poll-item", has=fac.locator("h3", has_text="Kuka tekee?"))
    item.locator('form[action$="/close"] button').click()
    for page in phones:
        expect(page.locator("#poll")).to_be_hidden()
        assert_not_reloaded(page)
    assert_not_reloaded(screen)
    b.check_a11y(fac, "polls-list")
    b.screenshot(fac, "polls-page", full_page=True)


def test_hidden_poll_shows_the_projector_only_the_count_until_revealed(browsing, server):
    """Results hidden until revealed (issue 16 item 4), the default: phones answer, the projector shows
    only how many have answered; the facilitator reveals and the bars appear on the projector live."""
    b = browsing
    fac = log_in(b, server)
    fac.locator('a[href$="/polls"]').click()
    expect(fac.locator('form.stack input[name="show_results"][value="reveal"]')).to_be_checked()  # the default
    new_poll(fac, "choice", "Mitä kokeillaan ensin?", "Kylätalo\nKimppakyydit\nNuorisotila", show_results="reveal")
    open_poll(fac, "Mitä kokeillaan ensin?")
    phones = [join(b, server, ("Maija", "320", "ngo")), join(b, server, ("Pekka", "583", "resident"))]
    screen = b.new_page("projector", **PROJECTOR)
    screen.goto(server.demo["screen"])
    wait_live(screen)
    mark_page(screen)
    for page, option in zip(phones, ("Kimppakyydit", "Kylätalo")):
        page.get_by_label(option).check()
        page.locator("#poll-submit").click()
        expect(page.locator("#poll-saved")).not_to_be_empty()
    results = screen.locator("#screen-poll .poll-results")
    expect(results.locator(".poll-total")).to_contain_text("2")
    expect(results).to_have_class(re.compile(r"\bpoll-hidden\b"))
    expect(screen.locator("#screen-poll .poll-bar")).to_have_count(0)
    expect(screen.locator("#screen-poll")).not_to_contain_text("Kimppakyydit")
    b.check_a11y(screen, "projector-hidden-poll")
    b.screenshot(screen, "projector-hidden-poll")
    item = fac.locator(".poll-item", has=fac.locator("h3", has_text="Mitä kokeillaan ensin?"))
    expect(item.locator(".poll-bar")).to_have_count(3)  # the facilitator sees the running results
    b.check_a11y(fac, "polls-page-hidden-poll")

    item.locator("button[id^='reveal-poll-']").click()
    expect(screen.locator("#screen-poll .poll-bar")).to_have_count(3)
    expect(screen.locator("#screen-poll .poll-bar").nth(1).locator(".poll-count")).to_contain_text("1 (50")
    assert_not_reloaded(screen)
    phones[0].get_by_label("Nuorisotila").check()  # revealed: the projector follows live
    phones[0].locator("#poll-submit").click()
    expect(screen.locator("#screen-poll .poll-bar").nth(2).locator(".poll-count")).to_contain_text("1 (50")
    b.check_a11y(screen, "projector-revealed-poll")
