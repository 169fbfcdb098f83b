"""Grouping engine: mixes workshop participants by municipality, background, organisation and history."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

__all__ = [
    "GaloisField",
    "Person",
    "Plan",
    "Score",
    "field_schedule",
    "galois_field",
    "group_sizes",
    "home_groups",
    "mix",
    "move",
    "place_late_arrival",
    "plan",
    "prime_power",
    "random_groups",
    "repeat_bound",
    "score",
]

Groups = list[list[int]]
Rounds = Sequence[Sequence[Sequence[int]]]

# Local search stops after this many passes even if it still finds improvements; in practice it
# converges in a handful, this only bounds the worst case.
MAX_PASSES = 30
# Kicks of the iterated local search: KICK_BUDGET // n of them (at least MIN_KICKS), so small
# events, where swap-optima are most often not optimal, get many and large ones few; the search
# also stops after PATIENCE kicks in a row that did not make the grouping strictly better.
KICK_BUDGET = 8000
MIN_KICKS = 10
PATIENCE = 60
# At most this many swap evaluations in mix()'s first search (each well under 1 µs): realistic
# events need a small fraction of it; it caps the time for unusual ones, such as a few very large
# groups.
EVALUATION_BUDGET = 100_000
# When only repeated pairs are left above their lower bound, mix() searches again from new deals
# and keeps the best grouping (see _mix_indices). The restarts together may use RESTART_FACTOR
# times what the first search used, and at most RESTART_BUDGET evaluations, so a call costs at
# most five times its first search and never more than twice EVALUATION_BUDGET. Setting up a
# search (deal, counters) counts as SETUP_COST evaluations per person.
RESTART_FACTOR = 4
RESTART_BUDGET = 100_000
SETUP_COST = 10


@dataclass(frozen=True)
class Person:
    """One participant as the grouping engine sees them."""

    id: int
    municipality: str
    background: str
    organisation: str | None = None
    is_contact_person: bool = False


# --------------------------------------------------------------------------------------------
# Sizes


def _round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, in integers (Python's round() rounds half to even)."""
    return (2 * numerator + denominator) // (2 * denominator)


def group_sizes(n: int, *, group_size: int | None = None, group_count: int | None = None) -> list[int]:
    """Sizes of the groups for n people, largest first; sizes differ by at most one.

    Give exactly one of ``group_size`` ("about this many per group": the count is n / group_size
    rounded half up, at least 1) or ``group_count``. There are never more groups than people, so no
    group is empty; n == 0 gives no groups.
    """
    if (group_size is None) == (group_count is None):
        raise ValueError("give exactly one of group_size and group_count")
    if n < 0:
        raise ValueError("n must not be negative")
    if group_size is not None:
        if group_size < 1:
            raise ValueError("group_size must be at least 1")
        count = max(1, _round_half_up(n, group_size))
    else:
        assert group_count is not None
        if group_count < 1:
            raise ValueError("group_count must be at least 1")
        count = group_count
    if n == 0:
        return []
    count = min(count, n)
    base, extra = divmod(n, count)
    return [base + 1] * extra + [base] * (count - extra)


# --------------------------------------------------------------------------------------------
# Input normalisation


def _organisation_key(organisation: str | None) -> str | None:
    """Organisations are typed on phones: compare them ignoring case and extra whitespace."""
    if organisation is None:
        return None
    key = " ".join(organisation.split()).casefold()
    return key or None


def _sorted_people(people: Iterable[Person]) -> list[Person]:
    """People sorted by id, so results never depend on the order the caller listed them in."""
    ordered = sorted(people, key=lambda person: person.id)
    for first, second in itertools.pairwise(ordered):
        if first.id == second.id:
            raise ValueError(f"person {first.id} is listed twice")
    return ordered


def _people_by_id(people: Mapping[int, Person] | Iterable[Person]) -> dict[int, Person]:
    if isinstance(people, Mapping):
        return dict(people)
    return {person.id: person for person in _sorted_people(people)}


def _met_pairs(earlier_rounds: Rounds) -> set[tuple[int, int]]:
    """Every pair (smaller id, larger id) that sat in one group in some earlier round."""
    return set(_met_counts(earlier_rounds))


def _met_counts(earlier_rounds: Rounds) -> dict[tuple[int, int], int]:
    """For every pair (smaller id, larger id) that sat together: in how many earlier rounds."""
    counts: dict[tuple[int, int], int] = {}
    for groups in earlier_rounds:
        for group in groups:
            ids = sorted(set(group))
            for i, first in enumerate(ids):
                for second in ids[i + 1 :]:
                    counts[first, second] = counts.get((first, second), 0) + 1
    return counts


def _codes(values: Sequence[str]) -> tuple[list[int], int]:
    """Replace values by small integers (in sorted value order, so codes are deterministic)."""
    table = {value: code for code, value in enumerate(sorted(set(values)))}
    return [table[value] for value in values], len(table)


# --------------------------------------------------------------------------------------------
# The problem, encoded as integer arrays indexed 0..n-1 (position in id order)


@dataclass(frozen=True)
class _Problem:
    ids: list[int]
    municipality: list[int]
    background: list[int]
    contact: list[bool]
    organisation: list[int]  # -1: no organisation, or nobody else from it is present
    # Indices of people met in earlier rounds, sorted; someone met in two rounds is listed twice,
    # so every count over `met` weighs a pair by how often it has already met.
    met: list[list[int]]
    municipality_count: int
    background_count: int
    organisation_count: int
    # Pigeonhole input: per earlier round, into how many "boxes" the present people fall (the
    # earlier groups holding any of them, plus one per present person not in that round).
    earlier_boxes: tuple[int, ...] = ()

    @property
    def n(self) -> int:
        return len(self.ids)


def _encode(people: list[Person], earlier_rounds: Rounds) -> _Problem:
    municipality, municipality_count = _codes([p.municipality for p in people])
    background, background_count = _codes([p.background for p in people])

    # Only organisations with two or more people present can clash; the rest need no counters.
    org_keys = [_organisation_key(p.organisation) for p in people]
    sizes = _tally(key for key in org_keys if key is not None)
    shared = sorted(key for key, size in sizes.items() if size > 1)
    org_code = {key: code for code, key in enumerate(shared)}
    organisation = [org_code.get(key, -1) if key is not None else -1 for key in org_keys]

    index = {person.id: i for i, person in enumerate(people)}
    met: list[list[int]] = [[] for _ in people]
    for (first, second), times in sorted(_met_counts(earlier_rounds).items()):
        if first in index and second in index:
            met[index[first]].extend([index[second]] * times)
            met[index[second]].extend([index[first]] * times)
    for neighbours in met:
        neighbours.sort()
    boxes = []
    for groups in earlier_rounds:
        holding = sum(1 for group in groups if any(i in index for i in group))
        placed = sum(1 for group in groups for i in set(group) if i in index)
        boxes.append(holding + len(people) - placed)

    return _Problem(
        ids=[p.id for p in people],
        municipality=municipality,
        background=background,
        contact=[p.is_contact_person for p in people],
        organisation=organisation,
        met=met,
        municipality_count=municipality_count,
        background_count=background_count,
        organisation_count=len(shared),
        earlier_boxes=tuple(boxes),
    )


# --------------------------------------------------------------------------------------------
# Bounds


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def _even_spread_pairs(total: int, groups: int) -> int:
    """Fewest same-category pairs when `total` people of one category sit in `groups` groups."""
    base, extra = divmod(total, groups)
    return extra * _pairs(base + 1) + (groups - extra) * _pairs(base)


