"""Planning mixed rounds together (mixing.plan): finite fields, constructions, bounds, re-planning."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.grouping.mixing import (
    MAX_FIELD,
    Person,
    field_schedule,
    galois_field,
    group_sizes,
    mix,
    place_late_arrival,
    plan,
    prime_power,
    repeat_bound,
    score,
)

from tests.grouping.test_mixing import assert_partition, people_lists

SUPPORTED = [q for q in range(2, MAX_FIELD + 1) if prime_power(q)]
PROPERTY = settings(max_examples=40, deadline=None)


def met_counts(rounds) -> Counter:
    return Counter(frozenset(pair) for groups in rounds for group in groups
                   for pair in itertools.combinations(group, 2))


def repeats_from_scratch(history, planned) -> list[int]:
    counts = met_counts(history)
    result = []
    for groups in planned:
        result.append(sum(counts[frozenset(pair)] > 0 for group in groups for pair in itertools.combinations(group, 2)))
        counts.update(met_counts([groups]))
    return result


# --------------------------------------------------------------------------------------------
# Finite fields


def test_supported_orders_are_the_prime_powers() -> None:
    assert SUPPORTED == [2, 3, 4, 5, 7, 8, 9, 11, 13, 16, 17, 19, 23, 25, 27, 29, 31, 32]
    assert [prime_power(q) for q in (4, 8, 9, 6, 1)] == [(2, 2), (2, 3), (3, 2), None, None]


def test_small_fields_use_the_textbook_polynomials() -> None:
    assert galois_field(4).modulus == [1, 1]  # x² + x + 1
    assert galois_field(8).modulus == [1, 1, 0]  # x³ + x + 1
    assert galois_field(9).modulus == [1, 0]  # x² + 1
    f4 = galois_field(4)  # elements 0, 1, x (2), x + 1 (3)
    assert f4.mul(2, 2) == 3 and f4.mul(2, 3) == 1 and f4.add(2, 3) == 1


@pytest.mark.parametrize("q", SUPPORTED)
def test_field_axioms(q: int) -> None:
    f = galois_field(q)
    elements = range(q)
    for a in elements:
        assert f.add(a, 0) == a and f.mul(a, 1) == a and f.mul(a, 0) == 0
        assert f.add(a, f.neg(a)) == 0
        if a:
            assert sum(f.mul(a, b) == 1 for b in elements) == 1  # exactly one inverse
        for b in elements:
            assert f.add(a, b) == f.add(b, a) and f.mul(a, b) == f.mul(b, a)
            assert f.sub(f.add(a, b), b) == a
    sample = elements if q <= 9 else random.Random(q).sample(elements, 9)
    for a, b, c in itertools.product(sample, repeat=3):
        assert f.add(f.add(a, b), c) == f.add(a, f.add(b, c))
        assert f.mul(f.mul(a, b), c) == f.mul(a, f.mul(b, c))
        assert f.mul(a, f.add(b, c)) == f.add(f.mul(a, b), f.mul(a, c))


# --------------------------------------------------------------------------------------------
# Constructions: exact, for every supported q


@pytest.mark.parametrize("q", SUPPORTED)
def test_affine_plane_meets_every_pair_exactly_once(q: int) -> None:
    rounds = field_schedule(q, q)
    assert len(rounds) == q + 1
    for groups in rounds:
        assert sorted(point for group in groups for point in group) == [(r, x) for r in range(q) for x in range(q)]
        assert all(len(group) == q for group in groups)
    counts = met_counts(rounds)
    assert len(counts) == q * q * (q * q - 1) // 2 and set(counts.values()) == {1}


@pytest.mark.parametrize("q", SUPPORTED)
def test_transversal_design_rounds_hold_one_of_each_row_and_repeat_nobody(q: int) -> None:
    rows = min(q, 3)
    rounds = field_schedule(rows, q)
    assert len(rounds) == q + (rows == q)
    for groups in rounds[:q]:
        assert all(sorted(r for r, _x in group) == list(range(rows)) for group in groups)
    counts = met_counts(rounds[:q])
    assert set(counts.values()) == {1}
    assert len(counts) == rows * (rows - 1) // 2 * q * q  # every pair from two different rows


def transversal(rows: int, q: int, backgrounds: bool = False) -> list[Person]:
    """rows municipalities of q people; with backgrounds, q backgrounds, one each per municipality."""
    return [Person(i + 1, f"kunta {i % rows:02d}", f"tausta {i // rows:02d}" if backgrounds else "järjestö")
            for i in range(rows * q)]


def check_perfect(people, result, rounds, history=()) -> None:
    assert len(result.rounds) == rounds
    for k, groups in enumerate(result.rounds):
        assert_partition(groups, people)
        rating = score(groups, people, [*history, *result.rounds[:k]])
        assert rating.municipality_diversity == 1.0 and rating.municipality_excess == 0
        assert rating.background_excess == 0
    assert repeats_from_scratch(history, result.rounds) == result.repeats == [0] * rounds
    assert result.bound == 0 and result.perfect


@pytest.mark.parametrize("q", [q for q in SUPPORTED if q <= 16])
def test_plan_is_perfect_for_municipalities_of_q_people(q: int) -> None:
    # q municipalities of q people, groups of one of each: q rounds without a repeated pair.
    people = transversal(q, q)
    result = plan(people, rounds=q, group_count=q, seed=q)
    check_perfect(people, result, q)
    assert result.constructed == q


@pytest.mark.parametrize("q", [q for q in SUPPORTED if 3 <= q <= 13])
def test_plan_is_perfect_for_latin_squares_of_municipalities_and_backgrounds(q: int) -> None:
    # Every group needs every municipality and every background: q - 1 orthogonal Latin squares.
    people = transversal(q, q, backgrounds=True)
    check_perfect(people, plan(people, rounds=q - 1, group_size=q, seed=1), q - 1)


@pytest.mark.parametrize("q", [3, 4, 5, 7, 8, 9])
def test_plan_is_perfect_for_the_social_golfers_of_one_municipality(q: int) -> None:
    people = [Person(i, "Kemijärvi", "järjestö") for i in range(q * q)]
    check_perfect(people, plan(people, rounds=q + 1, group_size=q), q + 1)


@pytest.mark.parametrize("q", [4, 5, 7])
def test_constructed_plan_stays_perfect_when_re_planned_after_publishing(q: int) -> None:
    people = transversal(q, q)
    whole = plan(people, rounds=q, group_count=q, seed=3)
    published = whole.rounds[:2]
    rest = plan(people, rounds=q - 2, group_count=q, earlier_rounds=published, seed=3)
    check_perfect(people, rest, q - 2, history=published)


def test_counting_bound_proves_repeats_beyond_the_perfect_rounds() -> None:
    people = transversal(5, 5)
    assert repeat_bound(people, rounds=5, group_count=5) == 0
    assert repeat_bound(people, rounds=6, group_count=5) > 0  # 6 rounds × 4 partners > 20 others
    result = plan(people, rounds=6, group_count=5)
    assert sum(result.repeats) >= result.bound > 0


def test_a_third_meeting_weighs_more_than_a_second() -> None:
    people = [Person(i, "A", "x") for i in range(4)]
    result = plan(people, rounds=3, group_size=4)  # one group: everyone meets everyone each round
    assert result.repeats == [0, 6, 6] and result.weighted == 6 * 1 + 6 * 2
    assert result.bound == 12  # every repeat is forced


def test_the_round_search_stops_at_a_bound_above_zero() -> None:
    # Four people in pairs after every pair has met: whatever the grouping, two pairs repeat.
    people = [Person(i, "A", "x") for i in range(4)]
    history = [[[0, 1], [2, 3]], [[0, 2], [1, 3]], [[0, 3], [1, 2]]]
    assert repeat_bound(people, group_size=2, earlier_rounds=history) == 2
    assert score(mix(people, group_size=2, earlier_rounds=history), people, history).repeated_pairs == 2


# --------------------------------------------------------------------------------------------
# Properties


size_options = st.one_of(
    st.builds(lambda size: {"group_size": size}, st.integers(2, 7)),
    st.builds(lambda count: {"group_count": count}, st.integers(1, 8)),
)


@PROPERTY
@given(people_lists(max_size=30), size_options, st.integers(0, 4), st.integers(0, 2), st.integers(0, 2**32))
def test_plan_partitions_every_round_and_never_beats_its_bound(
    people: list[Person], option: dict[str, int], rounds: int, earlier: int, seed: int
) -> None:
    history = [mix(people, **option, seed=seed + k) for k in range(earlier)] if people else []
    result = plan(people, rounds=rounds, **option, earlier_rounds=history, seed=seed)
    assert len(result.rounds) == len(result.repeats) == rounds
    if not people:
        return
    for _k, groups in enumerate(result.rounds):
        assert_partition(groups, people)
        assert sorted(map(len, groups)) == sorted(group_sizes(len(people), **option))
        rating = score(groups, people)
        assert rating.municipality_diversity == 1.0 and rating.municipality_excess == 0
    assert result.repeats == repeats_from_scratch(history, result.rounds)
    assert sum(result.repeats) >= result.bound  # a result below the bound would disprove it
    assert result.weighted >= sum(result.repeats)
    assert result.bound >= repeat_bound(people, rounds=rounds, **option, earlier_rounds=history)


@PROPERTY
@given(people_lists(min_size=1, max_size=30), size_options, st.integers(0, 2**32), st.randoms(use_true_random=False))
def test_plan_is_deterministic_and_ignores_input_order(people, option, seed, shuffler) -> None:
    first = plan(people, rounds=3, **option, seed=seed)
    shuffled = list(people)
    shuffler.shuffle(shuffled)
    assert plan(shuffled, rounds=3, **option, seed=seed) == first


@PROPERTY
@given(people_lists(min_size=2, max_size=30), size_options, st.integers(1, 3), st.integers(0, 2**32))
def test_re_planning_after_a_late_arrival_never_changes_published_rounds(people, option, published, seed) -> None:
    whole = plan(people, rounds=published + 2, **option, seed=seed)
    history = [[list(group) for group in groups] for groups in whole.rounds[:published]]
    newcomer = Person(20_000, people[0].municipality, people[-1].background)
    index = place_late_arrival(history[-1], people, newcomer, earlier_rounds=history[:-1])
    history[-1][index].append(newcomer.id)
    frozen = [[list(group) for group in groups] for groups in history]
    rest = plan([*people, newcomer], rounds=2, **option, earlier_rounds=history, seed=seed)
    assert history == frozen  # the published rounds are the caller's and stay as they were
    for groups in rest.rounds:
        assert_partition(groups, [*people, newcomer])
    assert rest.repeats == repeats_from_scratch(history, rest.rounds)
    assert sum(rest.repeats) >= rest.bound


@PROPERTY
@given(people_lists(min_size=1, max_size=30), size_options, st.integers(0, 3), st.integers(0, 2**32))
def test_one_round_bound_holds_for_mix(people, option, earlier, seed) -> None:
    # Also where the lower goals' bounds cannot all be met at once (say two contact persons who
    # are also the two people of one organisation and of different municipalities).
    history = [mix(people, **option, seed=seed + k) for k in range(earlier)]
    groups = mix(people, **option, earlier_rounds=history, seed=seed)
    assert score(groups, people, history).repeated_pairs >= repeat_bound(people, **option, earlier_rounds=history)


def test_bound_ignores_lower_goals_that_cannot_all_be_met() -> None:
    # Two municipalities of two in two pairs: a pair never holds one municipality twice, and the
    # two contact persons and the two Martat people are kept apart too — but 185 (contact, Martat)
    # must sit with someone. The bounds of those goals cannot all be met, so the bound stays 0.
    people = [Person(185, "Alavus", "järjestö", "Martat", True), Person(1, "Alavus", "järjestö"),
              Person(2, "Ähtäri", "järjestö", "Martat"), Person(165, "Ähtäri", "järjestö", None, True)]
    assert repeat_bound(people, group_size=2) == 0
    result = plan(people, rounds=1, group_size=2)
    assert result.bound == 0 and result.repeats == [0]
