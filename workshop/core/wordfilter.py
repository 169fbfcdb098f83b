"""The optional word filter: notes and word-cloud answers that contain a listed word wait for the
facilitator's approval instead of showing (issue: moderation help).

The list ships as data (workshop/data/word_filter.txt: Finnish, Swedish and English) and an
installation adds its own words in a file (PAJA_WORD_FILTER_FILE, default instance/word_filter.txt,
read again when it changes). One entry per line or several per line separated by spaces; "#" starts a
comment; an entry ending in "*" matches every word that starts with it (Finnish inflects: "paska*"
also holds "paskaa"), otherwise whole words only. Matching ignores case, accents of the same letter
(NFKC) and punctuation around words.
"""
from __future__ import annotations

import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from importlib import resources

WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_lock = threading.Lock()
_state: dict = {"extra": None, "key": None, "filter": None}


@dataclass(frozen=True)
class WordFilter:
    words: frozenset[str]
    prefixes: tuple[str, ...]

    def matches(self, text: str | None) -> bool:
        return bool(text) and any(word in self.words or word.startswith(self.prefixes)
                                  for word in WORD.findall(fold(text)))


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def parse(text: str) -> tuple[set[str], set[str]]:
    words, prefixes = set(), set()
    for line in text.splitlines():
        for entry in line.split("#", 1)[0].split():
            entry = fold(entry)
            if entry.endswith("*") and len(entry) > 3:
                prefixes.add(entry[:-1])
            elif not entry.endswith("*"):
                words.add(entry)
    return words, prefixes


def configure(extra_path: str | None) -> None:
    """Where the installation's own list is (None: only the shipped one)."""
    with _lock:
        _state.update(extra=extra_path, key=None, filter=None)


def current() -> WordFilter:
    """The shipped list and the installation's file, re-read when the file changes."""
    extra = _state["extra"]
    try:
        stamp = os.stat(extra).st_mtime_ns if extra else None
    except OSError:
        stamp = None
    key = (extra, stamp)
    with _lock:
        if _state["key"] != key or _state["filter"] is None:
            shipped = resources.files("workshop").joinpath("data/word_filter.txt").read_text(encoding="utf-8")
            words, prefixes = parse(shipped)
            if stamp is not None:
                with open(extra, encoding="utf-8") as fh:
                    more_words, more_prefixes = parse(fh.read())
                words |= more_words
                prefixes |= more_prefixes
            _state["filter"] = WordFilter(frozenset(words), tuple(sorted(prefixes)))
            _state["key"] = key
        return _state["filter"]