def _best_distinct(sizes: Sequence[int], municipality_totals: Iterable[int]) -> int:
    """Most (group, municipality) incidences any grouping with these sizes can reach.

    It is a max flow (municipality m can appear in a group at most once and in at most
    totals[m] groups; group g holds at most sizes[g] municipalities), so it equals the min cut:
    min over k of (k smallest sizes) + sum over m of min(totals[m], number of groups - k).
    """
    totals = list(municipality_totals)
    ascending = sorted(sizes)
    best = sum(min(total, len(ascending)) for total in totals)
    smallest = 0
    for k in range(1, len(ascending) + 1):
        smallest += ascending[k - 1]
        best = min(best, smallest + sum(min(total, len(ascending) - k) for total in totals))
    return best


ALL_KINDS = 4  # municipality, background, contact persons, organisation: the goals above repeats


def _exclusions(problem: _Problem, groups: int, kinds: int = ALL_KINDS) -> list[list[int]]:
    """The categories whose people can never share a group at the higher goals' bounds, for the
    first `kinds` of the four goals above repeats (in goal order).

    A category (a municipality, a background, the contact persons, an organisation) with at
    most one person per group when spread evenly (at most `groups` people) has an even-spread
    bound of 0 pairs: every grouping that meets that goal's bound keeps its people apart. Each
    returned row gives every person's code in one such kind of category, -1 where it does not
    apply (a municipality bigger than `groups`, no organisation, not a contact person).
    """

    def kept_apart(codes: list[int], count: int) -> list[int] | None:
        totals = [0] * count
        for code in codes:
            if code >= 0:
                totals[code] += 1
        row = [code if code >= 0 and totals[code] <= groups else -1 for code in codes]
        return row if any(code >= 0 for code in row) else None

    rows = [
        kept_apart(problem.municipality, problem.municipality_count),
        kept_apart(problem.background, problem.background_count),
        kept_apart([0 if contact else -1 for contact in problem.contact], 1),
        kept_apart(problem.organisation, problem.organisation_count),
    ][:kinds]
    return [row for row in rows if row is not None]


def _meetable(problem: _Problem, groups: int, kinds: int = ALL_KINDS) -> list[int]:
    """For each person, how many others they have not met yet and may meet at the higher goals'
    bounds (see _exclusions): everyone else minus the kept-apart ones minus those met before.

    The kept-apart ones are counted by inclusion and exclusion over the kinds of category, with
    one tally per combination of kinds, so this is linear in the number of people.
    """
    rows = _exclusions(problem, groups, kinds)
    n = problem.n
    excluded = [0] * n
    for size in range(1, len(rows) + 1):
        sign = 1 if size % 2 else -1
        for combination in itertools.combinations(rows, size):
            tally: dict[tuple[int, ...], int] = {}
            keys: list[tuple[int, ...] | None] = []
            for i in range(n):
                key = tuple(row[i] for row in combination)
                if min(key) < 0:
                    keys.append(None)
                    continue
                keys.append(key)
                tally[key] = tally.get(key, 0) + 1
            for i, key in enumerate(keys):
                if key is not None:
                    excluded[i] += sign * (tally[key] - 1)
    result = []
    for i in range(n):
        met_allowed = sum(
            1 for j in set(problem.met[i]) if not any(row[i] >= 0 and row[i] == row[j] for row in rows)
        )
        result.append(n - 1 - excluded[i] - met_allowed)
    return result


def _plenty(problem: _Problem, groups: int, slots: int, kinds: int = ALL_KINDS) -> bool:
    """Quick check that everyone has at least `slots` people left to meet: everyone else, minus
    all of their kept-apart categories, minus everyone they met (so _meetable() is no smaller)."""
    rows = _exclusions(problem, groups, kinds)
    sizes = []
    for row in rows:
        tally: dict[int, int] = {}
        for code in row:
            tally[code] = tally.get(code, 0) + 1
        sizes.append(tally)
    n = problem.n
    for i in range(n):
        kept_apart = sum(tally[row[i]] - 1 for row, tally in zip(rows, sizes) if row[i] >= 0)
        if n - 1 - kept_apart - len(problem.met[i]) < slots:
            return False
    return True


def _repeat_floor(problem: _Problem, sizes: Sequence[int], rounds: int = 1, kinds: int = ALL_KINDS) -> int:
    """A proven lower bound on the repeated pairs of `rounds` new rounds with these group sizes,
    among groupings that meet every higher goal's bound (which fixes who is kept apart).

    Counting: each person has at least (smallest size - 1) partners a round, and only
    _meetable() of them over all the rounds can be new; the rest are repeats, and each repeat
    is counted by both people. Pigeonhole (first new round): a new group drawn from an earlier
    round's B boxes holds at least the even-spread number of pairs from one box. A pair that
    has met before costs at least 1 in the weighted cost too, so this bounds that as well.
    """
    if not sizes:
        return 0
    slots = rounds * (min(sizes) - 1)
    counting = 0
    if slots > 0 and not _plenty(problem, len(sizes), slots, kinds):
        forced = sum(max(0, slots - free) for free in _meetable(problem, len(sizes), kinds))
        counting = (forced + 1) // 2
    pigeonhole = max(
        (sum(_even_spread_pairs(size, boxes) for size in sizes) for boxes in problem.earlier_boxes), default=0
    )
    return max(counting, pigeonhole)


# --------------------------------------------------------------------------------------------
# Search state


