"""End to end in chromium: the owner invites by email link; the invited person opens the link on a
narrow phone, creates an account and lands on the run sheet; the used link then says so. axe-core
checks the team page with the new link (and the notice that the team changed, live), the invitation page, its form with errors, and the used link."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import PHONE
from tests.grouping.test_browser_groups import log_in

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    srv = server_factory()
    srv.demo = srv.create_demo()
    return srv.start()


def test_an_invited_person_joins_the_team_by_the_link(browsing, server):
    b = browsing
    fac = log_in(b, server)
    team_page = fac.url + "/team"
    fac.goto(team_page)
    fac.fill("#invite-email", "uusi.vetaja@example.fi")
    fac.select_option("#invite-role", "assistant")
    fac.locator("#invite-form button").click()
    expect(fac.locator("#invite-created")).to_be_visible()
    link = fac.locator("#invite-link").input_value()
    assert re.search(r"/invite/[\w-]{40,}$", link)
    expect(fac.locator("main")).to_contain_text("uusi.vetaja@example.fi")
    b.check_a11y(fac, "team page with a new invitation")

    phone = b.new_page("invited", **{**PHONE, "viewport": {"width": 320, "height": 640}})
    path = "/invite/" + link.rsplit("/invite/", 1)[1]
    phone.goto(path)
    expect(phone.locator("#invite-what")).to_contain_text("uusi.vetaja@example.fi")
    b.check_a11y(phone, "invitation page")
    phone.fill("#name", "Uusi Vetäjä")
    phone.fill("#password", "lyhyt")
    phone.fill("#password2", "lyhyt")
    phone.locator("#join").click()
    expect(phone.locator("#error-summary")).to_be_visible()
    b.check_a11y(phone, "invitation form with errors")
    phone.fill("#password", "pitkä salasana 123")
    phone.fill("#password2", "pitkä salasana 123")
    phone.locator("#join").click()
    expect(phone).to_have_url(re.compile(r"/f/sessions/\d+$"))
    expect(fac.locator("#team-changed")).to_be_visible()  # live, on the owner's page
    b.check_a11y(fac, "team page told of the change")

    other = b.new_page("late", **PHONE)
    other.goto(path)
    expect(other.locator("#invite-state")).to_contain_text("hyväksytty")
    b.check_a11y(other, "used invitation link")
    fac.goto(team_page)
    expect(fac.locator("main")).to_contain_text("Uusi Vetäjä")
    expect(fac.locator("#invite-link")).to_have_count(0)
