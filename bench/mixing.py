"""Benchmark of the grouping engine: quality against random assignment, and speed.

Run: .venv/bin/python bench/mixing.py
"""

from __future__ import annotations

import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workshop.grouping.mixing import Person, Score, group_sizes, mix, random_groups, score

GROUP_SIZE = 6
ROUNDS = 3
RANDOM_SEEDS = 20  # random assignment is averaged over this many seeds
TIMING_REPEATS = 5  # the reported time is the median of this many runs
TARGET_MS = 200.0  # 500 participants x 3 rounds

# (participants, municipality shares): one town with about half of the people, then smaller ones.
POPULATIONS = [
    (40, [0.50, 0.25, 0.15, 0.10]),
    (150, [0.50, 0.20, 0.15, 0.10, 0.05]),
    (500, [0.50, 0.18, 0.12, 0.10, 0.06, 0.04]),
]
MUNICIPALITIES = ["Seinäjoki", "Ilmajoki", "Kurikka", "Lapua", "Kauhava", "Isokyrö"]
BACKGROUNDS = [  # (background, share)
    ("järjestö", 0.40),
    ("viranhaltija", 0.20),
    ("luottamushenkilö", 0.15),
    ("kuntalainen", 0.08),
    ("seurakunta", 0.07),
    ("yritys", 0.07),
    ("muu", 0.03),
]