class _State:
    """A grouping of one problem with per-group counters, so that a swap is rated in O(1).

    The cost is a tuple compared lexicographically, one level per goal, lower is better:
      0. missing municipalities: sum over groups of (size - distinct municipalities)
      1. same-municipality pairs (so a big town is spread evenly, not piled into some groups)
      2. same-background pairs (minimal exactly when every background is spread evenly)
      3. pairs of contact persons in one group
      4. pairs from one organisation in one group
      5. pairs who already sat together in an earlier round, each weighed by how often it
         has met before (a third meeting costs 2, a second 1)
    """

    def __init__(self, problem: _Problem, groups: list[list[int]], budget: int, floor: int | None = None):
        self.problem = problem
        self.budget = budget  # swap evaluations left; bounds the running time deterministically
        self.members = [list(group) for group in groups]
        self.where = [0] * problem.n
        self.municipalities = [[0] * problem.municipality_count for _ in groups]
        self.backgrounds = [[0] * problem.background_count for _ in groups]
        self.contacts = [0] * len(groups)
        self.organisations = [[0] * problem.organisation_count for _ in groups]
        # met_in[i][g]: how many people i met before are now in group g.
        self.met_in: list[dict[int, int]] = [{} for _ in range(problem.n)]
        self.met_count: list[dict[int, int]] = [{} for _ in range(problem.n)]
        for i, neighbours in enumerate(problem.met):
            for j in neighbours:
                self.met_count[i][j] = self.met_count[i].get(j, 0) + 1
        self._floor = floor  # the repeat level's lower bound, computed on first use unless given
        for g, group in enumerate(self.members):
            for i in group:
                self.where[i] = g
                self._count(i, g, +1)
        for i in range(problem.n):
            for j in problem.met[i]:
                counts = self.met_in[i]
                counts[self.where[j]] = counts.get(self.where[j], 0) + 1

    def _count(self, i: int, g: int, step: int) -> None:
        problem = self.problem
        self.municipalities[g][problem.municipality[i]] += step
        self.backgrounds[g][problem.background[i]] += step
        if problem.contact[i]:
            self.contacts[g] += step
        if problem.organisation[i] >= 0:
            self.organisations[g][problem.organisation[i]] += step

    # -- rating ------------------------------------------------------------------------------

    def cost(self) -> tuple[int, ...]:
        distinct = sum(1 for counts in self.municipalities for c in counts if c)
        repeated = sum(self.met_in[i].get(self.where[i], 0) for i in range(self.problem.n)) // 2
        return (
            self.problem.n - distinct,
            sum(_pairs(c) for counts in self.municipalities for c in counts),
            sum(_pairs(c) for counts in self.backgrounds for c in counts),
            sum(_pairs(c) for c in self.contacts),
            sum(_pairs(c) for counts in self.organisations for c in counts),
            repeated,
        )

    def lower_bound(self) -> tuple[int, ...]:
        """Each level's own minimum; a grouping reaching all of them at once is optimal."""
        problem, groups = self.problem, len(self.members)
        sizes = [len(group) for group in self.members]

        def spread(category: list[int], count: int) -> int:
            totals = [0] * count
            for code in category:
                if code >= 0:
                    totals[code] += 1
            return sum(_even_spread_pairs(total, groups) for total in totals)

        municipality_totals = [0] * problem.municipality_count
        for code in problem.municipality:
            municipality_totals[code] += 1
        return (
            problem.n - _best_distinct(sizes, municipality_totals),
            spread(problem.municipality, problem.municipality_count),
            spread(problem.background, problem.background_count),
            _even_spread_pairs(sum(problem.contact), groups),
            spread(problem.organisation, problem.organisation_count),
            self.repeat_floor(),
        )

    def repeat_floor(self) -> int:
        if self._floor is None:
            self._floor = _repeat_floor(self.problem, [len(group) for group in self.members])
        return self._floor

    def swap_delta(self, p: int, q: int) -> int:
        """Change of the first cost level that a swap of p and q changes (negative: better).

        Each level's change splits into p's side (leaving g, joining h) and q's side; for a
        pair-count level p's side is count_h - count_g + 1 when p and q differ in that category.
        """
        problem = self.problem
        g, h = self.where[p], self.where[q]
        a, b = problem.municipality[p], problem.municipality[q]
        if a != b:
            at_g, at_h = self.municipalities[g], self.municipalities[h]
            d = (at_g[a] == 1) - (at_h[a] == 0) + (at_h[b] == 1) - (at_g[b] == 0)
            if d:
                return d
            d = at_h[a] - at_g[a] + at_g[b] - at_h[b] + 2
            if d:
                return d
        a, b = problem.background[p], problem.background[q]
        if a != b:
            at_g, at_h = self.backgrounds[g], self.backgrounds[h]
            d = at_h[a] - at_g[a] + at_g[b] - at_h[b] + 2
            if d:
                return d
        if problem.contact[p] != problem.contact[q]:
            d = self.contacts[h] - self.contacts[g] + 1
            if problem.contact[q]:
                d = -d + 2  # q's side instead: contacts[g] - contacts[h] + 1
            if d:
                return d
        a, b = problem.organisation[p], problem.organisation[q]
        if a != b:
            at_g, at_h = self.organisations[g], self.organisations[h]
            d = 0
            if a >= 0:
                d += at_h[a] - at_g[a] + 1
            if b >= 0:
                d += at_g[b] - at_h[b] + 1
            if d:
                return d
        met_p, met_q = self.met_in[p], self.met_in[q]
        if not met_p and not met_q:
            return 0
        d = met_p.get(h, 0) - met_p.get(g, 0) + met_q.get(g, 0) - met_q.get(h, 0)
        # p and q sit together neither before nor after the swap, yet met_p[h] and met_q[g]
        # counted their earlier meetings.
        return d - 2 * self.met_count[p].get(q, 0)

    # -- changing ----------------------------------------------------------------------------

    def swap(self, p: int, q: int) -> None:
        g, h = self.where[p], self.where[q]
        self.members[g][self.members[g].index(p)] = q
        self.members[h][self.members[h].index(q)] = p
        self._count(p, g, -1)
        self._count(q, h, -1)
        self._count(p, h, +1)
        self._count(q, g, +1)
        self.where[p], self.where[q] = h, g
        self._move_met(p, g, h)
        self._move_met(q, h, g)

    def _move_met(self, i: int, old: int, new: int) -> None:
        for j in self.problem.met[i]:
            counts = self.met_in[j]
            counts[old] -= 1
            counts[new] = counts.get(new, 0) + 1

    # -- local search ------------------------------------------------------------------------

    def improve(self, rng: random.Random, focus: Iterable[int] | None = None) -> list[tuple[int, int]]:
        """Swap pairs between groups while a swap lowers the cost; returns the swaps made.

        A swap can only help if p's side or q's side is negative on some level, so only people
        who could gain by leaving their group ("troubled") start a scan, and only over groups
        where they could gain. Every improving swap has a troubled member, so a full pass that
        finds nothing proves a swap-optimum.

        Passes after the first only rescan the people a swap affected (members of both groups,
        and whom the two movers met before); with no ``focus`` (everyone), a full pass confirms
        the end. Bounded by MAX_PASSES and the evaluation budget.
        """
        log: list[tuple[int, int]] = []
        everyone = list(range(self.problem.n))
        pending = everyone if focus is None else sorted(set(focus))
        for _ in range(MAX_PASSES):
            touched = self._pass(pending, rng, log)
            if touched:
                pending = sorted(touched)
            elif focus is None and len(pending) < len(everyone):
                pending = everyone
            else:
                break
        return log

    def _pass(self, people: list[int], rng: random.Random, log: list[tuple[int, int]]) -> set[int]:
        """One improvement pass over people, in random order; returns who the swaps affected."""
        order = list(people)
        rng.shuffle(order)
        minima = self._minima()
        touched: set[int] = set()
        for p in order:
            if self.budget <= 0:
                break
            if not self._troubled(p, minima):
                continue
            q = self._improving_partner(p, rng)
            if q is not None:
                self.swap(p, q)
                log.append((p, q))
                touched.update(self._affected(p, q))
        return touched

    def _affected(self, p: int, q: int) -> list[int]:
        """Whose swap options a swap of p and q changed: both groups, and whom p and q met."""
        groups = self.members[self.where[p]] + self.members[self.where[q]]
        return groups + self.problem.met[p] + self.problem.met[q]

    def undo(self, log: list[tuple[int, int]]) -> None:
        for p, q in reversed(log):
            self.swap(p, q)  # a swap is its own inverse

    def perturb(self, rng: random.Random, kicks: int, patience: int) -> None:
        """Iterated local search: kick a troubled person into another group, improve around the
        kick, and keep the result unless it is worse. Escapes swap-optima (common in small events)."""
        best, bound = self.cost(), self.lower_bound()
        stale = 0
        for _ in range(kicks):
            if best == bound or stale >= patience or self.budget <= 0:
                return  # provably optimal, no progress for long, or out of budget
            kick = self._random_kick(rng)
            if kick is None:
                return
            self.swap(*kick)
            log = [kick, *self.improve(rng, focus=self._affected(*kick))]
            cost = self.cost()
            stale = 0 if cost < best else stale + 1
            if cost <= best:  # equal cost is accepted too: it lets the search drift along plateaus
                best = cost
            else:
                self.undo(log)

    def _random_kick(self, rng: random.Random) -> tuple[int, int] | None:
        """A random troubled person and a random partner from another group; half of the time
        one of the same municipality, which keeps the top goal intact so the search explores the
        lower ones instead of just undoing the kick."""
        minima = self._minima()
        troubled = [p for p in range(self.problem.n) if self._troubled(p, minima)]
        if not troubled:
            return None
        p = rng.choice(troubled)
        municipality, g = self.problem.municipality[p], self.where[p]
        others = [q for q in range(self.problem.n) if self.where[q] != g]
        if not others:
            return None
        neighbours = [q for q in others if self.problem.municipality[q] == municipality]
        if neighbours and rng.random() < 0.5:
            return p, rng.choice(neighbours)
        return p, rng.choice(others)

    def _minima(self) -> tuple[list[int], list[int], int, list[int]]:
        def column_minima(rows: list[list[int]], width: int) -> list[int]:
            return [min(row[k] for row in rows) for k in range(width)]

        problem = self.problem
        return (
            column_minima(self.municipalities, problem.municipality_count),
            column_minima(self.backgrounds, problem.background_count),
            min(self.contacts),
            column_minima(self.organisations, problem.organisation_count),
        )

    def _troubled(self, p: int, minima: tuple[list[int], list[int], int, list[int]]) -> bool:
        """Could p's side of some swap be negative (its count here ≥ 2 above the emptiest group)?"""
        problem, g = self.problem, self.where[p]
        min_municipality, min_background, min_contacts, min_organisation = minima
        a = problem.municipality[p]
        # (Leaving fills a missing municipality elsewhere only if some group has 0 and here ≥ 2,
        # which this covers too.)
        if self.municipalities[g][a] >= min_municipality[a] + 2:
            return True
        b = problem.background[p]
        if self.backgrounds[g][b] >= min_background[b] + 2:
            return True
        if problem.contact[p] and self.contacts[g] >= min_contacts + 2:
            return True
        o = problem.organisation[p]
        if o >= 0 and self.organisations[g][o] >= min_organisation[o] + 2:
            return True
        return self.met_in[p].get(g, 0) > 0

    def _could_gain(self, p: int, g: int, h: int) -> bool:
        """Could p's side be negative when p moves from g to h (the per-group form of _troubled)?"""
        problem = self.problem
        a = problem.municipality[p]
        if self.municipalities[h][a] <= self.municipalities[g][a] - 2:
            return True
        b = problem.background[p]
        if self.backgrounds[h][b] <= self.backgrounds[g][b] - 2:
            return True
        if problem.contact[p] and self.contacts[h] <= self.contacts[g] - 2:
            return True
        o = problem.organisation[p]
        if o >= 0 and self.organisations[h][o] <= self.organisations[g][o] - 2:
            return True
        met_here = self.met_in[p].get(g, 0)
        # Equal counts can still gain when p swaps with someone it met (they leave h).
        return met_here > 0 and self.met_in[p].get(h, 0) <= met_here

    def _improving_partner(self, p: int, rng: random.Random) -> int | None:
        """The first q whose swap with p lowers the cost, scanning groups from a random start."""
        groups = len(self.members)
        g = self.where[p]
        start = rng.randrange(groups)
        for step in range(groups):
            h = (start + step) % groups
            if h == g or not self._could_gain(p, g, h):
                continue
            members = self.members[h]
            self.budget -= len(members)
            for q in members:
                if self.swap_delta(p, q) < 0:
                    return q
        return None


