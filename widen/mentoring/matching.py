"""Whole-cohort mentor matching: the best pairs for a cohort, proven optimal, and explained.

A coordinator gives the cohort's mentees and mentors, the programme's weights, the pairs that
must never be made and the pairs already accepted. `match_cohort` proposes a mentor for as many
mentees as possible and, among all ways of matching that many, the one with the highest total
score; with `spread=True`, among those, the one that spreads mentees most evenly over mentors
(below). Hard rules: no mentor gets more mentees than their capacity; no pair that must never be
made; a mentee under 18 only with a DBS-checked mentor; accepted pairs stay as they are and use
their mentor's places.

**The objective, exactly.** For a set X of new pairs, with s(p) the pair's score (`pair_score`,
whole points) and, with `spread=True`, the k-th mentee of a mentor (counting from 0, accepted
ones first) costing k:

    value(X) = A * |X| + F * sum(s(p) for p in X) - sum over mentors of (0 + 1 + ... + (load - 1))

with F = P + 1, where P bounds the last sum (new mentees times the largest place number), and
A = F * S * n + P + 1 (S the largest score a pair can have, n the new mentees). Proof that this
is lexicographic: two sets with the same number of pairs differ in F * (score difference) minus a
spreading difference of at most P < F, so the higher total score always wins; a set with more
pairs gains at least A from the extra pair, more than F * S * n + P, the most the rest can lose.
So the run matches as many mentees as possible, then maximises the total score, and only then
prefers spreading mentees over mentors ("not letting a few mentors do all the work"; the convex
place cost 0, 1, 2, ... is a tie-break that never costs a mentee or a point of score). Without
spreading (the default) F = 1, P = 0 and A = S * n + 1. Spreading is off by default because it
is not cheap: its far larger costs made each flow about three times slower on a cohort of 5,000;
it is also left out when the numbers would not fit the solver's 64-bit costs.

**The proof.** Solving over every allowed pair of a cohort of 5,000 by 2,000 is ten million arcs,
too slow. `match_cohort` solves a min-cost flow over each mentee's best few mentors (and each
mentor's best few mentees), then checks an LP dual certificate for the whole problem
(`widen.mentoring.matching_flow`): prices for mentors and values for mentees, from shortest
paths in the solved flow's residual graph, such that every allowed pair is covered (value +
price >= the pair's worth) and the dual objective equals the value of the proposed pairs. By
weak duality no matching does better. Pairs that break the certificate are added and the flow
solved again until it holds. `proven_optimal` is True only when the certificate held.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from widen.mentoring import matching_explain as explain
from widen.mentoring.matching_flow import Scale, solve

ONLINE, IN_PERSON = "online", "in_person"
MODES = frozenset({ONLINE, IN_PERSON})
CRITERIA = ("industry", "career_path", "shared_background", "location_and_mode", "availability",
            "languages")  # fmt: skip
MAX_PAIR_SCORE = 10_000  # the weights of a programme add up to at most this
CANDIDATES = 20  # mentors each mentee starts with before the certificate adds more


@dataclass(frozen=True)
class Mentee:
    """A student or pupil to be matched, as they described themselves and what they want."""

    id: str
    industries: frozenset[str] = frozenset()
    career_interests: frozenset[str] = frozenset()
    location: str = ""
    modes: frozenset[str] = MODES
    availability: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    backgrounds_wanted: frozenset[str] = frozenset()  # a mentor who shares these, if possible
    under_18: bool = False


@dataclass(frozen=True)
class Mentor:
    """A professional or alumna/alumnus, what they offer and how many mentees they can take."""

    id: str
    industries: frozenset[str] = frozenset()
    career_path: frozenset[str] = frozenset()
    location: str = ""
    modes: frozenset[str] = MODES
    availability: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    lived_experience: frozenset[str] = frozenset()  # what they are willing to share
    capacity: int = 1
    dbs_cleared: bool = False


@dataclass(frozen=True)
class Weights:
    """The programme's points for each criterion (whole points, each at least 0).

    A pair gets a criterion's points when: they share an industry; the mentor's career path is one
    the mentee is interested in; (shared background) in proportion to the backgrounds the mentee
    asked for that the mentor shares, rounded down; (location and mode) both meet online, or both
    meet in person in the same place; (availability) a slot in common; (languages) a language in
    common.
    """

    industry: int = 30
    career_path: int = 20
    shared_background: int = 20
    location_and_mode: int = 10
    availability: int = 10
    languages: int = 10

    def __post_init__(self) -> None:
        points = [getattr(self, name) for name in CRITERIA]
        if any(not isinstance(value, int) or value < 0 for value in points):
            raise ValueError("Each criterion's weight is a whole number of points, 0 or more.")
        if sum(points) > MAX_PAIR_SCORE:
            raise ValueError(f"The weights add up to more than {MAX_PAIR_SCORE:,} points.")

    @property
    def most(self) -> int:
        return sum(getattr(self, name) for name in CRITERIA)


@dataclass(frozen=True)
class PairScore:
    """A pair's points by criterion (every criterion, 0 where nothing is shared) and the words."""

    points: dict[str, int]
    words: tuple[str, ...]

    @property
    def total(self) -> int:
        return sum(self.points.values())

    @property
    def explanation(self) -> str:
        """E.g. "both in finance (30); both prefer online (10)", or why there are no points."""
        said = [f"{words} ({points})" for words, points in self._said()]
        return "; ".join(said) if said else "nothing in common the programme weighs (0 points)"

    def _said(self) -> list[tuple[str, int]]:
        scored = [name for name in CRITERIA if self.points.get(name)]
        return list(zip(self.words, [self.points[name] for name in scored], strict=True))


