"""One policy for user text: NFC, trimmed, and no invisible or control characters.

Refused everywhere: C0 controls (but tab, and line breaks where a text may have several lines),
DEL and C1 controls, lone surrogates (JSON can carry them; no database stores them as UTF-8),
zero-width characters, direction marks, embeddings, overrides and isolates (U+200B–U+200F,
U+202A–U+202E, U+2066–U+2069: they make text read differently from what it says), and the
Unicode line and paragraph separators.
"""
from __future__ import annotations

import re
import unicodedata

FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


class TextError(ValueError):
    """Refused text; `reason` is "empty", "too_long", "control" or "type"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def has_forbidden(text: str) -> bool:
    return bool(FORBIDDEN.search(text))


def clean_text(value, limit: int, *, multiline: bool = False, required: bool = True,
               collapse: bool = False) -> str | None:
    """The cleaned text, or None for an empty optional one; raises TextError.

    `collapse` folds every run of white space into one space (single words, titles, options).
    """
    if value is None:
        if required:
            raise TextError("empty")
        return None
    if not isinstance(value, str):
        raise TextError("type")
    if len(value) > 4 * limit + 100:  # no work on megabytes of input
        raise TextError("too_long")
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    if has_forbidden(text) or (not multiline and not collapse and "\n" in text.strip()):
        raise TextError("control")
    text = " ".join(text.split()) if collapse else text.strip()
    if not text:
        if required:
            raise TextError("empty")
        return None
    if len(text) > limit:
        raise TextError("too_long")
    return text
