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
from tests.polls.test_browser_polls import new_poll, open_poll
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


SECTIONS = ("who", "my-group", "board", "plan", "feedback", "poll", "phone-presentation")


def shown(page) -> set[str]:
    """Which of the phone's phase blocks a person sees now (the phase card is always there)."""
    return set(page.evaluate("""names => names.filter(n => {
        const el = n === "who" ? document.querySelector(".who") : document.getElementById(n);
        return el && el.checkVisibility();
    })""", list(SECTIONS)))


def phase(fac, phones, nojs, name: str, expected: set[str], what: str, b: Browsing) -> None:
    """The facilitator moves on; every phone (live, and the no-JS phone on reload) shows only `expected`."""
    fac_post(fac, "phase", phase=name)
    check_phones(phones, nojs, name, expected, what, b)


def check_phones(phones, nojs, name, expected, what, b: Browsing) -> None:
    for page in phones:
        expect(page.locator("#live-root")).to_have_attribute("data-phase", name)
        expect(page.locator("#phase-title")).to_have_text(phase_label(page, name))
        expect(page.locator("#phase-text")).not_to_be_empty()
        assert shown(page) == expected, f"{what}: {shown(page)} shown, expected {expected}"
        assert_not_reloaded(page)
    nojs.reload()
    assert shown(nojs) == expected, f"{what} (no JS): {shown(nojs)} shown, expected {expected}"
    b.check_a11y(phones[0], f"phone-{what}")
    b.screenshot(phones[0], f"phone-{what}", full_page=True)


