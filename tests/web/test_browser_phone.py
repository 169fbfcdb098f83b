"""The phone through an evening, in chromium: join in one screen, only the current phase on the phone,
nothing typed lost, and a results page that keeps the whole evening.

One server (with the demo workshop) and one chromium for the module. Phases and groups are driven by the
facilitator's own no-JS forms (POSTed from the facilitator's logged-in page), so the test follows the
phone, whichever page the facilitator uses to run the evening.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import PHONE, Browsing
from tests.grouping.test_browser_groups import log_in
from tests.web.test_browser import assert_not_reloaded, mark_page, phase_label, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.server]

SMALL_PHONE = {**PHONE, "viewport": {"width": 320, "height": 568}}


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    srv = server_factory()
    srv.demo = srv.create_demo()
    return srv.start()


def fac_post(fac, path: str, **form) -> None:
    """The facilitator's no-JS form for `path` (under the session), posted from the logged-in browser."""
    session_url = re.search(r"/f/sessions/\d+", fac.url).group(0)
    token = fac.locator('input[name="csrf_token"]').first.get_attribute("value")
    response = fac.request.post(f"{session_url}/{path}", form={"csrf_token": token, **form})
    assert response.ok, f"{path}: {response.status}"


def in_viewport(page, selector: str) -> bool:
    """Whether the element's whole box is inside the viewport, as the page is scrolled now."""
    return page.locator(selector).evaluate("""el => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
    }""")


def join_in_three_taps(b: Browsing, server, label: str, municipality: str, background: str, size=PHONE):
    """Tap a municipality, tap a background, tap "Join": all without scrolling."""
    phone = b.new_page(label, **size)
    phone.goto(f"/{server.demo['code']}")
    muni = phone.locator(f'input[name="municipality"][value="{municipality}"]')
    back = phone.locator(f'input[name="background"][value="{background}"]')
    for el in (muni, back):
        assert el.evaluate("""el => { const r = el.getBoundingClientRect();
            return r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth; }"""), \
            f"{label}: a choice is below the fold"
    muni.tap()
    back.tap()
    assert phone.evaluate("window.scrollY") == 0, f"{label}: the page scrolled"
    assert in_viewport(phone, "button.join-button"), f"{label}: 'Join' is not visible without scrolling"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.locator("button.join-button").tap()
    expect(phone.locator('#live-root[data-role="participant"]')).to_be_visible()
    return phone


def test_join_in_one_screen(browsing, server):
    b = browsing
    for label, size in (("375x667", PHONE), ("320x568", SMALL_PHONE)):
        phone = b.new_page(f"join-{label}", **size)
        phone.goto(f"/{server.demo['code']}")
        # Every municipality of the workshop and every background is a large button on the first screen.
        boxes = phone.locator(".tile label").evaluate_all("""els => els.filter(e => e.checkVisibility())
            .map(e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom, r.height, r.width]; })""")
        assert len(boxes) == 5 + 7, boxes  # the demo's 5 municipalities ("other" is folded) and 7 backgrounds
        assert all(h >= 44 and w >= 44 for _t, _b, h, w in boxes), boxes
        assert phone.locator(".tile-more summary").is_visible()
        assert not phone.locator("#first_name").is_visible()  # optional, folded
        b.check_a11y(phone, f"join-{label}")
        # The language chooser is one control in a header of one line.
        assert phone.locator(".site-header").bounding_box()["height"] <= 60
        phone.locator(".language-menu summary").click()
        b.check_a11y(phone, f"join-{label}-languages")
        phone.locator(".language-menu summary").click()
        b.screenshot(phone, f"join-{label}")
        phone.close()
    phone = join_in_three_taps(b, server, "aino-320", "583", "resident", SMALL_PHONE)
    expect(phone.locator("#phase-title")).to_have_text(phase_label(phone, "lobby"))

    # "Somewhere else" and the optional details open on request and still fit the form.
    other = b.new_page("join-other", **PHONE)
    other.goto(f"/{server.demo['code']}")
    other.locator(".tile-more summary").click()
    other.locator('input[name="municipality"][value="other"]').check()
    other.locator('input[name="background"][value="business"]').check()
    other.locator("#more-about-me summary").click()
    other.fill("#first_name", "Olli")
    b.check_a11y(other, "join-other-open")
    other.locator("button.join-button").click()
    expect(other.locator(".who")).to_contain_text("Olli")

    # A missing choice: the error is said in words and nothing is lost.
    empty = b.new_page("join-error", **PHONE)
    empty.goto(f"/{server.demo['code']}")
    empty.locator('input[name="background"][value="ngo"]').check()
    empty.locator("button.join-button").click()
    expect(empty.locator("#error-summary")).to_be_visible()
    expect(empty.locator('input[name="background"][value="ngo"]')).to_be_checked()
    b.check_a11y(empty, "join-error")
