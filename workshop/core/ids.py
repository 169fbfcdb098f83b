"""Integers that clients send: row ids and small numbers, parsed one way for forms and events."""
from __future__ import annotations

MAX_ROW_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits in PostgreSQL


def parse_int(value, minimum: int = 0, maximum: int = MAX_ROW_ID) -> int | None:
    """An int within [minimum, maximum] from a form field (ASCII digits) or a JSON number, else None.

    Never a bool, a float, a non-ASCII digit or a huge number (which SQLite cannot even bind).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit() and len(value) <= 10):
            return None
        value = int(value)
    if isinstance(value, int) and minimum <= value <= maximum:
        return value
    return None


def row_id(value) -> int | None:
    """A row id (1…2³¹−1) from a form or an event, else None."""
    return parse_int(value, minimum=1)