# --------------------------------------------------------------------------------------------
# Construction


def _deal(problem: _Problem, sizes: list[int], rng: random.Random) -> list[list[int]]:
    """Deal people round-robin into groups, one municipality after another.

    Each municipality is a consecutive run of the deal, so it lands in min(its size, groups)
    different groups, evenly: the municipality goal is already optimal. Inside a run, contact
    persons come first and people are sorted by background and organisation, which spreads those
    too; ties are broken randomly so different seeds (and rounds) give different groups.
    """
    # Sizes are largest first, so plain round-robin gives exactly these sizes.
    groups: list[list[int]] = [[] for _ in sizes]
    for position, i in enumerate(_deal_order(problem, rng)):
        groups[position % len(sizes)].append(i)
    return groups


def _deal_order(problem: _Problem, rng: random.Random) -> list[int]:
    """Everyone, one municipality after another (largest first); inside a municipality contact
    persons first, then by background and organisation, ties in random order."""
    by_municipality: list[list[int]] = [[] for _ in range(problem.municipality_count)]
    for i in range(problem.n):
        by_municipality[problem.municipality[i]].append(i)
    by_municipality.sort(key=lambda run: -len(run))  # stable: equal sizes keep name order

    order: list[int] = []
    for run in by_municipality:
        rng.shuffle(run)
        run.sort(key=lambda i: (not problem.contact[i], problem.background[i], problem.organisation[i]))
        order.extend(run)
    return order