def test_the_phone_shows_only_the_current_phase(browsing, server):
    b = browsing
    fac = log_in(b, server)
    phones = [join_in_three_taps(b, server, "aino", "320", "ngo"),
              join_in_three_taps(b, server, "ville", "732", "officer")]
    nojs = b.new_page("nojs", **PHONE, java_script_enabled=False)
    nojs.goto(f"/{server.demo['code']}")
    nojs.check('input[name="municipality"][value="583"]')
    nojs.check('input[name="background"][value="resident"]')
    nojs.locator("button.join-button").click()
    for page in phones:
        wait_live(page)
        mark_page(page)
    check_phones(phones, nojs, "lobby", {"who"}, "lobby", b)

    # Information: a word cloud; answers sent 0.3 s apart all arrive, and what is typed after stays typed.
    fac_post(fac, "phase", phase="info")
    fac.goto(fac.url.split("#")[0] + "/polls")
    new_poll(fac, "words", "Mikä Itä-Lapissa toimii?")
    open_poll(fac, "Mikä Itä-Lapissa toimii?")
    aino = phones[0]
    expect(aino.locator("#poll-text")).to_be_visible()
    for i, word in enumerate(("luonto", "yhteisö")):
        if i:
            aino.wait_for_timeout(300)  # the next answer 0.3 s later
        aino.fill("#poll-text", word)
        aino.press("#poll-text", "Enter")
    aino.locator("#poll-text").press_sequentially("talkoot")  # typed at once, before the acknowledgement
    expect(aino.locator("#poll-mine li")).to_have_text(["luonto", "yhteisö"])
    expect(aino.locator("#poll-text")).to_have_value("talkoot")
    check_phones(phones, nojs, "info", {"who", "poll"}, "info-poll", b)
    fac.locator(".poll-item", has=fac.locator("h3", has_text="Mikä Itä-Lapissa toimii?")) \
        .locator('form[action$="/close"] button').click()
    expect(aino.locator("#poll")).to_be_hidden()
    fac.go_back()

    # Grouping: before the groups are out the card says so; then each phone shows its group, and only that.
    phase(fac, phones, nojs, "grouping", set(), "grouping", b)
    fac_post(fac, "rounds", strategy="mixed", size_mode="count", size="1")
    fac_post(fac, "rounds/1/publish")
    for page in phones:
        expect(page.locator("#my-group-number")).to_have_text("1")
    check_phones(phones, nojs, "grouping", {"my-group"}, "grouping-ready", b)
    assert "1" in phones[0].locator("#my-group").inner_text()

    # Group work: the question comes before any invitation to write.
    phase(fac, phones, nojs, "groupwork", {"my-group", "board"}, "groupwork-no-question", b)
    expect(aino.locator("#no-notes")).to_be_hidden()
    fac_post(fac, "board/questions", mode="per_group")
    expect(aino.locator("#board-question")).to_have_text(re.compile(r"\?$"))
    expect(aino.locator("#no-notes")).to_be_visible()
    b.check_a11y(aino, "phone-groupwork-question")
    # Notes sent 0.3 s apart all arrive; the note typed after the last send stays in the field.
    for i, text in enumerate(("Yhteinen kalenteri", "Kyyditykset kylille")):
        if i:
            aino.wait_for_timeout(300)
        aino.fill("#note-text", text)
        aino.locator("#add-note-form button[type=submit]").click()
    aino.locator("#note-text").press_sequentially("Nuoret mukaan")
    expect(aino.locator("#notes .note-text")).to_have_text(["Yhteinen kalenteri", "Kyyditykset kylille"])
    expect(aino.locator("#note-text")).to_have_value("Nuoret mukaan")
    expect(aino.locator("#no-notes")).to_be_hidden()

    # Voting, then the top 3.
    phase(fac, phones, nojs, "voting", {"my-group", "board"}, "voting", b)
    fac_post(fac, "board/voting", action="open")
    expect(aino.locator("#add-note-form")).to_be_hidden()
    aino.locator("#notes li").first.locator(".vote-button").click()
    expect(aino.locator("#notes li").first.locator(".vote-button")).to_have_attribute("aria-pressed", "true")
    fac_post(fac, "board/voting", action="close")
    expect(aino.locator("#top-three")).to_be_hidden()  # hidden until revealed (the default)
    fac_post(fac, "board/reveal")
    expect(aino.locator("#top-three")).to_be_visible()
    b.check_a11y(aino, "phone-top-three")

    # The presentation starts at group 1 by itself: phones show the group presented.
    phase(fac, phones, nojs, "presentation", {"my-group", "phone-presentation"}, "presentation", b)
    # Home groups for the plans: a new round; the results page must still keep round 1.
    fac_post(fac, "rounds", strategy="home", size_mode="size", size="5")
    fac_post(fac, "rounds/2/publish")
    phase(fac, phones, nojs, "plan", {"my-group", "plan"}, "plan", b)
    aino.fill("#padd-what", "Järjestöjen yhteinen tapahtumakalenteri kunnan sivuille")
    aino.fill("#padd-owner", "Kemijärven kaupunki")
    aino.locator('#plan form[data-event="plan_save"] button.primary').click()
    expect(aino.locator("#plan-items .plan-what")).to_have_text(["Järjestöjen yhteinen tapahtumakalenteri kunnan sivuille"])
    phase(fac, phones, nojs, "feedback", {"feedback"}, "feedback", b)
    phones[1].locator('#feedback-form input[name="overall"][value="4"]').check()
    phones[1].locator("#feedback-form button[type=submit]").click()
    expect(phones[1].locator("#feedback-thanks")).to_be_visible()

    # Closing: a thank-you and the results link, with JS (live) and without.
    fac_post(fac, "results/share")
    fac_post(fac, "close", confirm="yes")
    for page in (*phones, nojs):
        if page is nojs:
            page.reload()
        expect(page.locator("#closed-h")).to_be_visible()
        expect(page.locator("#results-link")).to_be_visible()
        assert page.locator("#board, #plan, #feedback, #my-group").count() == 0
    b.check_a11y(phones[0], "phone-closed")
    b.screenshot(phones[0], "phone-closed")

    # The results page keeps the evening, fits 320 px and prints.
    results = b.new_page("results", **SMALL_PHONE)
    results.goto(phones[0].locator("#results-link").get_attribute("href"))
    expect(results.locator("#round-1-h")).to_be_visible()
    expect(results.locator(".results-round").first.locator(".top-list li").first).to_contain_text("Yhteinen kalenteri")
    expect(results.locator(".results-poll")).to_contain_text("luonto")
    expect(results.locator(".results-plan td").first).to_contain_text("Järjestöjen yhteinen")
    expect(results.locator('#feedback-h ~ .card [data-feedback="count"]')).to_have_text("1")
    assert results.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "results scroll sideways"
    b.check_a11y(results, "results-320")
    b.screenshot(results, "results-320", full_page=True)
    results.emulate_media(media="print")
    expect(results.locator(".results-toc")).to_be_hidden()
    expect(results.locator("#round-1-h")).to_be_visible()
