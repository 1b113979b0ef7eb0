"""The exact solver behind `match_cohort`: a min-cost flow over candidate pairs, proven optimal
for every allowed pair by an LP dual certificate (column generation until it holds).

The problem, after accepted pairs are set aside: free mentees (rows) and mentors with free places
(columns); a pair's worth W = A + F * score where allowed; the k-th place of a mentor costs k
(spreading). As a flow: source -> mentee (1 unit each), mentee -> mentor (cost -W), mentee ->
sink (left unmatched, cost 0), mentor -> sink one arc per place (cost k, so places fill cheapest
first). Its LP (the constraint matrix is totally unimodular, so the LP optimum is whole):

    maximise  sum W_ij x_ij - sum k y_jk
    subject to  sum_j x_ij <= 1  (value u_i >= 0),  sum_i x_ij = sum_k y_jk  (price v_j),
                y_jk <= 1  (t_jk >= 0),  x, y >= 0

Its dual: minimise sum u_i + sum_jk t_jk with u_i + v_j >= W_ij for every allowed pair and
t_jk = max(0, v_j - k). Any (u, v) meeting the pair conditions bounds every matching from above
(weak duality), so a matching whose value equals the dual objective is optimal. `solve` reads
two optimal duals of the solved flow off shortest-path potentials of its residual graph
(vectorised Bellman-Ford from a virtual root, and to a virtual sink) and adds them: a dual for
twice every pair's worth, that is, half of it is a dual for the problem itself. It checks the
condition for every allowed pair in chunks and compares the objectives (twice the matching's
value, the two duals' objectives added) in exact integers. Pairs that break the condition are
added to the flow, with pairs for the mentees who could lose their place to them, and the flow
is solved again until the certificate holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

CHUNK_CELLS = 1_000_000  # pairs scored or checked at once, to bound memory
CACHE_CELLS = 30_000_000  # cohorts up to this many pairs keep their scores between rounds
MAX_ROUNDS = 25  # then every allowed pair is added
ADD_PER_MENTEE = 10  # most-violated pairs added for a mentee in the first round
MENTOR_TOP = 10  # at most this many mentees each mentor starts with (best of a chunk each)
INT64_ROOM = 2**62


@dataclass(frozen=True)
class Solution:
    mentor_of: np.ndarray  # for each row, its column, or -1
    proven_optimal: bool
    rounds: int
    arcs: int  # mentee-mentor arcs in the last flow
    value: int  # A * pairs + F * score - spreading cost, of the new pairs
    spread: bool


@dataclass(frozen=True)
class Scale:
    """The constants that make one objective of three (see `widen.mentoring.matching`)."""

    pair: int  # A
    score: int  # F
    spread: bool

    @classmethod
    def for_problem(
        cls, rows: int, best_score: int, last_slot: int, nodes: int, *, spread: bool
    ) -> Scale:
        if spread:
            most_spread = rows * max(last_slot, 0)
            score = most_spread + 1
            pair = score * best_score * rows + most_spread + 1
            if (pair + score * best_score) * max(rows, nodes, 1) * 4 < INT64_ROOM:
                return cls(pair, score, True)
        return cls(best_score * rows + 1, 1, False)


def solve(
    scores_of: Callable[[np.ndarray], np.ndarray],
    rows: int,
    first_slot: np.ndarray,
    places: np.ndarray,
    scale: Scale,
    *,
    candidates: int | None,
) -> Solution:
    """Match `rows` mentees to `len(places)` mentors. `scores_of(row_numbers)` gives their
    scores with every mentor (int, -1 where not allowed); `candidates` mentors a mentee starts
    with (None: every allowed pair, the dense flow)."""
    columns = len(places)
    slot_cost = first_slot if scale.spread else np.zeros_like(first_slot)
    matrix = _Scores(scores_of, rows, columns)
    arc_rows, arc_columns = matrix.candidates(candidates)
    rounds = 0
    while True:
        rounds += 1
        mentor_of, value = _flow(arc_rows, arc_columns, matrix, rows, places, slot_cost, scale)
        prices = _prices(arc_rows, arc_columns, mentor_of, matrix, rows, places, slot_cost, scale)
        if prices is None:  # cannot happen for an optimal flow; then nothing is claimed
            return Solution(mentor_of, False, rounds, len(arc_rows), value, scale.spread)
        # Two optimal duals of the solved flow, one from each end of the residual graph, added:
        # a certificate for twice the problem (twice every pair's worth), which covers the
        # pairs either covers with room to spare, so fewer pairs are missing in a round.
        dual = sum(
            int(mentee_value.sum())
            + _slot_terms(mentor_price, slot_cost, places, spread=scale.spread)
            for mentee_value, mentor_price in prices
        )
        mentee_value = prices[0][0] + prices[1][0]
        mentor_price = prices[0][1] + prices[1][1]
        twice = Scale(2 * scale.pair, 2 * scale.score, scale.spread)
        # More pairs each round the certificate fails: 10, 20, 40, ... for a mentee.
        take = ADD_PER_MENTEE * 2 ** (rounds - 1)
        add_rows, add_columns = matrix.uncovered(mentee_value, mentor_price, twice, take, mentor_of)
        if not len(add_rows):
            proven = dual == 2 * value
            return Solution(mentor_of, proven, rounds, len(arc_rows), value, scale.spread)
        if rounds >= MAX_ROUNDS:
            add_rows, add_columns = matrix.candidates(None)
        arc_rows, arc_columns = _union(arc_rows, arc_columns, add_rows, add_columns, columns)


class _Scores:
    """Chunks of the score matrix, kept between rounds when the cohort is not too large."""

    def __init__(self, scores_of: Callable[[np.ndarray], np.ndarray], rows: int, columns: int):
        self.scores_of, self.rows, self.columns = scores_of, rows, columns
        self.step = max(1, CHUNK_CELLS // max(columns, 1))
        self.kept: dict[int, np.ndarray] | None = {} if rows * columns <= CACHE_CELLS else None

    def chunks(self) -> Iterator[tuple[int, np.ndarray]]:
        for start in range(0, self.rows, self.step):
            if self.kept is not None and start in self.kept:
                yield start, self.kept[start]
                continue
            block = self.scores_of(np.arange(start, min(start + self.step, self.rows)))
            if self.kept is not None:
                self.kept[start] = block
            yield start, block

    def pair_scores(self, arc_rows: np.ndarray, arc_columns: np.ndarray) -> np.ndarray:
        out = np.empty(len(arc_rows), dtype=np.int64)
        for start, block in self.chunks():
            inside = (arc_rows >= start) & (arc_rows < start + block.shape[0])
            out[inside] = block[arc_rows[inside] - start, arc_columns[inside]]
        return out

    def candidates(self, top: int | None) -> tuple[np.ndarray, np.ndarray]:
        """Each mentee's `top` best allowed mentors and, for each mentor, up to `MENTOR_TOP`
        mentees: the best of those that are best in a chunk of mentees (so that mentors nobody
        ranks first have pairs too). Every allowed pair when `top` is None."""
        found_rows, found_columns = [], []
        mentor_best: list[np.ndarray] = []
        mentor_rows: list[np.ndarray] = []
        for start, block in self.chunks():
            if top is None or top >= self.columns:
                here, there = np.nonzero(block >= 0)
                found_rows.append(here + start)
                found_columns.append(there)
                continue
            # Ties broken by a fixed jitter that differs from pair to pair, so that mentors
            # with equal scores share the candidates.
            jitter = (np.arange(start, start + block.shape[0])[:, None] * 7919
                      + np.arange(self.columns) * 104729) % 1024  # fmt: skip
            keyed = np.where(block >= 0, block.astype(np.int32) * 1024 + jitter, -1)
            best = np.argpartition(-keyed, top - 1, axis=1)[:, :top]
            here = np.repeat(np.arange(block.shape[0]), top)
            there = best.ravel()
            allowed = block[here, there] >= 0
            found_rows.append(here[allowed] + start)
            found_columns.append(there[allowed])
            # A mentor's best mentee in each chunk; their best `MENTOR_TOP` of those below.
            best_here = keyed.argmax(axis=0)
            mentor_best.append(keyed[best_here, np.arange(self.columns)])
            mentor_rows.append(best_here + start)
        if mentor_best:
            keys, rows = np.stack(mentor_best), np.stack(mentor_rows)
            if keys.shape[0] > MENTOR_TOP:
                keep = np.argpartition(-keys, MENTOR_TOP - 1, axis=0)[:MENTOR_TOP]
                keys = np.take_along_axis(keys, keep, axis=0)
                rows = np.take_along_axis(rows, keep, axis=0)
            allowed = keys >= 0
            found_rows.append(rows[allowed])
            found_columns.append(np.broadcast_to(np.arange(self.columns), allowed.shape)[allowed])
        return _sorted_pairs(found_rows, found_columns, self.columns)

    def uncovered(
        self,
        mentee_value: np.ndarray,
        mentor_price: np.ndarray,
        scale: Scale,
        take: int,
        mentor_of: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Allowed pairs whose worth is more than the mentee's value plus the mentor's price:
        for each mentee the `take` most uncovered, and for each mentor its most uncovered. The
        mentees now matched to a mentor in such a pair may lose their place to it: they get
        their `take` least covered pairs too."""
        found_rows, found_columns = [], []
        take = min(take, self.columns)
        crowded = np.zeros(self.columns, dtype=bool)
        for start, slack in self._slack(mentee_value, mentor_price, scale):
            bad = (slack < 0).any(axis=1)
            if not bad.any():
                continue
            where = np.nonzero(bad)[0]
            worst = np.argpartition(slack[where], take - 1, axis=1)[:, :take]
            here, there = np.repeat(where, take), worst.ravel()
            keep = slack[here, there] < 0
            found_rows.append(here[keep] + start)
            found_columns.append(there[keep])
            crowded[there[keep]] = True
            column_worst = slack.argmin(axis=0)
            keep = slack[column_worst, np.arange(self.columns)] < 0
            found_rows.append(column_worst[keep] + start)
            found_columns.append(np.arange(self.columns)[keep])
            crowded |= keep
        if not found_rows:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        displaced = (mentor_of >= 0) & crowded[np.maximum(mentor_of, 0)]
        for start, slack in self._slack(mentee_value, mentor_price, scale):
            where = np.nonzero(displaced[start : start + slack.shape[0]])[0]
            if not len(where):
                continue
            near = np.argpartition(slack[where], take - 1, axis=1)[:, :take]
            here, there = np.repeat(where, take), near.ravel()
            allowed = slack[here, there] != np.iinfo(np.int64).max
            found_rows.append(here[allowed] + start)
            found_columns.append(there[allowed])
        return _sorted_pairs(found_rows, found_columns, self.columns)

    def _slack(
        self, mentee_value: np.ndarray, mentor_price: np.ndarray, scale: Scale
    ) -> Iterator[tuple[int, np.ndarray]]:
        """Value + price - worth for each chunk of pairs; the largest number where not allowed."""
        for start, block in self.chunks():
            values = mentee_value[start : start + block.shape[0]]
            slack = values[:, None] + mentor_price[None, :] - scale.pair
            slack -= scale.score * block.astype(np.int64)
            slack[block < 0] = np.iinfo(np.int64).max
            yield start, slack