def _mix_indices(
    problem: _Problem, sizes: list[int], rng: random.Random, budget: int = EVALUATION_BUDGET
) -> list[list[int]]:
    """Deal, improve by swaps, then iterated local search; the last full improve makes sure the
    result is a swap-optimum (unless the evaluation budget ran out).

    If then every goal but repeated pairs is at its lower bound (so provably optimal) and repeated
    pairs are not, search again from new deals while the restart budget lasts, and keep the best
    result (the first one on ties). This is what tight events need, say every group needing
    exactly one person of each municipality and of each background: a swap that keeps the higher
    goals can then only exchange look-alikes, perturb()'s kicks are mostly repaired straight back,
    and one search stays in one region of groupings, which a fresh deal leaves. In measurements on
    such events (Latin-square-like ones, and small events in later rounds) restarts reached fewer
    repeated pairs per evaluation than compound moves did (two swaps rated together, three-person
    cycles, ejection chains, and Latin-square-style row and column cycle exchanges as kicks).
    """
    setup = SETUP_COST * problem.n
    floor = _repeat_floor(problem, sizes)
    state = _State(problem, _deal(problem, sizes, rng), budget, floor)
    kicks = max(MIN_KICKS, KICK_BUDGET // problem.n)
    state.improve(rng)
    state.perturb(rng, kicks=kicks, patience=PATIENCE)
    state.improve(rng)
    best, best_cost, bound = state.members, state.cost(), state.lower_bound()
    if best_cost[:-1] != bound[:-1]:
        return best
    budget = min(RESTART_BUDGET * budget // EVALUATION_BUDGET, RESTART_FACTOR * (setup + budget - state.budget))
    while best_cost != bound and budget > setup:
        state = _State(problem, _deal(problem, sizes, rng), budget - setup, floor)
        state.improve(rng)
        state.perturb(rng, kicks=kicks, patience=PATIENCE)
        state.improve(rng)
        budget = state.budget
        cost = state.cost()
        if cost < best_cost:
            best, best_cost = state.members, cost
    return best


def _as_ids(problem: _Problem, groups: list[list[int]]) -> Groups:
    return [sorted(problem.ids[i] for i in group) for group in groups]


# --------------------------------------------------------------------------------------------
# Finite fields, for the constructions


MAX_FIELD = 32  # the largest field (= number of groups) the constructions use


def prime_power(q: int) -> tuple[int, int] | None:
    """(p, k) with q == p ** k for a prime p, or None when q is not a prime power."""
    if q < 2:
        return None
    p = next(d for d in range(2, q + 1) if q % d == 0)  # the smallest factor is prime
    k, rest = 0, q
    while rest % p == 0:
        rest //= p
        k += 1
    return (p, k) if rest == 1 else None


class GaloisField:
    """GF(q) for a prime power q = p ** k, its elements the integers 0 .. q - 1 (0 and 1 are
    zero and one).

    An element stands for the polynomial over GF(p) whose coefficients are its base-p digits,
    lowest first: sums are digit-wise mod p, products are polynomial products reduced modulo
    ``modulus``, the first monic polynomial of degree k (in the order of its digits) for which
    no two non-zero elements multiply to 0, i.e. an irreducible one. For k == 1 this is
    arithmetic mod p. All sums and products are tabulated once (q is small): GF(4) uses
    x² + x + 1, GF(8) x³ + x + 1, GF(9) x² + 1.
    """

    def __init__(self, q: int):
        factors = prime_power(q)
        if factors is None:
            raise ValueError(f"{q} is not a prime power")
        self.q = q
        self.p, self.k = factors
        self._all_digits = [self._digits(a) for a in range(q)]
        self.sum = [[self._number([(x + y) % self.p for x, y in zip(self._all_digits[a], self._all_digits[b])])
                     for b in range(q)] for a in range(q)]
        self.modulus = self._irreducible()
        self.product = self._products(self.modulus)

    def _digits(self, a: int) -> list[int]:
        digits = []
        for _ in range(self.k):
            a, digit = divmod(a, self.p)
            digits.append(digit)
        return digits

    def _number(self, digits: Sequence[int]) -> int:
        value = 0
        for digit in reversed(digits):
            value = value * self.p + digit
        return value

    def _multiply(self, a: int, b: int, modulus: Sequence[int]) -> int:
        p, k = self.p, self.k
        product = [0] * (2 * k - 1)
        for i, x in enumerate(self._all_digits[a]):
            if x:
                for j, y in enumerate(self._all_digits[b]):
                    product[i + j] = (product[i + j] + x * y) % p
        for degree in range(2 * k - 2, k - 1, -1):  # x^k = -(modulus without its leading 1)
            lead = product[degree]
            if lead:
                product[degree] = 0
                for i in range(k):
                    product[degree - k + i] = (product[degree - k + i] - lead * modulus[i]) % p
        return self._number(product[:k])

    def _products(self, modulus: Sequence[int]) -> list[list[int]]:
        return [[self._multiply(a, b, modulus) for b in range(self.q)] for a in range(self.q)]

    def _irreducible(self) -> list[int]:
        """Coefficients (lowest first, the leading 1 left out) of the modulus.

        A reducible modulus f * g has a factor f of degree <= k / 2, and then f * g = 0 with g
        of degree < k: so checking the products of those small elements finds every one."""
        small = self.p ** (self.k // 2 + 1)  # the elements of degree <= k / 2
        for tail in range(self.q):
            modulus = self._digits(tail)
            if self.k > 1 and modulus[0] == 0:
                continue  # divisible by x
            if all(self._multiply(a, b, modulus) for a in range(1, min(small, self.q)) for b in range(1, self.q)):
                return modulus
        raise AssertionError("every prime power has an irreducible polynomial")  # pragma: no cover

    def add(self, a: int, b: int) -> int:
        return self.sum[a][b]

    def mul(self, a: int, b: int) -> int:
        return self.product[a][b]

    def neg(self, a: int) -> int:
        return self.sum[a].index(0)

    def sub(self, a: int, b: int) -> int:
        return self.sum[a][self.neg(b)]


_FIELDS: dict[int, GaloisField] = {}


def galois_field(q: int) -> GaloisField:
    """GF(q), built once per process."""
    if q not in _FIELDS:
        _FIELDS[q] = GaloisField(q)
    return _FIELDS[q]


def field_schedule(rows: int, q: int) -> list[list[list[tuple[int, int]]]]:
    """The resolvable transversal design TD(rows, q) over GF(q), rows <= q: points (row r,
    position x) for r < rows and x in GF(q); for every slope b in GF(q) one round of q groups,
    group c holding the point (r, c + b * r) of each row. Two points of different rows meet in
    exactly one of these q rounds (b (r - r') = x - x' has one solution), points of one row never.
    With rows == q the rows themselves are one more round: the q + 1 parallel classes of the
    affine plane over GF(q), in which every two of the q² points meet exactly once.

    Rounds are listed by slope 0, 1, .., q - 1, then the rows round; groups by c.
    """
    if not 1 <= rows <= q:
        raise ValueError("a transversal design over GF(q) has at most q rows")
    field = galois_field(q)
    rounds = []
    for b in range(q):
        groups = [[(r, field.add(c, field.mul(b, r))) for r in range(rows)] for c in range(q)]
        rounds.append(groups)
    if rows == q:
        rounds.append([[(r, x) for x in range(q)] for r in range(rows)])
    return rounds


# --------------------------------------------------------------------------------------------
# Planning several rounds together

# The look-ahead swap search over all planned rounds evaluates at most this many swaps (each a
# few µs), and gives up after SCHEDULE_PATIENCE moves that did not improve on its best schedule
# (then it kicks the best schedule a little and goes on).
SCHEDULE_BUDGET = 100_000
SCHEDULE_PATIENCE = 60
SCHEDULE_STALLS = 5  # ... and stops after this many kicks in a row found no better schedule
SCHEDULE_SAMPLE = 6  # groups with repeats whose swaps one move looks at
SCHEDULE_KICKS = 3
TABU_TENURE = (5, 15)  # a moved person stays in their new group for this many moves (random in range)
# While planning, each round's own search (mix()'s) gets this much of mix()'s budget: the
# look-ahead search that follows does better with the rest.
PLANNED_ROUND_BUDGET = 20_000
# When the first this many constructed rounds all miss a higher goal (say backgrounds that the
# layout cannot spread), the rest are not rated: they come from the same layout.
CONSTRUCTION_TRIES = 2


@dataclass(frozen=True)
class Plan:
    """Rounds planned together (see plan()).

    rounds: the planned rounds, each a list of groups of ids (sorted), in the order to publish.
    repeats: per planned round, the pairs in one group who had met before it (in earlier rounds
        or earlier planned rounds).
    bound: a proven lower bound on sum(repeats) of schedules that are at least as good on the
        higher goals (counting and pigeonhole, see _plan_floor).
    weighted: the repeats weighed by how often each pair had met (a third meeting costs 2).
    constructed: how many rounds come straight from a finite-field construction.
    """

    rounds: list[Groups]
    repeats: list[int]
    bound: int
    weighted: int
    constructed: int = 0

    @property
    def perfect(self) -> bool:
        """Nobody meets anyone twice (counting earlier rounds too)."""
        return not any(self.repeats)

    @property
    def excess(self) -> int:
        """Repeats above the proven bound: 0 means provably the fewest possible."""
        return sum(self.repeats) - self.bound


def _plan_floor(problem: _Problem, sizes: Sequence[int], rounds: int, kinds: int = 1) -> int:
    """Lower bound on the repeats of `rounds` planned rounds: the counting bound over all of them
    at once, or the pigeonhole bounds round by round (the first against the earlier rounds, each
    later one against the planned round before it), whichever is larger.

    The counting bound keeps apart the people of the first `kinds` goals (see _exclusions). That
    is proven only for goals whose bounds can all be met at once: always the municipality goal
    (kinds=1; the deal meets it), the lower ones when a schedule meeting them is known
    (_kinds_met)."""
    if not sizes or rounds < 1:
        return 0
    counting = _repeat_floor(replace(problem, earlier_boxes=()), sizes, rounds, kinds)
    first = _repeat_floor(problem, sizes, 0)  # with no slots, only its pigeonhole part is left
    later = sum(_even_spread_pairs(size, len(sizes)) for size in sizes)
    return max(counting, first + (rounds - 1) * later)


def _kinds_met(problem: _Problem, schedule: list[list[list[int]]]) -> int:
    """How many of the goals above repeats, from the top, every round of the schedule meets at
    its bound: these bounds are then met at once, so the best schedules meet them too."""
    plain = replace(problem, met=[[] for _ in range(problem.n)], earlier_boxes=())
    met = ALL_KINDS
    for groups in schedule:
        state = _State(plain, groups, 0, 0)
        cost, bound = state.cost(), state.lower_bound()
        level = 0
        while level < met and cost[level + 1] == bound[level + 1]:
            level += 1
        met = level
    return met


def _constructed_rounds(problem: _Problem, sizes: list[int], rng: random.Random) -> list[list[list[int]]]:
    """Rounds of a resolvable transversal design for these people, or none when the sizes do not
    fit one: q groups (a prime power up to MAX_FIELD) of s <= q people each.

    People are laid out in s rows of q in the deal order (municipality after municipality,
    largest first, inside by contact, background, organisation), so a municipality of a multiple
    of q people fills whole rows and sits evenly in every group of every slope round; inside a
    row the order spreads backgrounds across the slope rounds except slope 0. The nonzero slopes
    come first in random order, then slope 0, then (s == q) the rows round; the caller keeps only
    the rounds that meet the higher goals.
    """
    q = len(sizes)
    if q > MAX_FIELD or min(sizes) != max(sizes) or prime_power(q) is None or not 2 <= sizes[0] <= q:
        return []
    order = _deal_order(problem, rng)
    rounds = field_schedule(sizes[0], q)
    slopes = list(range(1, q))
    rng.shuffle(slopes)
    chosen = [rounds[b] for b in slopes] + rounds[0:1] + rounds[q:]
    return [[[order[r * q + x] for r, x in group] for group in groups] for groups in chosen]


def _pair_counts(problem: _Problem) -> list[dict[int, int]]:
    counts: list[dict[int, int]] = [{} for _ in range(problem.n)]
    for i, neighbours in enumerate(problem.met):
        for j in neighbours:
            counts[i][j] = counts[i].get(j, 0) + 1
    return counts


def _meet(counts: list[dict[int, int]], groups: list[list[int]], step: int = 1) -> None:
    for group in groups:
        for a, i in enumerate(group):
            for j in group[a + 1 :]:
                counts[i][j] = counts[i].get(j, 0) + step
                counts[j][i] = counts[j].get(i, 0) + step


def _repeats_of(problem: _Problem, schedule: list[list[list[int]]]) -> tuple[list[int], int]:
    """Per planned round the pairs who had met before it, and the weighted total."""
    counts = _pair_counts(problem)
    repeats, weighted = [], 0
    for groups in schedule:
        this = 0
        for group in groups:
            for a, i in enumerate(group):
                for j in group[a + 1 :]:
                    before = counts[i].get(j, 0)
                    this += before > 0
                    weighted += before
        repeats.append(this)
        _meet(counts, groups)
    return repeats, weighted


def _with_history(problem: _Problem, counts: list[dict[int, int]], boxes: tuple[int, ...]) -> _Problem:
    met = [sorted(j for j, times in row.items() for _ in range(times)) for row in counts]
    return replace(problem, met=met, earlier_boxes=boxes)


def _plan_indices(
    problem: _Problem, sizes: list[int], rounds: int, rng: random.Random
) -> tuple[list[list[list[int]]], int]:
    """The planned rounds (as index groups) and how many of them were constructed.

    1. Constructed rounds (_constructed_rounds) that meet every higher goal's bound and repeat
       nobody, as many as wanted and available: they never repeat a pair among themselves.
    2. The other rounds one at a time with mix()'s search, each knowing the rounds before it.
    3. If the repeats are still above the bound: the look-ahead swap search over all planned
       rounds at once (_Schedule.search).
    """
    plain = replace(problem, met=[[] for _ in range(problem.n)], earlier_boxes=())
    counts = _pair_counts(problem)
    schedule: list[list[list[int]]] = []
    target: tuple[int, ...] | None = None
    failed = 0
    for groups in _constructed_rounds(problem, sizes, rng):
        if len(schedule) == rounds or failed == CONSTRUCTION_TRIES:
            break
        state = _State(plain, groups, 0, 0)
        if target is None:
            target = state.lower_bound()[:-1]
        if state.cost()[:-1] != target:
            failed = 0 if schedule else failed + 1
            continue
        if any(counts[i].get(j, 0) for group in groups for a, i in enumerate(group) for j in group[a + 1 :]):
            continue
        schedule.append(groups)
        _meet(counts, groups)
    constructed = len(schedule)

    boxes = problem.earlier_boxes + (len(sizes),) * constructed
    while len(schedule) < rounds:
        groups = _mix_indices(_with_history(problem, counts, boxes), sizes, rng, PLANNED_ROUND_BUDGET)
        schedule.append(groups)
        _meet(counts, groups)
        boxes += (len(sizes),)

    repeats, weighted = _repeats_of(problem, schedule)
    bound = _plan_floor(problem, sizes, rounds, _kinds_met(problem, schedule))
    if sum(repeats) > bound or weighted > bound:
        schedule = _Schedule(problem, plain, schedule).search(rng, bound)
    return schedule, constructed


class _Schedule:
    """All planned rounds at once, for a swap search that sees every round's repeats.

    The objective is W = sum over pairs of C(c, 2), c = how often the pair meets in the earlier
    and the planned rounds together: a pair meeting twice costs 1, three times 3, so a third
    meeting costs 2 more. A swap of p and q in one round changes only their pairs, in O(size).
    Each round keeps a _State of the problem without history, which rates a swap on the higher
    goals: a swap that would make one of them worse is never made.
    """

    def __init__(self, problem: _Problem, plain: _Problem, schedule: list[list[list[int]]]):
        self.problem = problem
        self.states = [_State(plain, groups, 0, 0) for groups in schedule]
        self.counts = _pair_counts(problem)
        for groups in schedule:
            _meet(self.counts, groups)
        base = sum(_pairs(c) for row in _pair_counts(problem) for c in row.values()) // 2
        self.excess = sum(_pairs(c) for row in self.counts for c in row.values()) // 2 - base
        self.bad = {(r, g) for r, state in enumerate(self.states) for g in range(len(state.members))
                    if self._repeats_in(r, g)}

    def _repeats_in(self, r: int, g: int) -> bool:
        group, counts = self.states[r].members[g], self.counts
        return any(counts[i][j] > 1 for a, i in enumerate(group) for j in group[a + 1 :])

    def delta(self, r: int, p: int, q: int) -> int:
        """Change of W if p and q swap groups in round r."""
        state, counts = self.states[r], self.counts
        g, h = state.where[p], state.where[q]
        cp, cq = counts[p], counts[q]
        d = 0
        for x in state.members[g]:
            if x != p:
                d += cq.get(x, 0) - cp[x] + 1
        for y in state.members[h]:
            if y != q:
                d += cp.get(y, 0) - cq[y] + 1
        return d

    def swap(self, r: int, p: int, q: int) -> None:
        state, counts = self.states[r], self.counts
        self.excess += self.delta(r, p, q)
        g, h = state.where[p], state.where[q]
        old_g = [x for x in state.members[g] if x != p]
        old_h = [y for y in state.members[h] if y != q]
        for mover, leaving, joining in ((p, old_g, old_h), (q, old_h, old_g)):
            row = counts[mover]
            for x in leaving:
                row[x] -= 1
                counts[x][mover] -= 1
            for y in joining:
                row[y] = row.get(y, 0) + 1
                counts[y][mover] = counts[y].get(mover, 0) + 1
        state.swap(p, q)
        for k, other in enumerate(self.states):
            for g2 in {other.where[p], other.where[q]}:
                if self._repeats_in(k, g2):
                    self.bad.add((k, g2))
                else:
                    self.bad.discard((k, g2))

    def _kick(self, rng: random.Random) -> None:
        """A few random swaps that keep the higher goals, to leave a region the search is stuck in."""
        for _ in range(SCHEDULE_KICKS):
            r = rng.randrange(len(self.states))
            state = self.states[r]
            for _attempt in range(20):
                p, q = rng.randrange(self.problem.n), rng.randrange(self.problem.n)
                if state.where[p] != state.where[q] and state.swap_delta(p, q) == 0:
                    self.swap(r, p, q)
                    break

    def search(self, rng: random.Random, bound: int) -> list[list[list[int]]]:
        """Tabu search as in the social golfer literature (Dotú and Van Hentenryck): among the
        groups with a repeated pair (a random sample of SCHEDULE_SAMPLE of them when there are
        more), make the best swap of a repeating member with anyone in another group of the same
        round that keeps the higher goals, even if it is worse, except swaps that move someone
        moved in the last few moves (unless they beat the best schedule so far). Keeps the best
        schedule; kicks after SCHEDULE_PATIENCE moves without a new best; stops at the bound,
        after SCHEDULE_STALLS kicks in a row without a new best, or when the evaluation budget is
        spent."""
        best = [[list(group) for group in state.members] for state in self.states]
        best_excess = self.excess
        budget, stale, stalls, move = SCHEDULE_BUDGET, 0, 0, 0
        tabu = [[0] * self.problem.n for _ in self.states]
        counts = self.counts
        while self.bad and best_excess > bound and budget > 0 and stalls < SCHEDULE_STALLS:
            move += 1
            bad = sorted(self.bad)
            if len(bad) > SCHEDULE_SAMPLE:
                bad = rng.sample(bad, SCHEDULE_SAMPLE)
            choice, choice_key, ties = None, None, 0
            for r, g in bad:
                state = self.states[r]
                group = state.members[g]
                for p in group:
                    if not any(counts[p][x] > 1 for x in group if x != p):
                        continue
                    for h, other in enumerate(state.members):
                        if h == g:
                            continue
                        budget -= len(other)
                        for q in other:
                            higher = state.swap_delta(p, q)
                            if higher > 0:
                                continue
                            d = self.delta(r, p, q)
                            if (tabu[r][p] > move or tabu[r][q] > move) and self.excess + d >= best_excess:
                                continue
                            key = (higher, d)
                            if choice_key is None or key < choice_key:
                                choice, choice_key, ties = (r, p, q), key, 1
                            elif key == choice_key:
                                ties += 1
                                if rng.randrange(ties) == 0:
                                    choice = (r, p, q)
            if choice is None:  # every swap is tabu or breaks a higher goal (or there is one group)
                stalls += 1
                self._kick(rng)
                continue
            r, p, q = choice
            self.swap(r, p, q)
            tabu[r][p] = tabu[r][q] = move + rng.randint(*TABU_TENURE)
            if self.excess < best_excess:
                best = [[list(group) for group in s.members] for s in self.states]
                best_excess, stale, stalls = self.excess, 0, 0
            else:
                stale += 1
                if stale >= SCHEDULE_PATIENCE:
                    stale, stalls = 0, stalls + 1
                    self._kick(rng)
        if self.excess <= best_excess:
            return [[list(group) for group in state.members] for state in self.states]
        return best


# --------------------------------------------------------------------------------------------
# Public strategies


def mix(
    people: Iterable[Person],
    *,
    group_size: int | None = None,
    group_count: int | None = None,
    earlier_rounds: Rounds = (),
    seed: int = 0,
) -> Groups:
    """Mixed groups of person ids: sizes differ by at most one, everyone in exactly one group.

    Goals, strictly in this order (see _State for the exact cost): (1) as many municipalities per
    group as possible, each spread evenly; (2) backgrounds spread evenly; (3) contact persons
    spread, one per group where possible; (4) people of one organisation apart; (5) fewest pairs
    who sat together in ``earlier_rounds`` (lists of groups of ids; unknown ids are ignored).

    Deterministic: the same people (in any order), sizes, history and seed give the same groups.
    Ids in each group are sorted.
    """
    ordered = _sorted_people(people)
    sizes = group_sizes(len(ordered), group_size=group_size, group_count=group_count)
    if not ordered:
        return []
    problem = _encode(ordered, earlier_rounds)
    return _as_ids(problem, _mix_indices(problem, sizes, random.Random(seed)))


def plan(
    people: Iterable[Person],
    *,
    rounds: int,
    group_size: int | None = None,
    group_count: int | None = None,
    earlier_rounds: Rounds = (),
    seed: int = 0,
) -> Plan:
    """Plan ``rounds`` mixed rounds together: every round follows mix()'s goals in their order,
    and over the rounds together as few pairs as possible meet again (counting ``earlier_rounds``
    too; a pair's third meeting costs more than its second).

    Perfect where a construction fits: q groups (q a prime power, up to MAX_FIELD) of s <= q
    people each take rounds of the transversal design over GF(q) (field_schedule) as long as
    they meet the higher goals; the other rounds are mixed one at a time and then improved
    together by the look-ahead search. Re-planning after some rounds were published is the same
    call with the published rounds in ``earlier_rounds``: nobody in them moves.

    Deterministic like mix(): the same people (in any order), sizes, history and seed give the
    same plan.
    """
    if rounds < 0:
        raise ValueError("rounds must not be negative")
    ordered = _sorted_people(people)
    sizes = group_sizes(len(ordered), group_size=group_size, group_count=group_count)
    if not ordered or not rounds:
        return Plan([[] for _ in range(rounds)], [0] * rounds, 0, 0)
    problem = _encode(ordered, earlier_rounds)
    schedule, constructed = _plan_indices(problem, sizes, rounds, random.Random(seed))
    bound = _plan_floor(problem, sizes, rounds, _kinds_met(problem, schedule))
    repeats, weighted = _repeats_of(problem, schedule)
    return Plan([_as_ids(problem, groups) for groups in schedule], repeats, bound, weighted, constructed)


def repeat_bound(
    people: Iterable[Person],
    *,
    rounds: int = 1,
    group_size: int | None = None,
    group_count: int | None = None,
    earlier_rounds: Rounds = (),
) -> int:
    """A proven lower bound on the repeated pairs of ``rounds`` new rounds that meet the
    municipality goal (as every round of mix() and plan() does). plan() reports this or more: it
    also keeps apart whom the lower goals keep apart when its rounds show those goals can all be
    met (see _plan_floor)."""
    ordered = _sorted_people(people)
    sizes = group_sizes(len(ordered), group_size=group_size, group_count=group_count)
    if not ordered:
        return 0
    return _plan_floor(_encode(ordered, earlier_rounds), sizes, rounds)


def random_groups(
    people: Iterable[Person], *, group_size: int | None = None, group_count: int | None = None, seed: int = 0
) -> Groups:
    """Uniformly random groups with the same size rule as mix(); deterministic for a seed."""
    ids = [person.id for person in _sorted_people(people)]
    sizes = group_sizes(len(ids), group_size=group_size, group_count=group_count)
    random.Random(seed).shuffle(ids)
    groups: Groups = []
    start = 0
    for size in sizes:
        groups.append(sorted(ids[start : start + size]))
        start += size
    return groups


def home_groups(
    people: Iterable[Person], *, group_size: int, merge_small: bool = False, min_size: int = 3
) -> Groups:
    """Groups by municipality, in municipality name order.

    A municipality with more people than fits one group is split into near-equal groups, as many
    as group_sizes() gives for its people, mixed inside by background, contact persons and
    organisation (as mix() does). A municipality with fewer than ``min_size`` people
    keeps its own small group; with ``merge_small`` those groups, smallest first, instead join
    the currently smallest other group (a group of a normal-sized municipality when there is one).
    """
    if group_size < 1:
        raise ValueError("group_size must be at least 1")
    by_municipality: dict[str, list[Person]] = {}
    for person in _sorted_people(people):
        by_municipality.setdefault(person.municipality, []).append(person)

    groups: Groups = []
    tiny: list[int] = []  # indices in groups of municipalities smaller than min_size
    for name in sorted(by_municipality):
        members = by_municipality[name]
        if len(members) < min_size:
            tiny.append(len(groups))
            groups.append([person.id for person in members])
        else:
            groups.extend(mix(members, group_size=group_size))
    if merge_small:
        groups = _merge_tiny(groups, tiny)
    return groups


def _merge_tiny(groups: Groups, tiny: list[int]) -> Groups:
    """Merge each tiny group (smallest first) into the smallest other group still standing."""
    alive = list(range(len(groups)))
    waiting = set(tiny)
    for t in sorted(tiny, key=lambda i: (len(groups[i]), i)):
        if t not in waiting:
            continue  # it has already received another tiny group and counts as merged
        waiting.discard(t)
        others = [i for i in alive if i != t]
        if not others:
            break
        regular = [i for i in others if i not in waiting]
        target = min(regular or others, key=lambda i: (len(groups[i]), i))
        groups[target] = sorted(groups[target] + groups[t])
        waiting.discard(target)
        alive.remove(t)
    return [groups[i] for i in alive]


# --------------------------------------------------------------------------------------------
# Changing an existing grouping


def place_late_arrival(
    groups: Sequence[Sequence[int]],
    people: Mapping[int, Person] | Iterable[Person],
    newcomer: Person,
    earlier_rounds: Rounds = (),
) -> int:
    """Index of the group a late arrival should join; nobody else moves (the caller appends).

    Only the currently smallest groups are candidates, so sizes stay within one whenever they
    were. Among them the newcomer goes where they help most, with mix()'s goal order: a
    municipality the group lacks, then fewest people of the same municipality, of the same
    background, contact persons (if the newcomer is one), of the same organisation, and people
    they already met. Ties go to the lowest index. Ids unknown to ``people`` count only as size.
    """
    if not groups:
        raise ValueError("there are no groups to join")
    by_id = _people_by_id(people)
    met = {pair for pair in _met_pairs(earlier_rounds) if newcomer.id in pair}
    organisation = _organisation_key(newcomer.organisation)
    smallest = min(len(group) for group in groups)

    def rating(index: int) -> tuple[int, ...]:
        others = [by_id[i] for i in groups[index] if i in by_id and i != newcomer.id]
        same_municipality = sum(p.municipality == newcomer.municipality for p in others)
        return (
            same_municipality > 0,
            same_municipality,
            sum(p.background == newcomer.background for p in others),
            sum(p.is_contact_person for p in others) if newcomer.is_contact_person else 0,
            sum(organisation is not None and _organisation_key(p.organisation) == organisation for p in others),
            sum((min(newcomer.id, i), max(newcomer.id, i)) in met for i in groups[index]),
            index,
        )

    return min((i for i, group in enumerate(groups) if len(group) == smallest), key=rating)


def move(groups: Sequence[Sequence[int]], person_id: int, to_index: int) -> Groups:
    """New groups with one person moved to group ``to_index`` (manual move; sizes not enforced)."""
    if not 0 <= to_index < len(groups):
        raise IndexError(f"there is no group {to_index}")
    result = [list(group) for group in groups]
    source = next((group for group in result if person_id in group), None)
    if source is None:
        raise ValueError(f"person {person_id} is in no group")
    if source is result[to_index]:
        return result
    source.remove(person_id)
    result[to_index].append(person_id)
    return result


# --------------------------------------------------------------------------------------------
# Rating any grouping


@dataclass(frozen=True)
class Score:
    """How well a grouping meets the mixing goals. Empty groups are ignored; G is the number of
    non-empty groups, n the number of people in them, "evenly" for a category with T people means
    at most ceil(T / G) of them in any group.

    municipality_diversity: sum over groups of distinct municipalities, divided by the most any
        grouping with these group sizes can reach (an exact max-flow bound, see _best_distinct;
        for sizes within one it is sum over municipalities of min(people, G)). 1.0 is optimal.
    mean_municipalities: mean over groups of the number of distinct municipalities.
    municipality_excess: people beyond their municipality's even share in their group
        (sum over groups and municipalities of max(0, count - ceil(T / G))); 0 is optimal.
    background_excess: the same for backgrounds; 0 means every background is spread evenly.
    background_balance: 1 - background_excess / n (1.0 when perfectly balanced).
    contact_spread: groups with at least one contact person divided by min(G, contact persons);
        1.0 when every group that could have one has one (also 1.0 with no contact persons).
    organisation_clashes: pairs of people in one group whose organisations are equal, ignoring
        case and whitespace (no organisation never clashes); 0 is optimal.
    repeated_pairs: pairs in one group who already sat in one group in some earlier round.
    """

    groups: int
    municipality_diversity: float
    mean_municipalities: float
    municipality_excess: int
    background_excess: int
    background_balance: float
    contact_spread: float
    organisation_clashes: int
    repeated_pairs: int

    def key(self) -> tuple[float, ...]:
        """Sort key in goal order; a smaller key is a better grouping of the same people."""
        return (
            -self.municipality_diversity,
            self.municipality_excess,
            self.background_excess,
            -self.contact_spread,
            self.organisation_clashes,
            self.repeated_pairs,
        )


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def _tally(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _excess(groups: list[list[Person]], attribute: str) -> int:
    """People beyond their category's even share ceil(T / G) in their group."""
    totals = _tally(getattr(person, attribute) for group in groups for person in group)
    excess = 0
    for group in groups:
        counts = _tally(getattr(person, attribute) for person in group)
        excess += sum(max(0, count - _ceil_div(totals[value], len(groups))) for value, count in counts.items())
    return excess


def _organisation_clashes(groups: list[list[Person]]) -> int:
    clashes = 0
    for group in groups:
        keys = (_organisation_key(person.organisation) for person in group)
        clashes += sum(_pairs(count) for count in _tally(key for key in keys if key is not None).values())
    return clashes


def _repeated_pairs(groups: list[list[Person]], earlier_rounds: Rounds) -> int:
    met = _met_pairs(earlier_rounds)
    repeated = 0
    for group in groups:
        ids = sorted(person.id for person in group)
        repeated += sum((first, second) in met for k, first in enumerate(ids) for second in ids[k + 1 :])
    return repeated


def _members(groups: Sequence[Sequence[int]], by_id: Mapping[int, Person]) -> list[list[Person]]:
    """The non-empty groups as people; every id must be known and in one group only."""
    seen: set[int] = set()
    members: list[list[Person]] = []
    for group in groups:
        for i in group:
            if i not in by_id:
                raise ValueError(f"unknown person {i}")
            if i in seen:
                raise ValueError(f"person {i} is in two groups")
            seen.add(i)
        if group:
            members.append([by_id[i] for i in group])
    return members


def score(
    groups: Sequence[Sequence[int]], people: Mapping[int, Person] | Iterable[Person], earlier_rounds: Rounds = ()
) -> Score:
    """Rate any grouping of ids (see Score for the measures)."""
    members = _members(groups, _people_by_id(people))
    if not members:
        return Score(0, 1.0, 0.0, 0, 0, 1.0, 1.0, 0, 0)
    n, count = sum(len(group) for group in members), len(members)

    distinct = sum(len({person.municipality for person in group}) for group in members)
    municipality_totals = _tally(person.municipality for group in members for person in group)
    best = _best_distinct([len(group) for group in members], municipality_totals.values())

    contact_people = sum(person.is_contact_person for group in members for person in group)
    with_contact = sum(any(person.is_contact_person for person in group) for group in members)
    contact_target = min(count, contact_people)

    background_excess = _excess(members, "background")
    return Score(
        groups=count,
        municipality_diversity=distinct / best,
        mean_municipalities=distinct / count,
        municipality_excess=_excess(members, "municipality"),
        background_excess=background_excess,
        background_balance=1 - background_excess / n,
        contact_spread=with_contact / contact_target if contact_target else 1.0,
        organisation_clashes=_organisation_clashes(members),
        repeated_pairs=_repeated_pairs(members, earlier_rounds),
    )
