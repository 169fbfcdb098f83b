"""End to end in chromium: a whole evening run from the run sheet alone, on a laptop (1280×800), with the
projector at 1920×1080 and 1280×720 measured at every phase.

Six phones join and write and vote over plain HTTP (the no-JS forms); the facilitator never leaves the
run sheet: next step, groups, questions, voting with a tie, the presentation (which starts at group 1 by
itself, arrow keys step it), closing behind a confirmation dialog. A second facilitator tab follows
live. Without JavaScript the same confirmation is a page. axe-core checks each new state.
"""
from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from tests.browser import PROJECTOR, Browsing
from tests.live_phones import csrf
from tests.web.test_browser import SUBMIT, mark_page, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.server]

RUN_SHEET = {"viewport": {"width": 1280, "height": 800}}
SMALL_PROJECTOR = {"viewport": {"width": 1280, "height": 720}}
PEOPLE = [("320", "ngo"), ("732", "officer"), ("583", "resident"), ("614", "elected"), ("742", "business"),
          ("320", "parish")]


@pytest.fixture(scope="module")
def server(server_factory, chromium_path):
    srv = server_factory()
    srv.demo = srv.create_demo()
    return srv.start()


def log_in(b: Browsing, server, label="facilitator", **options):
    fac = b.new_page(label, **(options or RUN_SHEET))
    fac.goto("/login")
    fac.fill("#email", server.demo["email"])
    fac.fill("#password", server.demo["password"])
    fac.locator(SUBMIT).click()
    expect(fac).to_have_url(re.compile(r"/f/$"))
    return fac


def open_live_workshop(fac):
    fac.locator('main a[href*="/f/sessions/"]:not([href$="/new"])').first.click()
    expect(fac).to_have_url(re.compile(r"/f/sessions/\d+$"))
    return fac.url


class Phone:
    """A participant's phone without JavaScript: join, write, vote through the forms."""

    def __init__(self, url: str, code: str, municipality: str, background: str):
        self.url, self.code, self.http = url, code, requests.Session()
        page = self.http.get(f"{url}/{code}", timeout=10).text
        r = self.http.post(f"{url}/{code}", data={"csrf_token": csrf(page), "municipality": municipality,
                                                  "background": background}, timeout=10)
        assert r.ok

    def page(self) -> str:
        return self.http.get(f"{self.url}/{self.code}", timeout=10).text

    def write(self, text: str) -> None:
        r = self.http.post(f"{self.url}/{self.code}/notes", timeout=10,
                           data={"csrf_token": csrf(self.page()), "client_id": uuid.uuid4().hex, "text": text})
        assert r.ok

    def group_notes(self) -> list[int]:
        return sorted({int(n) for n in re.findall(r"/notes/(\d+)/vote", self.page())})

    def vote(self, note_id: int) -> None:
        r = self.http.post(f"{self.url}/{self.code}/notes/{note_id}/vote", timeout=10,
                           data={"csrf_token": csrf(self.page()), "on": "1"})
        assert r.ok


def phase_label(page, phase: str) -> str:
    return page.locator(f"#phase-names [data-phase='{phase}']").text_content()


def assert_fits(projectors, phase: str) -> None:
    """Every projector shows `phase` and fits its screen: nothing to scroll, text at least 32 px at 1080."""
    for proj in projectors:
        expect(proj.locator("#live-root")).to_have_attribute("data-phase", phase)
        proj.wait_for_function("document.documentElement.scrollHeight <= window.innerHeight")
        height = proj.viewport_size["height"]
        smallest = proj.evaluate("""() => Math.min(...[...document.querySelectorAll('#live-root *')].filter(el =>
            !el.closest('[hidden], .visually-hidden') && el.getClientRects().length &&
            [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) &&
            getComputedStyle(el).display !== 'none').map(el => parseFloat(getComputedStyle(el).fontSize)))""")
        assert smallest >= 32 * height / 1080 - 0.5, (phase, height, smallest)


def next_step(fac, run_sheet: str, phase: str) -> None:
    fac.locator("#next-step").click()
    expect(fac.locator("#current-phase")).to_have_text(phase_label(fac, phase))
    assert fac.url.split("#")[0] == run_sheet