@dataclass(frozen=True)
class ProposedPair:
    mentee_id: str
    mentor_id: str
    score: int
    reasons: PairScore
    accepted: bool = False  # an accepted pair, kept as it was


@dataclass(frozen=True)
class Unmatched:
    mentee_id: str
    reason: str


@dataclass(frozen=True)
class CohortMatch:
    pairs: list[ProposedPair]
    unmatched: list[Unmatched]
    total_score: int  # of every pair, accepted ones included
    proven_optimal: bool
    spread: bool = True  # whether the spreading tie-break was part of the objective
    spread_cost: int = 0  # sum over mentors of 0 + 1 + ... + (mentees - 1)
    rounds: int = 0  # flows solved until the certificate held
    details: dict[str, int] = field(default_factory=dict)

    @property
    def matched(self) -> int:
        return len(self.pairs)


def _key(value: str) -> str:
    return " ".join(value.casefold().split())


def pair_score(mentee: Mentee, mentor: Mentor, weights: Weights) -> PairScore:
    """The points a pair gets for each criterion and what they share, in words."""
    points = dict.fromkeys(CRITERIA, 0)
    words: list[str] = []
    industries = mentee.industries & mentor.industries
    if industries and weights.industry:
        points["industry"] = weights.industry
        words.append(explain.industry_words(industries))
    careers = mentee.career_interests & mentor.career_path
    if careers and weights.career_path:
        points["career_path"] = weights.career_path
        words.append(explain.career_words(careers))
    shared = mentee.backgrounds_wanted & mentor.lived_experience
    if shared and weights.shared_background:
        points["shared_background"] = (
            weights.shared_background * len(shared) // len(mentee.backgrounds_wanted)
        )
        if points["shared_background"]:
            words.append(explain.background_words(shared, mentee.backgrounds_wanted))
    modes = mentee.modes & mentor.modes
    same_place = bool(mentee.location) and _key(mentee.location) == _key(mentor.location)
    in_person = IN_PERSON in modes and same_place
    if (ONLINE in modes or in_person) and weights.location_and_mode:
        points["location_and_mode"] = weights.location_and_mode
        words.append(
            explain.meeting_words(
                online=ONLINE in modes, in_person=in_person, location=mentor.location.strip()
            )
        )
    slots = mentee.availability & mentor.availability
    if slots and weights.availability:
        points["availability"] = weights.availability
        words.append(explain.availability_words(slots))
    languages = mentee.languages & mentor.languages
    if languages and weights.languages:
        points["languages"] = weights.languages
        words.append(explain.language_words(languages))
    return PairScore(points=points, words=tuple(words))


