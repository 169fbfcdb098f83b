"""Benchmark of the room's common themes (workshop/themes/clustering.py) on a synthetic evening.

30 groups write 1,000 notes (the issue's size; --notes and --groups change it). Each note is about
one of twelve planted topics, written in one of its inflected Finnish forms ("nuoret", "nuorten",
"nuorille" …), with filler words around it and, in one note of five, a second topic. The bench
measures, in the same run:

- the raw baseline: lower-casing and counting every word of every note (no base forms, no
  clustering) — the least any word-based method must do;
- the lemmas alone (Voikko, or simplemma without it; cold cache): most of the real cost;
- the whole clustering (cold cache, then warm: the second "find" of an evening).

Quality: recall = planted topics found as a theme of their own; purity = of the notes placed in a
theme, the share whose planted topic is that theme's word.

It ends with one line: themes notes=N groups=G cold_ms=… warm_ms=… base_ms=… ratio=… recall=R/12 purity=P

Run: .venv/bin/python bench/themes.py
"""
from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter

from workshop.polls import lemmas
from workshop.themes.clustering import NoteText, cluster, words

TOPICS = {  # base form → forms people write
    "nuori": ["nuoret", "nuorten", "nuorille", "nuoria", "nuorilla"],
    "harrastus": ["harrastukset", "harrastuksia", "harrastusten", "harrastuksiin"],
    "kyyti": ["kyydit", "kyytejä", "kyytien", "kyydin"],
    "kirjasto": ["kirjastot", "kirjastossa", "kirjastoon", "kirjaston"],
    "vapaaehtoinen": ["vapaaehtoiset", "vapaaehtoisten", "vapaaehtoisia", "vapaaehtoisille"],
    "ikäihminen": ["ikäihmiset", "ikäihmisten", "ikäihmisille", "ikäihmisiä"],
    "yrittäjä": ["yrittäjät", "yrittäjien", "yrittäjille", "yrittäjiä"],
    "koulu": ["koulut", "kouluissa", "kouluille", "koulun"],
    "tapahtuma": ["tapahtumat", "tapahtumia", "tapahtumien", "tapahtumaan"],
    "liikunta": ["liikuntaa", "liikunnan", "liikuntaan", "liikunnalle"],
    "matkailu": ["matkailua", "matkailun", "matkailuun", "matkailulle"],
    "metsä": ["metsät", "metsiä", "metsien", "metsässä"],
}
# Words around the topic: adverbs and verbs (function words to Voikko), adjectives on the stop list,
# and general words of real notes that are not (they compete with the topics for the notes).
FILLERS = ["lisää", "enemmän", "myös", "yhdessä", "paremmin", "kaikille", "aina", "heti", "ehkä", "vielä",
           "tärkeää", "helposti", "nopeasti", "kesällä", "talvella", "iltaisin", "viikoittain",
           "tarvitaan", "kehitetään", "järjestetään", "toimiva", "yhteinen", "mahdollisuus", "tieto"]


def noise(rng: random.Random) -> str:
    """A made-up word no other note shares (a village, a name): it must make no theme."""
    return "".join(rng.choice(("ka", "lo", "mi", "ru", "te", "va", "sö", "nä")) for _ in range(4))


def evening(n_notes: int, n_groups: int, seed: int = 7) -> tuple[list[NoteText], dict[int, str]]:
    rng = random.Random(seed)
    topics = list(TOPICS)
    notes, planted = [], {}
    for i in range(1, n_notes + 1):
        topic = rng.choice(topics)
        parts = [rng.choice(TOPICS[topic]), *rng.sample(FILLERS, 2), noise(rng)]
        if rng.random() < 0.2:
            parts.append(rng.choice(TOPICS[rng.choice(topics)]))
        rng.shuffle(parts)
        notes.append(NoteText(i, rng.randrange(1, n_groups + 1), " ".join(parts).capitalize()))
        planted[i] = topic
    return notes, planted


def timed(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    notes, planted = evening(args.notes, args.groups)
    print(f"lemmas by: {'Voikko' if lemmas.available() else 'fallback (no Voikko)'}")

    base_ms, _ = timed(lambda: Counter(w for n in notes for w in words(n.text)), args.repeats)

    def cold_lemmas():
        lemmas.lemma.cache_clear()
        return [lemmas.lemma(w) for n in notes for w in words(n.text)]

    def cold_cluster():
        lemmas.lemma.cache_clear()
        lemmas.is_content_word.cache_clear()
        return cluster(notes, lemmas.lemma, lemmas.is_content_word)

    lemma_ms, _ = timed(cold_lemmas, args.repeats)
    cold_ms, _ = timed(cold_cluster, args.repeats)
    warm_ms, found = timed(lambda: cluster(notes, lemmas.lemma, lemmas.is_content_word), args.repeats)

    keys = {c.key for c in found}
    recall = sum(1 for t in TOPICS if t in keys)
    placed = [(c.key, i) for c in found for i in c.note_ids]
    purity = sum(1 for key, i in placed if planted[i] == key) / max(1, len(placed))
    print(f"{'step':<34}{'ms (median of ' + str(args.repeats) + ')':>20}{'× baseline':>12}")
    for name, ms in (("baseline: lower-case + count words", base_ms), ("lemmas only (cold cache)", lemma_ms),
                     ("clustering, cold cache", cold_ms), ("clustering, warm cache", warm_ms)):
        print(f"{name:<34}{ms:>20.1f}{ms / base_ms:>12.1f}")
    print(f"themes: {len(found)}; planted topics found: {recall}/{len(TOPICS)}; "
          f"notes placed: {len(placed)}/{len(notes)}; purity {purity:.3f}")
    for c in found[:15]:
        print(f"  {c.label:<16} groups {len(c.groups):>2}  notes {len(c.note_ids):>4}  also {', '.join(c.related)}")
    print(f"themes notes={len(notes)} groups={args.groups} cold_ms={cold_ms:.1f} warm_ms={warm_ms:.1f} "
          f"base_ms={base_ms:.2f} ratio={cold_ms / base_ms:.1f} recall={recall}/{len(TOPICS)} purity={purity:.3f}")


if __name__ == "__main__":
    main()
