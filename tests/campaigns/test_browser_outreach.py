"""End to end in chromium: registrations before the evening, the door, feedback at the end, campaigns.

Two people register on the public page while the organiser's headcount changes live; one of them joins
at the event with the registration code and finds the form filled in; two phones answer the feedback
survey and the projector's chart follows. Every new page is checked with axe-core (WCAG 2.1 A/AA);
a JavaScript error or CSP violation in any console fails the test.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import PHONE, PROJECTOR
from tests.grouping.test_browser_groups import join, log_in
from tests.web.test_browser import SUBMIT, assert_not_reloaded, mark_page, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    srv = server_factory()
    srv.demo = srv.create_demo()
    return srv.start()


def register(b, url: str, name: str, email: str, municipality: str, background: str, check=False):
    page = b.new_page(f"registrant-{name}", **PHONE)
    page.goto(url)
    if check:
        page.locator(SUBMIT).click()  # empty: the errors are listed and linked
        expect(page.locator("#error-summary")).to_be_visible()
        b.check_a11y(page, "register-errors")
    page.fill("#name", name)
    page.fill("#email", email)
    page.check(f'input[name="municipality"][value="{municipality}"]')
    page.check(f'input[name="background"][value="{background}"]')
    page.check("#diet-gluten_free")
    page.check("#consent")
    if check:
        b.check_a11y(page, "register")
    page.locator(SUBMIT).click()
    expect(page.locator("#reg-code")).to_be_visible()
    return page


def test_registration_door_and_feedback(browsing, server):
    b = browsing
    fac = log_in(b, server)
    session_url = fac.url
    fac.locator('a[href$="/registrations"]').click()
    b.check_a11y(fac, "registrations-empty")
    fac.fill("#capacity", "40")
    fac.locator(SUBMIT).click()
    link = fac.locator("#registration-link").get_attribute("href")
    wait_live(fac)
    mark_page(fac)
    b.check_a11y(fac, "registrations-open")

    aino = register(b, link, "Aino Aaltonen", "aino@example.fi", "320", "ngo", check=True)
    b.check_a11y(aino, "registration-confirmation")
    expect(fac.locator('[data-reg-count="confirmed"]')).to_have_text("1")
    register(b, link, "Ville Virtanen", "ville@example.fi", "732", "officer")
    expect(fac.locator('[data-reg-count="confirmed"]')).to_have_text("2")
    expect(fac.locator('[data-reg-count="m-732"]')).to_have_text("1")
    expect(fac.locator('[data-reg-count="d-gluten_free"]')).to_have_text("2")
    assert_not_reloaded(fac)
    code = aino.locator("#reg-code").text_content()

    # At the door: Aino scans the projector's QR code and finds her registration with its code.
    phone = b.new_page("phone-Aino", **PHONE)
    phone.goto(f"/{server.demo['code']}")
    phone.locator("#door-match summary").click()
    b.check_a11y(phone, "join-door-match")
    phone.fill("#door-lookup", code)
    phone.locator("#door-match button[type=submit]").click()
    expect(phone.locator("#registration-matched")).to_be_visible()
    expect(phone.locator('input[name="municipality"][value="320"]')).to_be_checked()
    expect(phone.locator('input[name="background"][value="ngo"]')).to_be_checked()
    expect(phone.locator("#first_name")).to_have_value("Aino")
    b.check_a11y(phone, "join-prefilled")
    phone.locator(SUBMIT).click()
    expect(phone.locator('#live-root[data-role="participant"]')).to_be_visible()
    fac.reload()
    expect(fac.locator("#attendance-h + p")).to_contain_text("1")

    # Feedback: the facilitator switches to the feedback phase and shows the results on the projector.
    other = join(b, server, ("Eeva", "583", "resident"))
    screen = b.new_page("projector", **PROJECTOR)
    screen.goto(server.demo["screen"])
    for page in (phone, other, screen):
        wait_live(page)
        mark_page(page)
    fac.goto(session_url)
    fac.locator('.phase-buttons button[value="feedback"]').click()
    fac.locator('.run-more a[href$="/feedback"]').click()
    fac.locator('button[name="panel"][value="feedback_results"]').click()
    expect(screen.locator("#screen-feedback-results")).to_be_visible()
    for page, rating, again in ((phone, "5", "yes"), (other, "3", "maybe")):
        expect(page.locator("#feedback")).to_be_visible()
        page.locator(f'#feedback input[name="overall"][value="{rating}"]').check()
        page.locator(f'#feedback input[name="come_again"][value="{again}"]').check()
        page.fill("#most_useful", "Naapurikuntien tapaaminen")
        if page is phone:
            b.check_a11y(page, "phone-feedback")
        page.locator("#feedback-form button[type=submit]").click()
        expect(page.locator("#feedback-thanks")).to_be_visible()
    expect(screen.locator("#screen-feedback-count")).to_have_text("2")
    assert screen.locator('[data-feedback-bar="overall-5"]').get_attribute("width") == "50"
    assert screen.locator('[data-feedback-bar="again-maybe"]').get_attribute("width") == "50"
    assert_not_reloaded(screen)
    b.check_a11y(screen, "projector-feedback")
    b.screenshot(screen, "projector-feedback")
    fac.reload()
    expect(fac.locator('[data-feedback="count"]').first).to_have_text("2")
    fac.locator('form[action$="/feedback/link"] button').click()
    b.check_a11y(fac, "feedback-page")
    feedback_link = fac.locator("#feedback-link").get_attribute("href")
    late = b.new_page("late", **PHONE)
    late.goto(feedback_link)
    b.check_a11y(late, "feedback-link")

    # Campaigns: the facilitator turns them on; the public page and the organiser page are accessible.
    fac.goto(session_url)
    fac.locator('a[href$="/campaigns"]').click()
    fac.check("#carpool")
    fac.check("#good_deed")
    fac.locator(SUBMIT).first.click()
    campaign = fac.locator("#campaign-link").get_attribute("href")
    b.check_a11y(fac, "campaigns-page")
    visitor = b.new_page("visitor", **PHONE)
    visitor.goto(campaign)
    visitor.fill("#car-name", "Sallan kimppa")
    visitor.fill("#car-passengers", "4")
    visitor.fill("#car-kilometres", "120")
    visitor.locator('form[action$="/carpool"] button').click()
    expect(visitor.locator("#leaderboard")).to_contain_text("480")
    visitor.locator('form[action$="/nominate"] button').click()
    expect(visitor.locator("#error-summary")).to_be_visible()
    b.check_a11y(visitor, "campaign-page-errors")
    expect(fac).to_have_url(re.compile(r"/campaigns$"))
