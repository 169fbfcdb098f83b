"""End to end in chromium: two phones of one municipality write its plan together, live.

The plan is redrawn from the live `plan` event: neither a save by the other phone nor a reconnect
fetches the page again (the phone's first visit stays the only page load). Every page is checked with
axe-core; a JavaScript error or CSP violation in any console fails the test.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.grouping.test_browser_groups import join, log_in
from tests.web.test_browser import assert_not_reloaded, mark_page, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    srv = server_factory()
    srv.demo = srv.create_demo()
    return srv.start()


def page_loads(page, code: str) -> list[str]:
    """Every later request for the participant page itself (a reload or a fetch of the page)."""
    loads: list[str] = []
    page.on("request", lambda r: loads.append(r.url) if re.search(rf"/{code}(\?|$)", r.url) else None)
    return loads


def test_two_phones_write_the_plan_live_without_fetching_the_page(browsing, server):
    b = browsing
    fac = log_in(b, server)
    aino = join(b, server, ("Aino", "320", "ngo"))
    ville = join(b, server, ("Ville", "320", "officer"))
    fac.locator('.phase-buttons button[value="plan"]').click()
    expect(fac.locator('.phase-buttons button[value="plan"]')).to_have_attribute("aria-pressed", "true")
    loads = {p: page_loads(p, server.demo["code"]) for p in (aino, ville)}
    for phone in (aino, ville):
        wait_live(phone)
        expect(phone.locator("#plan")).to_be_visible()
        mark_page(phone)

    aino.fill("#padd-what", "Yhteinen tapahtumakalenteri kaikille yhdistyksille")
    aino.fill("#padd-owner", "Kunnan vapaa-aikatoimi")
    aino.locator('#plan form[data-event="plan_save"] button.primary').click()
    item = ville.locator("#plan-items .plan-item")
    expect(item.locator(".plan-what")).to_have_text("Yhteinen tapahtumakalenteri kaikille yhdistyksille")
    expect(item.locator(".plan-meta")).to_contain_text("Kunnan vapaa-aikatoimi")
    expect(aino.locator("#plan-items .plan-item .plan-what")).to_have_count(1)

    # Ville edits the new action through its own (drawn) form: its labels point at its own fields.
    item.locator("summary").click()
    edit = item.locator("form")
    status = edit.locator("select[name='status']")
    expect(edit.locator(f"label[for='{status.get_attribute('id')}']")).to_have_count(1)
    status.select_option("in_progress")
    done_label = status.locator("option[value='in_progress']").text_content()
    edit.locator("button").click()
    expect(aino.locator("#plan-items .plan-meta strong")).to_have_text(done_label)
    expect(item.locator(".plan-meta strong")).to_have_text(done_label)
    b.check_a11y(ville, "phone-plan-drawn")

    # A reconnect brings the plan snapshot over the socket; the page is not fetched again.
    aino.evaluate("Paja.socket.io.engine.close()")
    expect(aino.locator("body")).to_have_attribute("data-live", "disconnected")
    wait_live(aino)
    expect(aino.locator("#plan-items .plan-meta strong")).to_have_text(done_label)
    for phone in (aino, ville):
        assert_not_reloaded(phone)
        assert loads[phone] == [], loads[phone]
