"""End to end in chromium: after the evening the facilitator downloads the exports and opens the report.

The session page's export links say "Preparing…" while a download is built; the report passes
axe-core (WCAG 2.1 A/AA) without a CSP violation and has a print button. Every console is watched.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import Browsing
from tests.grouping.test_browser_groups import log_in

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    srv = server_factory()
    info = srv.flask("demo")
    srv.demo = {"email": re.search(r"Login:\s+(\S+) /", info).group(1),
                "password": re.search(r"Login:\s+\S+ / (\S+)", info).group(1)}
    return srv.start()


def test_facilitator_downloads_and_prints(browsing: Browsing, server):
    b = browsing
    fac = log_in(b, server)
    fac.locator("#settings summary").click()  # the run sheet folds the exports away
    section = fac.locator("section[aria-labelledby=exports-h]")
    expect(section).to_be_visible()
    b.check_a11y(fac, "session page with exports")

    with fac.expect_download() as download:
        section.locator('a[href$="/export.xlsx"]').click()
    expect(fac.locator("#export-status")).to_have_text(re.compile(r"\S"))
    assert download.value.suggested_filename.endswith(".xlsx")
    with fac.expect_download() as download:
        section.locator('button[formaction$="/export.csv"]').click()
    assert re.search(r"-\d{3}\.csv\.zip$", download.value.suggested_filename)

    section.locator('a[href$="/report"]').click()
    expect(fac).to_have_url(re.compile(r"/report$"))
    expect(fac.locator("#print-report")).to_be_visible()
    expect(fac.locator("h1")).to_be_visible()
    b.check_a11y(fac, "report")
    fac.go_back()
    if not section.is_visible():
        fac.locator("#settings summary").click()
    section.locator("select").select_option(index=1)
    section.locator('button[type=submit]:not([formaction])').click()
    expect(fac).to_have_url(re.compile(r"/report\?municipality=\d{3}$"))
    b.check_a11y(fac, "municipality report")
