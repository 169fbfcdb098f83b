"""End to end in chromium: the facilitator runs a countdown; a phone and the projector follow it live.

The clock ticks in each browser; at 1 minute left and at 0 the words, the icon and the border change
and a screen reader hears each moment once. The pages' own clocks are moved forward (Date.now) so
the test does not wait for minutes. axe-core checks the pages with the timer on screen.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import PROJECTOR
from tests.grouping.test_browser_groups import join, log_in
from tests.web.test_browser import assert_not_reloaded, mark_page, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.server]

CLOCK = re.compile(r"^\d\d:\d\d$")


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    srv = server_factory()
    srv.demo = srv.create_demo()
    return srv.start()



def move_clock(page, seconds: int) -> None:
    """Move the page's clock forward (only Date.now: the socket's own timers keep real time)."""
    page.evaluate("""s => {
        if (!window.__pajaRealNow) { window.__pajaRealNow = Date.now.bind(Date); window.__pajaShift = 0; }
        window.__pajaShift += s * 1000;
        Date.now = () => window.__pajaRealNow() + window.__pajaShift;
    }""", seconds)


def timer_text(page, key: str) -> str:
    return page.locator(f'#timer-texts [data-text="{key}"]').text_content()


def test_countdown_is_started_signalled_paused_and_reset_live(browsing, server):
    b = browsing
    fac = log_in(b, server)
    screen = b.new_page("projector", **PROJECTOR)
    screen.goto(server.demo["screen"])
    phone = join(b, server, ("Aino", "320", "ngo"))
    phone.emulate_media(reduced_motion="reduce")
    for page in (screen, phone):
        wait_live(page)
        expect(page.locator("#timer")).to_be_hidden()
        mark_page(page)

    # A custom timer of 2 minutes, started with the form (a plain POST).
    fac.fill("#timer-minutes", "2")
    fac.fill("#timer-label-input", "Kahvitauko")
    fac.locator('form[action$="/timer/start"]').filter(has=fac.locator("#timer-minutes")).locator("button").click()
    expect(fac.locator("#timer")).to_be_visible()
    expect(fac.locator('form[action$="/timer/pause"]')).to_be_visible()
    expect(fac.locator('form[action$="/timer/resume"]')).to_be_hidden()
    for page in (screen, phone):
        expect(page.locator("#timer")).to_be_visible()
        expect(page.locator("#timer-label")).to_have_text("Kahvitauko")
        expect(page.locator("#timer-clock")).to_have_text(re.compile(r"^0[12]:\d\d$"))
        expect(page.locator("#timer")).to_have_attribute("data-timer-status", "running")
        assert page.locator("#timer-announce").text_content() == ""
        assert_not_reloaded(page)
    first = phone.locator("#timer-clock").text_content()
    expect(phone.locator("#timer-clock")).not_to_have_text(first, timeout=3000)  # it ticks by itself
    b.check_a11y(phone, "phone with a running timer")
    b.check_a11y(screen, "projector with a running timer")

    # 1 minute left: words, triangle, dashed border; said once. The projector pulses, the phone
    # (reduced motion) does not.
    for page in (screen, phone):
        page.evaluate("""document.getElementById("timer").addEventListener("animationstart",
                                                                       e => { window.__pulse = e.animationName; })""")
        move_clock(page, 61)
    for page in (screen, phone):
        expect(page.locator("#timer")).to_have_attribute("data-timer-status", "warning")
        expect(page.locator("#timer-message")).to_have_text(timer_text(page, "warning"))
        expect(page.locator("#timer-announce")).to_have_text(timer_text(page, "warning"))
        expect(page.locator("#timer-clock")).to_have_text(re.compile(r"^00:[0-5]\d$"))
    assert screen.evaluate("window.__pulse") == "timer-pulse"
    assert phone.evaluate("window.__pulse === undefined"), "the phone asked for reduced motion"
    b.check_a11y(screen, "projector at 1 minute left")

    # Time is up.
    move_clock(phone, 120)
    expect(phone.locator("#timer")).to_have_attribute("data-timer-status", "done")
    expect(phone.locator("#timer-clock")).to_have_text("00:00")
    expect(phone.locator("#timer-announce")).to_have_text(timer_text(phone, "done"))
    expect(phone.locator("#timer-message")).to_have_text(timer_text(phone, "done"))
    b.check_a11y(phone, "phone when time is up")

    # Pause: the projector stops ticking and says so; the phone's announcement is cleared.
    fac.locator('form[action$="/timer/pause"] button').click()
    expect(fac.locator('form[action$="/timer/resume"]')).to_be_visible()
    expect(screen.locator("#timer")).to_have_attribute("data-timer-status", "paused")
    expect(screen.locator("#timer-message")).to_have_text(timer_text(screen, "paused"))
    stopped = screen.locator("#timer-clock").text_content()
    assert CLOCK.match(stopped), stopped
    screen.wait_for_timeout(1500)
    assert screen.locator("#timer-clock").text_content() == stopped
    expect(phone.locator("#timer-announce")).to_have_text("")

    # +5 min while paused, then reset: the timer goes away everywhere.
    fac.locator('form[action$="/timer/extend"] button[value="5"]').click()
    expect(screen.locator("#timer-clock")).not_to_have_text(stopped)
    fac.locator('form[action$="/timer/reset"] button').click()
    expect(fac.locator("[data-timer-idle]")).to_be_visible()
    for page in (screen, phone):
        expect(page.locator("#timer")).to_be_hidden()
        assert_not_reloaded(page)
    b.check_a11y(fac, "facilitator's session page with timer controls")
