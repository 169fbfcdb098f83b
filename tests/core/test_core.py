"""The shared core: one text policy, one integer parser, aware time from the database."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from workshop.core.ids import MAX_ROW_ID, parse_int, row_id
from workshop.core.text import TextError, clean_text
from workshop.core.time import aware


@pytest.mark.parametrize("value, expected", [
    ("12", 12), (12, 12), ("0", None), (0, None), (MAX_ROW_ID, MAX_ROW_ID), (MAX_ROW_ID + 1, None),
    (True, None), (1.0, None), ("١٢", None), ("12a", None), ("", None), (None, None), ("9" * 40, None), (-3, None),
])
def test_row_ids_from_forms_and_events(value, expected):
    assert row_id(value) == expected


def test_small_ints_may_be_zero():
    assert parse_int("0") == 0 and parse_int(0) == 0 and parse_int("3", maximum=2) is None


@pytest.mark.parametrize("text", ["a\x00b", "a\u202eb", "a\u2066b", "a\u200bb", "a\ud800b", "a\x85b", "a\x7fb"])
def test_one_policy_refuses_invisible_and_control_characters(text):
    with pytest.raises(TextError) as err:
        clean_text(text, 100, multiline=True)
    assert err.value.reason == "control"


def test_text_is_normalised_trimmed_and_bounded():
    assert clean_text("  Kunta\u0308  ", 10) == "Kuntä"
    assert clean_text("rivi 1\r\nrivi 2", 50, multiline=True) == "rivi 1\nrivi 2"
    assert clean_text("  monta   sanaa \n", 50, collapse=True) == "monta sanaa"
    assert clean_text("   ", 10, required=False) is None
    with pytest.raises(TextError) as err:
        clean_text("rivi 1\nrivi 2", 50)
    assert err.value.reason == "control"
    with pytest.raises(TextError) as err:
        clean_text("x" * 11, 10)
    assert err.value.reason == "too_long"
    with pytest.raises(TextError) as err:
        clean_text(5, 10)
    assert err.value.reason == "type"
    with pytest.raises(TextError) as err:
        clean_text("", 10)
    assert err.value.reason == "empty"


def test_aware_time_is_utc():
    naive = datetime(2026, 12, 3, 17, 30)
    assert aware(naive) == naive.replace(tzinfo=UTC)
    helsinki = datetime(2026, 12, 3, 19, 30, tzinfo=timezone(timedelta(hours=2)))
    assert aware(helsinki).utcoffset() == timedelta(0) and aware(helsinki) == helsinki