class Cohort:
    """The cohort encoded for whole-matrix work: each set as bits, places as numbers."""

    def __init__(
        self,
        mentees: Sequence[Mentee],
        mentors: Sequence[Mentor],
        weights: Weights,
        never: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.mentees, self.mentors, self.weights = list(mentees), list(mentors), weights
        self.mentee_index = _index((m.id for m in self.mentees), "mentee")
        self.mentor_index = _index((m.id for m in self.mentors), "mentor")
        for mentor in self.mentors:
            if mentor.capacity < 0:
                raise ValueError(f"Mentor {mentor.id} has a capacity below 0.")
        never_rows: dict[int, list[int]] = defaultdict(list)
        for mentee_id, mentor_id in never:
            if mentee_id in self.mentee_index and mentor_id in self.mentor_index:
                never_rows[self.mentee_index[mentee_id]].append(self.mentor_index[mentor_id])
        self.never = {row: np.array(columns) for row, columns in never_rows.items()}
        pairs = [
            ("industry", "industries", "industries"),
            ("career_path", "career_interests", "career_path"),
            ("availability", "availability", "availability"),
            ("languages", "languages", "languages"),
        ]
        self.sets = {
            name: _bits(
                [getattr(m, a) for m in self.mentees], [getattr(m, b) for m in self.mentors]
            )
            for name, a, b in pairs
        }
        locations = [m.location for m in self.mentees] + [m.location for m in self.mentors]
        places = {_key(location) for location in locations if location}
        place_code = {place: code for code, place in enumerate(sorted(places), start=1)}
        self.mentee_place = np.array([place_code.get(_key(m.location), 0) for m in self.mentees])
        self.mentor_place = np.array([place_code.get(_key(m.location), -1) for m in self.mentors])
        self.mentee_modes = np.array([_modes(m.modes) for m in self.mentees], dtype=np.int8)
        self.mentor_modes = np.array([_modes(m.modes) for m in self.mentors], dtype=np.int8)
        backgrounds = sorted({b for m in self.mentees for b in m.backgrounds_wanted})
        self.wanted = np.array(
            [[b in m.backgrounds_wanted for b in backgrounds] for m in self.mentees], dtype=bool
        ).reshape(len(self.mentees), len(backgrounds))
        self.lived = np.array(
            [[b in m.lived_experience for b in backgrounds] for m in self.mentors], dtype=bool
        ).reshape(len(self.mentors), len(backgrounds))
        self.wanted_count = self.wanted.sum(axis=1)
        self.under_18 = np.array([m.under_18 for m in self.mentees], dtype=bool)
        self.dbs = np.array([m.dbs_cleared for m in self.mentors], dtype=bool)
        self.capacity = np.array([m.capacity for m in self.mentors], dtype=np.int64)

    def scores(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """Scores of mentees `rows` with mentors `columns` (int16), -1 where a pair is not
        allowed (a pair that must never be made, or under 18 without DBS)."""
        w = self.weights
        total = np.zeros((len(rows), len(columns)), dtype=np.int16)  # at most 10,000
        for name in ("industry", "career_path", "availability", "languages"):
            weight = getattr(w, name)
            if weight:
                left, right = self.sets[name]
                total += _overlap(left[rows], right[columns]).view(np.int8) * np.int16(weight)
        if w.shared_background and self.wanted.shape[1]:
            shared = self.wanted[rows].astype(np.int32) @ self.lived[columns].T.astype(np.int32)
            wanted = np.maximum(self.wanted_count[rows], 1)[:, None]
            total += ((w.shared_background * shared) // wanted).astype(np.int16)
        if w.location_and_mode:
            modes = self.mentee_modes[rows][:, None] & self.mentor_modes[columns][None, :]
            same = self.mentee_place[rows][:, None] == self.mentor_place[columns][None, :]
            meets = ((modes & 1) != 0) | (((modes & 2) != 0) & same)
            total += meets.view(np.int8) * np.int16(w.location_and_mode)
        no_dbs = self.under_18[rows][:, None] & ~self.dbs[columns][None, :]
        total[no_dbs] = -1
        if self.never:
            where = {int(column): at for at, column in enumerate(columns)}
            for at, row in enumerate(rows):
                for column in self.never.get(int(row), ()):
                    if int(column) in where:
                        total[at, where[int(column)]] = -1
        return total


def _index(ids: Iterable[str], kind: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for at, id_ in enumerate(ids):
        if id_ in index:
            raise ValueError(f"The {kind} {id_} is in the cohort twice.")
        index[id_] = at
    return index


def _modes(modes: frozenset[str]) -> int:
    unknown = modes - MODES
    if unknown:
        raise ValueError(f"Unknown ways to meet: {', '.join(sorted(unknown))}.")
    return (1 if ONLINE in modes else 0) | (2 if IN_PERSON in modes else 0)


def _bits(left: list[frozenset[str]], right: list[frozenset[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Each set as 64-bit words over the values either side uses (as many words as needed)."""
    values = sorted(set().union(*left, *right)) if (left or right) else []
    position = {value: at for at, value in enumerate(values)}
    words = max(1, -(-len(values) // 64))

    def encode(sets: list[frozenset[str]]) -> np.ndarray:
        out = np.zeros((len(sets), words), dtype=np.uint64)
        for row, values_here in enumerate(sets):
            for value in values_here:
                at = position[value]
                out[row, at // 64] |= np.uint64(1 << (at % 64))
        return out

    return encode(left), encode(right)


def _overlap(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """True where a row of `left` and a row of `right` share a bit (rows by rows)."""
    shared = np.zeros((left.shape[0], right.shape[0]), dtype=bool)
    for word in range(left.shape[1]):
        shared |= (left[:, word][:, None] & right[:, word][None, :]) != 0
    return shared


def match_cohort(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    weights: Weights,
    never: Iterable[tuple[str, str]] = (),
    accepted: Iterable[tuple[str, str]] = (),
    *,
    spread: bool = False,
    candidates: int | None = CANDIDATES,
) -> CohortMatch:
    """The best pairs for the cohort (see the module's docstring for the objective and proof).

    `never` and `accepted` are (mentee id, mentor id) pairs. An accepted pair must itself keep
    the hard rules (ValueError otherwise). `candidates=None` solves over every allowed pair from
    the start (the dense flow, slower, the same optimum); `spread=False` leaves the spreading
    tie-break out of the objective.
    """
    never = list(never)
    cohort = Cohort(mentees, mentors, weights, never)
    load = np.zeros(len(cohort.mentors), dtype=np.int64)
    kept: dict[int, int] = {}
    for mentee_id, mentor_id in accepted:
        row, column = _accepted_pair(cohort, mentee_id, mentor_id, kept)
        kept[row] = column
        load[column] += 1
    over = np.nonzero(load > cohort.capacity)[0]
    if len(over):
        raise ValueError(
            f"Mentor {cohort.mentors[over[0]].id} has more accepted mentees than places."
        )
    free_rows = np.array([row for row in range(len(cohort.mentees)) if row not in kept], np.int64)
    places = np.minimum(cohort.capacity - load, len(free_rows))
    columns = np.nonzero(places > 0)[0]
    first_slot = load[columns]
    scale = Scale.for_problem(
        len(free_rows), weights.most, int((first_slot + places[columns] - 1).max(initial=0)),
        len(free_rows) + len(columns) + 2, spread=spread,
    )  # fmt: skip
    solution = solve(
        lambda at: cohort.scores(free_rows[at], columns),
        len(free_rows), first_slot, places[columns], scale, candidates=candidates,
    )  # fmt: skip
    chosen = dict(kept)
    for at, column in enumerate(solution.mentor_of):
        if column >= 0:
            chosen[int(free_rows[at])] = int(columns[column])
    pairs = []
    for row, column in sorted(chosen.items()):
        mentee, mentor = cohort.mentees[row], cohort.mentors[column]
        reasons = pair_score(mentee, mentor, weights)
        pairs.append(ProposedPair(mentee.id, mentor.id, reasons.total, reasons, row in kept))
    loads = np.bincount(np.array(list(chosen.values()), np.int64), minlength=len(cohort.mentors))
    left = np.array([row for row in free_rows if int(row) not in chosen], dtype=np.int64)
    return CohortMatch(
        pairs=pairs,
        unmatched=_unmatched(cohort, left, columns),
        total_score=sum(pair.score for pair in pairs),
        proven_optimal=solution.proven_optimal,
        spread=solution.spread,
        spread_cost=int((loads * (loads - 1) // 2).sum()),
        rounds=solution.rounds,
        details={
            "candidate_pairs": solution.arcs,
            "free_mentees": len(free_rows),
            "mentors_with_places": len(columns),
        },  # fmt: skip
    )


def _accepted_pair(
    cohort: Cohort, mentee_id: str, mentor_id: str, kept: dict[int, int]
) -> tuple[int, int]:
    if mentee_id not in cohort.mentee_index or mentor_id not in cohort.mentor_index:
        raise ValueError(f"The accepted pair {mentee_id} and {mentor_id} is not in the cohort.")
    row, column = cohort.mentee_index[mentee_id], cohort.mentor_index[mentor_id]
    if row in kept:
        raise ValueError(f"Mentee {mentee_id} has more than one accepted mentor.")
    if cohort.scores(np.array([row]), np.array([column]))[0, 0] < 0:
        raise ValueError(
            f"The accepted pair {mentee_id} and {mentor_id} breaks a rule: a pair that must "
            "never be made, or a mentee under 18 with a mentor without a DBS check."
        )
    return row, column


def _unmatched(cohort: Cohort, left: np.ndarray, columns: np.ndarray) -> list[Unmatched]:
    if not len(left):
        return []
    allowed = cohort.scores(left, columns) >= 0
    left_industries, mentor_industries = cohort.sets["industry"]
    shares = _overlap(left_industries[left], mentor_industries[columns])
    dbs_places = int(cohort.dbs[columns].sum())
    out = []
    for at, row in enumerate(left):
        mentee = cohort.mentees[int(row)]
        reason = explain.unmatched_reason(
            places_at_start=len(columns),
            under_18=mentee.under_18,
            dbs_places_at_start=dbs_places,
            possible_at_start=int(allowed[at].sum()),
            industries=mentee.industries,
            industry_mentors=int((allowed[at] & shares[at]).sum()),
        )
        out.append(Unmatched(mentee.id, reason))
    return out
