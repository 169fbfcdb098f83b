"""Base forms of words for the word cloud: Finnish lemmas with Voikko, else with simplemma.

"järjestöt", "järjestöjen" and "järjestö" are one word in a word cloud. Voikko (Debian's
libvoikko1 + voikko-fi, Python binding from the `voikko` extra) knows Finnish inflection best and is
used where it is installed. Without it (a laptop with only `make run`) simplemma, a pure-Python
dictionary lemmatiser from PyPI that works offline, finds the base forms of the common words; a word
neither knows is only lower-cased, so the cloud still works, just with more variants.
"""
from __future__ import annotations

import functools
import threading
from collections import Counter

# Stripped from both ends of a word: quotes, brackets and sentence punctuation.
PUNCTUATION = "\"'.,;:!?()[]{}<>«»“”„‘’‚…–—-_/\\*#"

_lock = threading.Lock()  # one Voikko handle per process; its calls are not thread-safe
_state: dict = {"voikko": None, "tried": False}


def _voikko():
    """The Finnish analyser, or None when the binding, the library or the dictionary is missing."""
    if not _state["tried"]:
        _state["tried"] = True
        _state["voikko"] = _open_voikko()
    return _state["voikko"]


def _open_voikko():
    try:
        import libvoikko
    except ImportError:  # the `voikko` extra is not installed
        return None
    try:
        return libvoikko.Voikko("fi")
    except (OSError, libvoikko.VoikkoException):  # no libvoikko.so.1, or no Finnish dictionary (voikko-fi)
        return None


def _simplemma(word: str) -> str:
    """simplemma's Finnish base form, lower-cased (the word itself when it does not know it)."""
    try:
        import simplemma
    except ImportError:  # an install older than the dependency: lower-casing only
        return word.lower()
    return simplemma.lemmatize(word.lower(), lang="fi").lower()


def available() -> bool:
    with _lock:
        return _voikko() is not None


def reset() -> None:
    """Forget the analyser and the cache (tests switch between Voikko and the fallback)."""
    with _lock:
        if _state["voikko"] is not None:
            _state["voikko"].terminate()
        _state.update(voikko=None, tried=False)
        lemma.cache_clear()
        is_content_word.cache_clear()


def _pick(word: str, baseforms: list[str]) -> str:
    """Of several readings, the word itself if it is a base form, else the most frequent one."""
    for base in baseforms:
        if base.lower() == word.lower():
            return base
    return Counter(baseforms).most_common(1)[0][0]


@functools.lru_cache(maxsize=8192)
def lemma(word: str) -> str:
    """The base form of one word, e.g. "järjestöjen" → "järjestö" (lower case without Voikko)."""
    word = word.strip(PUNCTUATION)
    if not word:
        return ""
    with _lock:
        voikko = _voikko()
        analyses = voikko.analyze(word) if voikko is not None else []
    baseforms = [a["BASEFORM"] for a in analyses if a.get("BASEFORM")]
    if baseforms:
        return _pick(word, baseforms)
    return word.lower() if voikko is not None else _simplemma(word)


def phrase_lemma(text: str) -> str:
    """Each word of a short answer in its base form: "hyvät palvelut" → "hyvä palvelu"."""
    return " ".join(w for w in (lemma(part) for part in text.split()) if w)


# Voikko's word classes that never name a theme of their own: verbs, adverbs, pronouns, conjunctions,
# adpositions, numerals, interjections, negation, prefixes (workshop/themes/clustering.py).
FUNCTION_CLASSES = frozenset({"teonsana", "seikkasana", "asemosana", "sidesana", "suhdesana", "lukusana",
                              "huudahdussana", "kieltosana", "etuliite"})


@functools.lru_cache(maxsize=8192)
def is_content_word(word: str) -> bool:
    """Whether a word can name a theme: a noun, an adjective or a name. Without Voikko, or for a word
    Voikko does not know, every word can (the stop list then does the work)."""
    word = word.strip(PUNCTUATION)
    with _lock:
        voikko = _voikko()
        analyses = voikko.analyze(word) if voikko is not None and word else []
    classes = {a.get("CLASS") for a in analyses}
    return not classes or not classes <= FUNCTION_CLASSES