def test_a_whole_evening_from_the_run_sheet_alone(browsing: Browsing, server):
    b = browsing
    fac = log_in(b, server)
    run_sheet = open_live_workshop(fac)
    visited = []
    fac.on("framenavigated", lambda frame: visited.append(frame.url) if frame == fac.main_frame else None)
    other = b.new_page("second tab", **RUN_SHEET)
    other.context.add_cookies(fac.context.cookies())
    other.goto(run_sheet)
    wait_live(other)
    mark_page(other)
    big = b.new_page("projector", **PROJECTOR)
    small = b.new_page("small projector", **SMALL_PROJECTOR)
    for proj in (big, small):
        proj.goto(server.demo["screen"])
        wait_live(proj)
    projectors = (big, small)
    b.check_a11y(fac, "run sheet lobby")

    phones = [Phone(server.url, server.demo["code"], m, bg) for m, bg in PEOPLE]
    expect(fac.locator("[data-count='total']").first).to_have_text("6")
    fac.locator("#timer-minutes").fill("5")
    fac.locator(".timer-start form").last.locator("button").click()
    expect(big.locator("#timer")).to_be_visible()
    assert_fits(projectors, "lobby")

    next_step(fac, run_sheet, "info")
    expect(other.locator("#current-phase")).to_have_text(phase_label(fac, "info"))  # the other tab, live
    assert_fits(projectors, "info")

    next_step(fac, run_sheet, "qa")  # questions to the panel: the projector shows the (empty) list
    expect(big.locator("#screen-qa")).to_be_visible()
    assert_fits(projectors, "qa")

    next_step(fac, run_sheet, "grouping")
    fac.locator("#run-size").fill("3")
    fac.locator(".run-groups button[type=submit]").click()
    expect(big.locator("#groups-grid > li")).to_have_count(2)
    assert_fits(projectors, "grouping")

    next_step(fac, run_sheet, "groupwork")
    fac.locator("#mode-per_group").check()
    fac.locator("#start-groupwork").click()
    expect(big.locator(".screen-board .question").first).not_to_be_empty()
    b.check_a11y(fac, "run sheet group work")
    groups: dict[tuple, list[Phone]] = {}
    for i, phone in enumerate(phones):
        phone.write(f"Ajatus {i + 1}: yhteinen tapahtumakalenteri")
    for phone in phones:
        groups.setdefault(tuple(phone.group_notes()), []).append(phone)
    for members in groups.values():  # a fourth note per group, so that the votes can tie
        members[0].write("Vielä yksi: kimppakyydit kylistä")
    expect(big.locator(".screen-board [data-note-count]").first).to_have_text("4")
    assert_fits(projectors, "groupwork")

    next_step(fac, run_sheet, "voting")
    fac.locator("#start-voting").click()
    for members in groups.values():
        n1, n2, n3, n4 = members[0].group_notes()
        for phone, picks in zip(members, ([n1, n2, n3], [n1, n2, n4], [n1, n3, n4]), strict=True):
            for note in picks:
                phone.vote(note)
    assert_fits(projectors, "voting")
    fac.locator("#close-voting").click()
    flash = fac.locator(".flash").first  # what is pending, not "the top 3 are ready"
    expect(flash).to_have_class(re.compile(r"flash-warning"))
    expect(flash).to_contain_text("2–3")
    ties = fac.locator(".tie-message")
    expect(ties).to_have_count(2)
    expect(ties.first).to_contain_text("3")
    b.check_a11y(fac, "run sheet ties")
    for form in fac.locator(".run-tie").all()[:1]:
        form.locator("input[type=checkbox]").nth(0).check()
        form.locator("input[type=checkbox]").nth(1).check()
        form.locator("button").click()
    expect(fac.locator(".tie-message")).to_have_count(1)

    next_step(fac, run_sheet, "presentation")
    # The projector never goes blank: group 1 is up at once, without a "start".
    expect(big.locator("#presentation-body .present-group")).to_have_count(1)
    expect(big.locator("#presentation-body .group-title")).to_contain_text("1")
    assert_fits(projectors, "presentation")
    fac.locator("body").press("ArrowRight")
    expect(fac.locator("#presenting")).to_contain_text("2")
    expect(big.locator("#presentation-body .group-title")).to_contain_text("2")
    b.check_a11y(fac, "run sheet presentation")

    next_step(fac, run_sheet, "plan")
    # The lobby's timer ran on through every phase (time is left): still shown while it runs.
    assert_fits(projectors, "plan")
    next_step(fac, run_sheet, "feedback")
    assert_fits(projectors, "feedback")

    # Closing asks first: a native dialog; Cancel leaves everything as it was.
    fac.locator("#next-step").click()
    dialog = fac.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    b.check_a11y(fac, "close dialog")
    fac.locator("#confirm-dialog-cancel").click()
    expect(dialog).to_be_hidden()
    expect(fac.locator("#current-phase")).to_have_text(phase_label(fac, "feedback"))
    fac.locator("#next-step").click()
    fac.locator("#confirm-dialog-ok").click()
    expect(fac.locator("#current-phase")).to_have_text(phase_label(fac, "closed"))
    for proj in projectors:
        expect(proj.locator("#screen-closed")).to_be_visible()
        assert proj.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
        expect(proj.locator("#timer")).to_have_count(0)

    assert all(url.split("#")[0] == run_sheet for url in visited), visited  # never another page
    fac.goto(run_sheet + "/close")  # the confirmation page (the no-JS path of the dialog)
    expect(fac.locator("#confirm-ok")).to_be_visible()
    b.check_a11y(fac, "confirmation page")


def test_without_javascript_a_destructive_action_asks_on_a_page(browsing: Browsing, server):
    b = browsing
    fac = log_in(b, server, java_script_enabled=False, **RUN_SHEET)
    fac.locator("main a", has_text="Esimerkki").first.click()
    sample = fac.url
    fac.locator("#settings summary").click()
    fac.locator("#delete-workshop").click()
    expect(fac.locator("h1")).to_have_text(re.compile(r"\S"))
    expect(fac.locator("#confirm-ok")).to_be_visible()  # axe needs JavaScript: the evening test checks this page
    fac.locator("#confirm-cancel").click()
    assert fac.url == sample  # cancelled: nothing happened
    fac.locator("#settings summary").click()
    fac.locator("#delete-workshop").click()
    fac.locator("#confirm-ok").click()
    expect(fac).to_have_url(re.compile(r"/f/$"))
    assert fac.request.get(sample).status == 404