def _sorted_pairs(
    rows: list[np.ndarray], columns: list[np.ndarray], width: int
) -> tuple[np.ndarray, np.ndarray]:
    if not rows:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    keys = np.unique(np.concatenate(rows).astype(np.int64) * width + np.concatenate(columns))
    return keys // width, keys % width


def _union(
    rows: np.ndarray,
    columns: np.ndarray,
    more_rows: np.ndarray,
    more_columns: np.ndarray,
    width: int,
) -> tuple[np.ndarray, np.ndarray]:
    keys = np.union1d(rows * width + columns, more_rows * width + more_columns)
    return keys // width, keys % width


def _flow(
    arc_rows: np.ndarray,
    arc_columns: np.ndarray,
    matrix: _Scores,
    rows: int,
    places: np.ndarray,
    slot_cost: np.ndarray,
    scale: Scale,
) -> tuple[np.ndarray, int]:
    columns = len(places)
    sink, source = rows + columns, rows + columns + 1
    worth = scale.pair + scale.score * matrix.pair_scores(arc_rows, arc_columns)
    slot_mentor = np.repeat(np.arange(columns), places)
    slot_number = np.arange(len(slot_mentor)) - np.repeat(np.cumsum(places) - places, places)
    everyone = np.arange(rows)
    tails = np.concatenate([np.full(rows, source), everyone, arc_rows, rows + slot_mentor])
    heads = np.concatenate([everyone, np.full(rows, sink), rows + arc_columns,
                            np.full(len(slot_mentor), sink)])  # fmt: skip
    costs = np.concatenate([np.zeros(2 * rows, np.int64), -worth,
                            (slot_cost[slot_mentor] + slot_number) * scale.spread])  # fmt: skip
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), np.ones(len(tails), np.int64),
        costs.astype(np.int64),
    )  # fmt: skip
    flow.set_node_supply(source, rows)
    flow.set_node_supply(sink, -rows)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"The matching flow could not be solved ({status}).")
    used = flow.flows(np.arange(2 * rows, 2 * rows + len(arc_rows))) == 1
    mentor_of = np.full(rows, -1, dtype=np.int64)
    mentor_of[arc_rows[used]] = arc_columns[used]
    return mentor_of, -int(flow.optimal_cost())


