"""Dates and numbers in the reader's language (Babel's CLDR data), never a hand-written Finnish format."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from workshop.web.templating import local_datetime, local_decimal, local_percent

START = datetime(2026, 12, 10, 17, 30)  # a wall-clock time as the facilitator typed it


@pytest.mark.parametrize("lang, shown", [
    ("fi", "to 10.12.2026 klo 17.30"),
    ("sv", "tors 10 dec. 2026 kl. 17.30"),  # Finland-Swedish: "17.30", not Sweden's "17:30"
    ("en", "Thu, Dec 10, 2026 at 5:30\u202fPM"),
])
def test_a_date_and_time_reads_as_each_language_writes_it(app, lang, shown):
    with app.app_context(), force_locale(lang):
        assert local_datetime(START) == shown
        # An instant from the database (aware UTC) is shown in Finnish time: 15.30 UTC is 17.30 in December.
        assert local_datetime(datetime(2026, 12, 10, 15, 30, tzinfo=UTC)) == shown
        assert local_datetime(None) == ""


def test_numbers_take_the_languages_decimal_sign_and_percent(app):
    with app.app_context():
        with force_locale("fi"):
            assert (local_decimal(4.3), local_decimal(37.5, 1), local_decimal(30.0, 1)) == ("4,3", "37,5", "30,0")
            assert local_decimal(1234) == "1\u00a0234" and local_percent(42) == "42\u00a0%"
        with force_locale("en"):
            assert (local_decimal(4.3), local_decimal(1234), local_percent(42)) == ("4.3", "1,234", "42%")


def test_the_dashboard_shows_the_start_in_the_readers_language(app, client):
    from tests.helpers import AuthActions, gen_facilitator, gen_session

    gen_session(app, gen_facilitator(app).id)  # starts 1.12.2026 at 17.30
    AuthActions(client).login()
    assert "ti 1.12.2026 klo 17.30" in client.get("/f/").get_data(as_text=True)
    client.set_cookie("paja_lang", "sv")
    assert "tis 1 dec. 2026 kl. 17.30" in client.get("/f/").get_data(as_text=True)


@pytest.mark.parametrize("lang, share, pattern", [("fi", "42\u00a0%", "{p}\u00a0%"), ("sv", "42\u00a0%", "{p}\u00a0%"),
                                                 ("en", "42%", "{p}%")])
def test_poll_shares_are_written_the_languages_way_also_for_the_script(app, lang, share, pattern):
    from workshop.web.templating import percent_pattern

    with app.app_context(), force_locale(lang):
        assert local_percent(42) == share and percent_pattern("{p}") == pattern


def test_no_hand_written_percent_or_date_formats_in_templates():
    """A "%" glued after a number or a strftime pattern in a template is a hand-made format."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    hand_made = re.compile(r"\}\}\s*%|%%\)|strftime|\"%\.\df\"\|format")
    found = [f"{p.relative_to(root)}: {line.strip()}" for p in root.rglob("*.html")
             for line in p.read_text().splitlines() if hand_made.search(line)]
    assert not found, found