def _split(total: int, shares: list[float]) -> list[int]:
    """Integer parts of total in these shares (largest remainders), each at least 1."""
    raw = [total * share for share in shares]
    counts = [max(1, math.floor(x)) for x in raw]
    by_remainder = sorted(range(len(shares)), key=lambda i: raw[i] - math.floor(raw[i]), reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _organisation(rng: random.Random, municipality: str, background: str) -> str | None:
    """Realistic organisations: several people from one NGO, a municipality's officers together."""
    if background == "järjestö":
        # A few big associations and many small ones.
        return f"{municipality} ry {min(int(rng.paretovariate(1.2)), 12)}"
    if background == "viranhaltija":
        return f"{municipality}n kaupunki"
    if background == "seurakunta":
        return f"{municipality}n seurakunta"
    if background == "luottamushenkilö":
        return rng.choice([None, f"{municipality} valtuusto"])
    if background == "yritys":
        return f"Yritys {rng.randrange(1000)}"
    return None


def population(n: int, shares: list[float], seed: int = 1) -> list[Person]:
    rng = random.Random(seed)
    people: list[Person] = []
    names, weights = zip(*BACKGROUNDS)
    for municipality, count in zip(MUNICIPALITIES, _split(n, shares)):
        backgrounds = rng.choices(names, weights=weights, k=count)
        backgrounds[0] = "järjestö"  # the municipality's contact person is an NGO person
        for k, background in enumerate(backgrounds):
            people.append(
                Person(
                    id=len(people) + 1,
                    municipality=municipality,
                    background=background,
                    organisation=_organisation(rng, municipality, background),
                    is_contact_person=k == 0,
                )
            )
    rng.shuffle(people)  # as they arrive; the engine must not care
    return people


def run_rounds(grouper, people: list[Person]) -> tuple[list[list[list[int]]], list[Score]]:
    """ROUNDS rounds of grouper(people, history); each round is scored against its history."""
    history: list[list[list[int]]] = []
    scores: list[Score] = []
    for _ in range(ROUNDS):
        groups = grouper(people, history)
        scores.append(score(groups, people, history))
        history.append(groups)
    return history, scores


def _even_spread_pairs(total: int, groups: int) -> int:
    base, extra = divmod(total, groups)
    return extra * base * (base + 1) // 2 + (groups - extra) * base * (base - 1) // 2


def organisation_lower_bound(people: list[Person], groups: int) -> int:
    """Each organisation spread evenly over the groups still leaves these same-org pairs."""
    sizes: dict[str, int] = {}
    for person in people:
        if person.organisation:
            sizes[person.organisation] = sizes.get(person.organisation, 0) + 1
    return sum(_even_spread_pairs(size, groups) for size in sizes.values())


def repeat_lower_bound(people: list[Person], history: list[list[list[int]]]) -> int:
    """Best of two bounds on the repeated pairs of the next round.

    Counting: someone who met k people before has n - 1 - k unmet ones, so at least
    (s - 1) - (n - 1 - k) of their s - 1 new partners are repeats (each repeat counted twice).
    Pigeonhole: a new group of s people drawn from an earlier round's G' groups has at least
    the even-spread number of pairs that shared an earlier group.
    """
    n = len(people)
    sizes = group_sizes(n, group_size=GROUP_SIZE)
    met: dict[int, set[int]] = {p.id: set() for p in people}
    for groups in history:
        for group in groups:
            for a in group:
                met[a].update(b for b in group if b != a)
    forced = sum(max(0, (min(sizes) - 1) - (n - 1 - len(met[p.id]))) for p in people)
    counting = (forced + 1) // 2
    pigeonhole = max((sum(_even_spread_pairs(s, len(groups)) for s in sizes) for groups in history), default=0)
    return max(counting, pigeonhole)


def ratio(ours: float, theirs: float) -> str:
    if theirs == 0:
        return "-" if ours == 0 else "inf"
    return f"{ours / theirs:.2f}"


MEASURES = [  # (label, Score field, format)
    ("municipality diversity", "municipality_diversity", "{:.3f}"),
    ("municipalities per group", "mean_municipalities", "{:.2f}"),
    ("municipality excess", "municipality_excess", "{:.1f}"),
    ("background excess", "background_excess", "{:.1f}"),
    ("background balance", "background_balance", "{:.3f}"),
    ("contact spread", "contact_spread", "{:.2f}"),
    ("organisation clashes", "organisation_clashes", "{:.1f}"),
    ("repeated pairs", "repeated_pairs", "{:.1f}"),
]


def timed_rounds(people: list[Person]) -> tuple[list[list[list[int]]], list[Score], list[float]]:
    """Mix ROUNDS rounds TIMING_REPEATS times; per-round times are medians, in ms."""
    runs = []
    for _ in range(TIMING_REPEATS):
        times: list[float] = []

        def grouper(people: list[Person], history: list[list[list[int]]], times=times) -> list[list[int]]:
            start = time.perf_counter()
            groups = mix(people, group_size=GROUP_SIZE, earlier_rounds=history, seed=len(history))
            times.append((time.perf_counter() - start) * 1000)
            return groups

        history, scores = run_rounds(grouper, people)
        runs.append(times)
    return history, scores, [statistics.median(run[r] for run in runs) for r in range(ROUNDS)]


def report(n: int, shares: list[float]) -> float:
    """Print one population's table; returns the total time of its rounds in ms."""
    people = population(n, shares)
    history, ours, times = timed_rounds(people)
    random_runs = [
        run_rounds(lambda ps, h, s=s: random_groups(ps, group_size=GROUP_SIZE, seed=1000 * s + len(h)), people)[1]
        for s in range(RANDOM_SEEDS)
    ]
    sizes = group_sizes(n, group_size=GROUP_SIZE)
    municipalities: dict[str, int] = {}
    for person in people:
        municipalities[person.municipality] = municipalities.get(person.municipality, 0) + 1
    best_per_group = sum(min(c, len(sizes)) for c in municipalities.values()) / len(sizes)
    bounds = {
        "municipality diversity": "1.000",
        "municipalities per group": f"{best_per_group:.2f}",
        "municipality excess": "0",
        "background excess": "0",
        "background balance": "1.000",
        "contact spread": "1.00",
        "organisation clashes": str(organisation_lower_bound(people, len(sizes))),
    }

    print(
        f"n={n}: {len(municipalities)} municipalities {sorted(municipalities.values(), reverse=True)}, "
        f"{len(sizes)} groups of {min(sizes)}{'' if min(sizes) == max(sizes) else '-' + str(max(sizes))}; "
        f"time per round {' / '.join(f'{t:.1f}' for t in times)} ms, total {sum(times):.1f} ms"
    )
    head = f"  {'measure':<25} {'bound':>6}"
    for r in range(ROUNDS):
        head += f" | {'round ' + str(r + 1) + ' mix':>11} {'random':>7} {'ratio':>5}"
    print(head)
    for label, field, fmt in MEASURES:
        bound = bounds.get(label, "")
        line = f"  {label:<25} {bound:>6}"
        for r in range(ROUNDS):
            mine = getattr(ours[r], field)
            theirs = statistics.fmean(getattr(run[r], field) for run in random_runs)
            shown = str(mine) if isinstance(mine, int) else fmt.format(mine)
            line += f" | {shown:>11} {fmt.format(theirs):>7} {ratio(mine, theirs):>5}"
        print(line)
    line = f"  {'repeated pairs lower bnd':<25} {'':>6}"
    for r in range(ROUNDS):
        line += f" | {repeat_lower_bound(people, history[:r]):>11} {'':>7} {'':>5}"
    print(line)
    print()
    return sum(times)


TIGHT_CASES = [(5, 1), (5, 2), (5, 3), (7, 1), (7, 2), (7, 3), (7, 4), (7, 5)]  # (k, earlier rounds)
TIGHT_SEEDS = range(5)


def tight_report() -> None:
    """Tight events: k * k people, one of each of k municipalities and k backgrounds, in k groups
    of k, so every group must hold everyone's municipality and background (a Latin square). The
    earlier rounds are the squares (m + a * b) mod k, a = 1, 2, ...: mutually orthogonal for a
    prime k, so a next round without repeated pairs exists (until a = k - 1)."""
    print("Tight events (k*k people, groups of k, the earlier rounds mutually orthogonal Latin squares, so a")
    print(f"next round with 0 repeated pairs exists); seeds {TIGHT_SEEDS.start}-{TIGHT_SEEDS.stop - 1}:")
    for k, rounds in TIGHT_CASES:
        people = [Person(i + 1, f"kunta {i % k}", f"tausta {i // k}") for i in range(k * k)]
        earlier = []
        for a in range(1, rounds + 1):
            groups: list[list[int]] = [[] for _ in range(k)]
            for i in range(k * k):
                groups[(i % k + a * (i // k)) % k].append(i + 1)
            earlier.append(groups)
        repeats, times, kept = [], [], True
        for seed in TIGHT_SEEDS:
            start = time.perf_counter()
            groups = mix(people, group_size=k, earlier_rounds=earlier, seed=seed)
            times.append((time.perf_counter() - start) * 1000)
            rating = score(groups, people, earlier)
            kept = kept and rating.municipality_excess == 0 and rating.background_excess == 0
            repeats.append(rating.repeated_pairs)
        print(
            f"  k={k}, after {rounds} round{'s' if rounds > 1 else ''}: repeated pairs {repeats}"
            f"{'' if kept else ' (HIGHER GOALS BROKEN)'}, median {statistics.median(times):.0f} ms per round"
        )
    print()


def main() -> None:
    print(f"Mixing benchmark: group size {GROUP_SIZE}, {ROUNDS} rounds, each round with the earlier ones as")
    print(f"history. 'random' is the mean of {RANDOM_SEEDS} random assignments with the same sizes (each scored")
    print("against its own earlier random rounds); ratio = mix / random. Bounds: municipality diversity is")
    print("measured against the exact best (sum over municipalities of min(people, groups) distinct")
    print("(group, municipality) incidences); excesses 0, balance and spread 1 are always reachable one at a")
    print("time; organisation clashes bound = every organisation spread evenly; repeated pairs bound =")
    print("max(counting bound, pigeonhole bound), see repeat_lower_bound(). Times are medians of")
    print(f"{TIMING_REPEATS} runs.")
    print()
    total_500 = 0.0
    for n, shares in POPULATIONS:
        total = report(n, shares)
        if n == 500:
            total_500 = total
    tight_report()
    verdict = "OK" if total_500 <= TARGET_MS else "TOO SLOW"
    print(f"500 participants x {ROUNDS} rounds: {total_500:.1f} ms (target {TARGET_MS:.0f} ms): {verdict}")


if __name__ == "__main__":
    main()
