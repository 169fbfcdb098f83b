"""End to end in chromium: a facilitator sets up an evening, phones join from the projector's QR code.

Every page of the flow is checked with axe-core (WCAG 2.1 A/AA), and any JavaScript error or CSP
violation in the console fails the test.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import LAPTOP, PHONE, PROJECTOR, Browsing, decode_qr, fill_join_form

pytestmark = [pytest.mark.browser, pytest.mark.server]

EMAIL = "fasilitaattori@example.fi"
PASSWORD = "correct horse battery"
SUBMIT = "main form.stack button[type=submit]"


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    return server_factory().start()


def phase_label(page, phase: str) -> str:
    """The page's own (translated) name of a phase, so the test works in every language."""
    return page.locator(f'#phase-names [data-phase="{phase}"]').text_content()


def mark_page(page) -> None:
    """Set a flag a reload would wipe: later checks prove an update came live, not by reloading."""
    page.evaluate("window.__pajaNoReload = true")


def assert_not_reloaded(page) -> None:
    assert page.evaluate("window.__pajaNoReload === true"), f"{page.url} was reloaded"


def wait_live(page) -> None:
    expect(page.locator("body")).to_have_attribute("data-live", "connected")


def assert_error_links_work(page) -> None:
    """Each link in the error summary leads to an element of the form."""
    hrefs = page.locator("#error-summary a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs, "the error summary lists no errors"
    for href in hrefs:
        assert page.locator(href).count() == 1, f"error summary link {href} leads nowhere"


def create_first_facilitator(b: Browsing):
    fac = b.new_page("facilitator", **LAPTOP)
    fac.goto("/")
    b.check_a11y(fac, "front page")
    fac.locator(SUBMIT).click()  # no code: the form shows its error
    expect(fac.locator("#code-error")).to_be_visible()
    b.check_a11y(fac, "front page with errors")

    fac.goto("/f/")  # first run: no account yet, so login sends us to the set-up page
    expect(fac).to_have_url(re.compile(r"/setup$"))
    b.check_a11y(fac, "setup")
    fac.fill("#name", "Fanni Fasilitaattori")
    fac.fill("#email", EMAIL)
    fac.fill("#password", PASSWORD)
    fac.fill("#password2", PASSWORD)
    fac.locator(SUBMIT).click()
    expect(fac).to_have_url(re.compile(r"/f/$"))
    b.check_a11y(fac, "dashboard (empty)")

    fac.locator('form[action="/logout"] button').click()
    expect(fac).to_have_url(re.compile(r"/login$"))
    b.check_a11y(fac, "login")
    fac.fill("#email", EMAIL)
    fac.fill("#password", "not the password")
    fac.locator(SUBMIT).click()
    expect(fac.locator(".form-error")).to_be_visible()
    b.check_a11y(fac, "login with error")
    fac.fill("#password", PASSWORD)
    fac.locator(SUBMIT).click()
    expect(fac).to_have_url(re.compile(r"/f/$"))
    return fac


def create_session(b: Browsing, fac) -> str:
    """Fill the new-workshop form like a facilitator; returns the session page's URL."""
    fac.locator('main a[href$="/f/sessions/new"]').click()
    expect(fac).to_have_url(re.compile(r"/f/sessions/new$"))
    b.check_a11y(fac, "new session")

    fac.fill("#starts_at", "2026-12-01T17:30")
    fac.select_option("#host_municipality", "320")  # Kemijärvi
    for checked, (name, code) in enumerate((("Salla", "732"), ("pelkosen", "583"))):
        fac.fill("#muni-search", name)  # the match shows, and so do the ones already ticked
        expect(fac.locator("#muni-list li:not([hidden])")).to_have_count(1 + checked)
        expect(fac.locator("#muni-search-status")).not_to_be_empty()
        fac.check(f"#muni-{code}")
    fac.fill("#themes", "Osaaminen\n- Mihin keskitytään ensin?\nVerkosto\n- Kuka koordinoi?")
    fac.fill("#agenda", "Tervetuloa 15 min\nRyhmätyö 90 min")
    fac.locator(SUBMIT).click()  # no title yet: the form comes back with its error, input kept
    expect(fac.locator("#title-error")).to_be_visible()
    expect(fac.locator("#muni-732")).to_be_checked()
    assert_error_links_work(fac)
    b.check_a11y(fac, "new session with errors")

    fac.fill("#title", "Itä-Lapin elinvoimapaja")
    fac.locator(SUBMIT).click()
    expect(fac).to_have_url(re.compile(r"/f/sessions/\d+$"))
    expect(fac.locator("h1")).to_have_text("Itä-Lapin elinvoimapaja")
    b.check_a11y(fac, "session page")
    session_url = fac.url

    fac.locator('main a[href$="/edit"]').click()
    expect(fac.locator("#title")).to_have_value("Itä-Lapin elinvoimapaja")
    expect(fac.locator("#muni-583")).to_be_checked()
    b.check_a11y(fac, "edit page")
    fac.goto(session_url)
    return session_url


def open_projector(b: Browsing, fac, server) -> tuple:
    """The projector view, on another computer (no login); returns (page, decoded join URL)."""
    code = fac.locator("strong.code").text_content().strip()
    assert re.fullmatch(r"\d{6}", code)
    screen_href = fac.locator('.run-head a[href*="/screen/"]').get_attribute("href")
    screen = b.new_page("projector", **PROJECTOR)
    screen.goto(screen_href)
    wait_live(screen)
    expect(screen.locator(".join-code")).to_have_text(f"{code[:3]}\u00a0{code[3:]}")
    expect(screen.locator('#screen-counts [data-count="total"]')).to_have_text("0")
    b.check_a11y(screen, "projector")
    mark_page(screen)

    qr = screen.locator("img.qr")
    expect(qr).to_be_visible()
    screen.wait_for_function("document.querySelector('img.qr').complete"
                             " && document.querySelector('img.qr').naturalWidth > 0")
    join_url = decode_qr(qr.screenshot())
    # The QR link carries its secret (so scanning needs no guessing limit); the screen shows the short address.
    assert re.fullmatch(rf"{re.escape(server.url)}/{code}\?k=[0-9a-f]{{24}}", join_url), join_url
    b.screenshot(screen, "projector-lobby")
    return screen, join_url


def join_from_phone(b: Browsing, label: str, join_url: str, municipality: str, background: str,
                    first_name: str = "", check_a11y: bool = False, **context_options):
    phone = b.new_page(label, **PHONE, **context_options)
    phone.goto(join_url)
    expect(phone.locator('input[name="municipality"]').first).to_be_visible()
    if check_a11y:
        b.check_a11y(phone, "join form")
        phone.locator(SUBMIT).click()  # nothing chosen: the form shows every error
        expect(phone.locator("#error-summary")).to_be_visible()
        expect(phone.locator("#municipality-error")).to_be_visible()
        assert_error_links_work(phone)
        b.check_a11y(phone, "join form with errors")
    fill_join_form(phone, municipality, background, first_name)
    phone.locator(SUBMIT).click()
    expect(phone.locator('#live-root[data-role="participant"]')).to_be_visible()
    expect(phone.locator("#phase-title")).to_be_visible()
    return phone


def test_facilitator_runs_the_lobby_and_phones_follow_live(browsing, server):
    b = browsing
    fac = create_first_facilitator(b)
    create_session(b, fac)
    wait_live(fac)
    mark_page(fac)
    screen, join_url = open_projector(b, fac, server)

    aino = join_from_phone(b, "phone-aino", join_url, "320", "ngo", "Aino", check_a11y=True)
    wait_live(aino)
    b.check_a11y(aino, "participant page")
    assert aino.locator("#phase-title").text_content() == phase_label(aino, "lobby")
    mark_page(aino)
    ville = join_from_phone(b, "phone-ville", join_url, "732", "officer")
    wait_live(ville)
    mark_page(ville)

    counts = screen.locator("#screen-counts")
    expect(counts.locator('[data-count="total"]')).to_have_text("2")
    expect(counts.locator('[data-count="m-320"]')).to_have_text("1")
    expect(counts.locator('[data-count="m-732"]')).to_have_text("1")
    expect(counts.locator('[data-count="b-officer"]')).to_have_text("1")
    expect(fac.locator('#fac-counts [data-count="total"]')).to_have_text("2")
    assert_not_reloaded(screen)
    assert_not_reloaded(fac)
    b.screenshot(screen, "projector-two-joined")
    b.screenshot(aino, "phone-lobby", full_page=True)

    fac.locator('.phase-buttons button[value="info"]').click()  # a plain form post: this page reloads
    expect(fac.locator('.phase-buttons button[value="info"]')).to_have_attribute("aria-pressed", "true")
    for phone in (aino, ville):
        expect(phone.locator("#phase-title")).to_have_text(phase_label(phone, "info"))
        expect(phone.locator("#live-root")).to_have_attribute("data-phase", "info")
        assert_not_reloaded(phone)
    expect(screen.locator("#current-phase")).to_have_text(phase_label(screen, "info"))
    assert_not_reloaded(screen)
    b.check_a11y(aino, "participant page (info)")
    b.screenshot(ville, "phone-info", full_page=True)

    # A phone without JavaScript joins with plain HTML forms and sees the current phase.
    nojs = join_from_phone(b, "phone-nojs", join_url, "583", "resident", "Eeva", java_script_enabled=False)
    expect(nojs.locator("#phase-title")).to_have_text(phase_label(nojs, "info"))
    expect(counts.locator('[data-count="total"]')).to_have_text("3")
    assert_not_reloaded(screen)


def test_error_pages_are_accessible(browsing):
    b = browsing
    page = b.new_page("visitor", **PHONE)
    response = page.goto("/no/such/page")
    assert response.status == 404
    expect(page.locator("h1")).to_be_visible()
    b.check_a11y(page, "404 page")
    response = page.goto("/000000")
    assert response.status == 404  # no open workshop has this code (codes are random; a clash is 1e-6)
    b.check_a11y(page, "unknown code page")
