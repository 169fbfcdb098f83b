"""Cluster a round's notes by shared base forms of words — the themes that came up in several groups.

Pure: takes the notes as plain values and a `lemma` function (Voikko, or simplemma without it; see
polls/lemmas.py), returns clusters. No network, no model download, deterministic.

Method (docs/themes.md):
1. Each note becomes the set of base forms of its content words: words of 3 letters or more that are
   nouns, adjectives or names (with Voikko; without it every word), not on the stop list
   (workshop/data/stopwords.txt: Finnish, Swedish and English function words and the words every
   note of an evening shares, such as "kunta" or "hyvä"). A base form found in more than 40 % of
   the notes (from 10 notes on) is too general to tell them apart and is dropped.
2. A theme is a base form shared by notes of at least two groups. Greedily, the base form whose
   still unclustered notes span the most groups (then the most notes, then alphabetical order) takes
   those notes; repeat until no base form spans two groups. A note belongs to one theme at most.
   Counts only fall as notes are taken, so a lazy priority queue finds the same order exactly.
3. A theme is named by the form of the word that most of its notes wrote ("nuoret" in 2 of 3),
   else by its base form ("nuori"), with up to two other base forms that several of its notes share.
Cost: O(W log W) for W distinct words after one pass over the notes.
"""
from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
MIN_LETTERS = 3
MIN_GROUPS = 2
MAX_THEMES = 30
GENERAL_SHARE = 0.4  # a base form in more than this share of the notes is too general to be a theme …
GENERAL_MIN_NOTES = 10  # … once there are this many notes


@dataclass(frozen=True)
class NoteText:
    id: int
    group: int  # the group's number in its round
    text: str


@dataclass
class Cluster:
    label: str
    key: str  # the shared base form
    note_ids: list[int]
    groups: list[int]
    related: list[str] = field(default_factory=list)


@cache
def stopwords() -> frozenset[str]:
    text = resources.files("workshop").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for line in text.splitlines()
                     if not line.startswith("#") for w in line.split())


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def content_lemmas(text: str, lemma: Callable[[str], str],
                   keep: Callable[[str], bool] = lambda word: True) -> dict[str, str]:
    """Base form → the word as written (first occurrence), for the note's content words."""
    stop = stopwords()
    out: dict[str, str] = {}
    for word in words(text):
        if len(word) < MIN_LETTERS or word in stop or not keep(word):
            continue
        base = lemma(word).lower()
        if len(base) < MIN_LETTERS or base in stop:
            continue
        out.setdefault(base, word)
    return out


def cluster(notes: Iterable[NoteText], lemma: Callable[[str], str],
            keep: Callable[[str], bool] = lambda word: True, *, min_groups: int = MIN_GROUPS,
            limit: int = MAX_THEMES) -> list[Cluster]:
    notes = list(notes)
    by_note = [content_lemmas(n.text, lemma, keep) for n in notes]
    holders: dict[str, list[int]] = defaultdict(list)  # base form → note indexes
    for index, bases in enumerate(by_note):
        for base in bases:
            holders[base].append(index)
    if len(notes) >= GENERAL_MIN_NOTES:  # a word in most notes says nothing about any of them
        for base in [b for b, held in holders.items() if len(held) > GENERAL_SHARE * len(notes)]:
            del holders[base]
    taken = [False] * len(notes)

    def score(base: str) -> tuple[int, int]:
        free = [i for i in holders[base] if not taken[i]]
        return len({notes[i].group for i in free}), len(free)

    heap = [(-g, -n, base) for base in holders for g, n in [score(base)] if g >= min_groups]
    heapq.heapify(heap)
    clusters: list[Cluster] = []
    while heap and len(clusters) < limit:
        neg_g, neg_n, base = heapq.heappop(heap)
        groups, count = score(base)
        if groups < min_groups:
            continue
        if (groups, count) != (-neg_g, -neg_n):  # stale: other themes took some of its notes
            heapq.heappush(heap, (-groups, -count, base))
            continue
        members = [i for i in holders[base] if not taken[i]]
        for i in members:
            taken[i] = True
        clusters.append(_named(base, members, notes, by_note))
    return clusters


def _named(base: str, members: list[int], notes: list[NoteText], by_note: list[dict[str, str]]) -> Cluster:
    written = Counter(by_note[i][base] for i in members)
    form, count = sorted(written.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    label = form if count * 2 > len(members) else base  # a form most of its notes wrote, else the base form
    shared = Counter(other for i in members for other in by_note[i] if other != base)
    related = [w for w, c in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])) if c >= 2][:2]
    return Cluster(label=label[:1].upper() + label[1:], key=base,
                   note_ids=[notes[i].id for i in members],
                   groups=sorted({notes[i].group for i in members}), related=related)