def _prices(
    arc_rows: np.ndarray,
    arc_columns: np.ndarray,
    mentor_of: np.ndarray,
    matrix: _Scores,
    rows: int,
    places: np.ndarray,
    slot_cost: np.ndarray,
    scale: Scale,
) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """Mentee values and mentor prices from the residual graph's shortest-path potentials,
    from a virtual root and to a virtual sink: two optimal duals.

    Only a mentor's places have a capacity in the LP (one mentee each); a mentee's arcs to
    mentors and to "unmatched" are uncapacitated there (the mentee's one unit bounds them), so
    they are residual forwards always and backwards when used.
    """
    columns = len(places)
    sink = rows + columns
    worth = scale.pair + scale.score * matrix.pair_scores(arc_rows, arc_columns)
    used = mentor_of[arc_rows] == arc_columns
    matched = mentor_of >= 0
    load = np.bincount(mentor_of[matched], minlength=columns)
    everyone = np.arange(rows)
    mentors = rows + np.arange(columns)
    spread = int(scale.spread)
    open_, busy = load < places, load > 0
    tails = [arc_rows, rows + arc_columns[used], everyone, np.full(int((~matched).sum()), sink),
             mentors[open_], np.full(int(busy.sum()), sink)]  # fmt: skip
    heads = [rows + arc_columns, arc_rows[used], np.full(rows, sink), everyone[~matched],
             np.full(int(open_.sum()), sink), mentors[busy]]  # fmt: skip
    costs = [-worth, worth[used], np.zeros(rows, np.int64),
             np.zeros(int((~matched).sum()), np.int64), spread * (slot_cost + load)[open_],
             -spread * (slot_cost + load - 1)[busy]]  # fmt: skip
    tail, head = np.concatenate(tails), np.concatenate(heads)
    cost = np.concatenate(costs).astype(np.int64)
    distance = _shortest(sink + 1, tail, head, cost)
    # Distances to a virtual sink joined from every node: the other end's potentials.
    to_end = _shortest(sink + 1, head, tail, cost)
    if distance is None or to_end is None:
        return None
    # Both >= 0 for mentees: the arc to "unmatched" costs 0.
    return [
        (distance[:rows] - distance[sink], distance[sink] - distance[rows:sink]),
        (to_end[sink] - to_end[:rows], to_end[rows:sink] - to_end[sink]),
    ]


def _shortest(
    nodes: int, tails: np.ndarray, heads: np.ndarray, costs: np.ndarray
) -> np.ndarray | None:
    """Distances from a virtual root joined to every node at cost 0 (vectorised Bellman-Ford),
    or None if a negative cycle is found."""
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    targets, starts = np.unique(heads, return_index=True)
    distance = np.zeros(nodes, dtype=np.int64)
    for _ in range(nodes + 1):
        best = np.minimum.reduceat(distance[tails] + costs, starts)
        lower = best < distance[targets]
        if not lower.any():
            return distance
        distance[targets[lower]] = best[lower]
    return None


def _slot_terms(
    mentor_price: np.ndarray, slot_cost: np.ndarray, places: np.ndarray, *, spread: bool
) -> int:
    """sum over mentors and their places of max(0, price - the place's cost): places cost
    first, first + 1, ... when spreading, else nothing."""
    if not spread:
        return int((places * np.maximum(0, mentor_price)).sum())
    first = slot_cost.astype(np.int64)
    return int(_sum_positive(mentor_price, first, first + places - 1))


def _sum_positive(price: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    top = np.minimum(last, price - 1)
    terms = np.maximum(0, top - first + 1)
    return (terms * price - (first + top) * terms // 2).sum()
