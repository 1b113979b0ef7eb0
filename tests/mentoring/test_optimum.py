"""The proposed pairs are the best there are: checked against an independent exact solver."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from tests.mentoring.cohorts import random_cohort
from widen.mentoring import matching_flow
from widen.mentoring.matching import Mentee, Mentor, Weights, match_cohort, pair_score

WEIGHTS = (Weights(), Weights(industry=50, career_path=5, shared_background=40, languages=0))


def best_by_assignment(
    mentees: list[Mentee],
    mentors: list[Mentor],
    weights: Weights,
    never: list[tuple[str, str]],
    accepted: list[tuple[str, str]],
    *,
    spread: bool,
) -> tuple[int, int, int]:
    """(mentees matched, total score, spreading cost) of the best matching, found by the
    Hungarian method over every mentor expanded into one column per place, with one "left
    unmatched" column per mentee."""
    kept = dict(accepted)
    load = Counter(kept.values())
    free = [m for m in mentees if m.id not in kept]
    slots = [(mentor, k) for mentor in mentors for k in range(load[mentor.id], mentor.capacity)]
    forbidden = set(never)
    big, scale = 10**9, 10**4
    worth = np.full((len(free), len(slots) + len(free)), 0.0)
    for i, mentee in enumerate(free):
        for c, (mentor, k) in enumerate(slots):
            if (mentee.id, mentor.id) in forbidden or (mentee.under_18 and not mentor.dbs_cleared):
                worth[i, c] = -big
            else:
                score = pair_score(mentee, mentor, weights).total
                worth[i, c] = big + scale * score - (k if spread else 0)
    rows, columns = linear_sum_assignment(worth, maximize=True)
    pairs = [(free[i], slots[c][0]) for i, c in zip(rows, columns, strict=True)
             if c < len(slots) and worth[i, c] > 0]  # fmt: skip
    pairs += [(m, next(x for x in mentors if x.id == kept[m.id])) for m in mentees if m.id in kept]
    loads = Counter(mentor.id for _, mentor in pairs)
    return (
        len(pairs),
        sum(pair_score(mentee, mentor, weights).total for mentee, mentor in pairs),
        sum(n * (n - 1) // 2 for n in loads.values()),
    )


def some_accepted(
    seed: int, mentees: list[Mentee], mentors: list[Mentor], never: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    accepted: list[tuple[str, str]] = []
    load: Counter[str] = Counter()
    for mentee in rng.sample(mentees, min(2, len(mentees))):
        for mentor in rng.sample(mentors, len(mentors)):
            allowed = (mentee.id, mentor.id) not in set(never) and (
                mentor.dbs_cleared or not mentee.under_18
            )
            if allowed and load[mentor.id] < mentor.capacity:
                accepted.append((mentee.id, mentor.id))
                load[mentor.id] += 1
                break
    return accepted


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    mentees=st.integers(1, 9),
    mentors=st.integers(1, 6),
    weights=st.sampled_from(WEIGHTS),
    spread=st.booleans(),
    with_accepted=st.booleans(),
    candidates=st.sampled_from([1, 2, None]),
)
def test_the_match_is_the_best_there_is_and_keeps_every_rule(
    seed, mentees, mentors, weights, spread, with_accepted, candidates
):
    people, offering, never = random_cohort(seed, mentees=mentees, mentors=mentors)
    accepted = some_accepted(seed, people, offering, never) if with_accepted else []

    result = match_cohort(
        people, offering, weights, never=never, accepted=accepted, spread=spread,
        candidates=candidates,
    )  # fmt: skip

    assert result.proven_optimal
    best = best_by_assignment(people, offering, weights, never, accepted, spread=spread)
    assert result.matched == best[0]
    assert result.total_score == best[1]
    if spread:
        assert result.spread_cost == best[2]
    by_id = {mentor.id: mentor for mentor in offering}
    mentee_by_id = {mentee.id: mentee for mentee in people}
    loads = Counter(pair.mentor_id for pair in result.pairs)
    assert all(loads[mentor_id] <= by_id[mentor_id].capacity for mentor_id in loads)
    made = {(pair.mentee_id, pair.mentor_id) for pair in result.pairs}
    assert not made & set(never)
    assert set(accepted) <= made
    assert all(
        by_id[pair.mentor_id].dbs_cleared
        for pair in result.pairs
        if mentee_by_id[pair.mentee_id].under_18
    )
    assert len({pair.mentee_id for pair in result.pairs}) == result.matched
    assert {u.mentee_id for u in result.unmatched} == set(mentee_by_id) - {
        pair.mentee_id for pair in result.pairs
    }


@pytest.mark.parametrize(
    ("chunk_cells", "cache_cells"),
    [(1_000_000, 30_000_000), (10_000, 30_000_000), (10_000, 0)],
    ids=["one chunk", "scored in chunks", "scored again each round"],
)
def test_a_larger_cohort_is_as_good_as_the_dense_flow_and_proven(
    monkeypatch, chunk_cells, cache_cells
):
    monkeypatch.setattr(matching_flow, "CHUNK_CELLS", chunk_cells)
    monkeypatch.setattr(matching_flow, "CACHE_CELLS", cache_cells)
    people, offering, never = random_cohort(7, mentees=400, mentors=150, most_places=4)

    sparse = match_cohort(people, offering, Weights(), never=never, candidates=2)
    dense = match_cohort(people, offering, Weights(), never=never, candidates=None)

    assert sparse.proven_optimal
    assert dense.proven_optimal
    assert (sparse.matched, sparse.total_score) == (dense.matched, dense.total_score)
    assert sparse.details["candidate_pairs"] < dense.details["candidate_pairs"]
