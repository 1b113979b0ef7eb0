"""Mentoring: matching a whole cohort of mentees to mentors, proven optimal, beside two others.

Two synthetic populations (each seeded; `POPULATIONS`), 5,000 mentees and 2,000 mentors each
(1,000 and 400 with --quick), whose total places exceed the mentees:

* `spread`: twelve industries wanted about equally, mentors with 2 to 5 places (about 1.26
  places a mentee), 20 % of mentees under 18 and 60 % of mentors DBS-checked;
* `concentrated`: most mentees want finance, technology or law while mentors are spread over
  all twelve industries, places tight (2 to 4 a mentor, about 1.06 a mentee), 40 % of mentees
  under 18 and 40 % of mentors DBS-checked, and more pairs that must never be made.

Cases, for each population: `match_cohort` (each mentee's best mentors, then the dual
certificate, adding pairs until it holds), timed; beside it the dense baseline, the same
min-cost flow over every allowed pair (`candidates=None`), timed once. Both objectives (mentees
matched, then total score) are printed and must be equal, and both must be proven optimal (a
failure, not a timing). Then the open-source `mentor-match` package (its rounds of Hungarian
assignment through `munkres`) on the first 200 mentees and 80 mentors of each population (100
and 40 with --quick), with the same scores and the same hard rules as disqualifying rules, beside
`match_cohort` on the same small cohort: mentees matched and total score side by side.

The section needs no database; the runner gives it one for each engine, and the work is done
once, on the first.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from benchmarks.harness import Measurement, SectionRun, Timing
from benchmarks.measure import timed
from widen.mentoring.matching import (
    CohortMatch,
    Mentee,
    Mentor,
    Weights,
    match_cohort,
    pair_score,
)

MENTEES, MENTORS = 5_000, 2_000
QUICK_MENTEES, QUICK_MENTORS = 1_000, 400
SMALL_MENTEES, SMALL_MENTORS = 200, 80
QUICK_SMALL_MENTEES, QUICK_SMALL_MENTORS = 100, 40
INDUSTRIES = ("finance", "technology", "law", "health", "engineering", "media", "education",
              "public sector", "retail", "energy", "charity", "creative arts")  # fmt: skip
CAREERS = tuple(f"{industry}: {role}" for industry in INDUSTRIES
                for role in ("graduate scheme", "specialist", "manager"))  # fmt: skip
REGIONS = ("Leicester", "Nottingham", "Birmingham", "London", "Manchester", "Leeds", "Bristol",
           "Sheffield", "Newcastle", "Cardiff")  # fmt: skip
SLOTS = tuple(f"{day}-{part}" for day in ("mon", "tue", "wed", "thu", "fri", "sat")
              for part in ("morning", "afternoon", "evening"))  # fmt: skip
LANGUAGES = ("English", "Polish", "Urdu", "Punjabi", "Bengali", "Arabic", "Somali", "Gujarati")
BACKGROUNDS = ("first_in_family", "care_experienced", "estranged", "free_school_meals")
MODES = (frozenset({"online"}), frozenset({"in_person"}), frozenset({"online", "in_person"}))
WEIGHTS = Weights()
_DONE: set[str] = set()


@dataclass(frozen=True)
class Population:
    name: str
    seed: int
    wanted: tuple[float, ...]  # how often mentees want each industry
    places: tuple[int, int]  # a mentor's places, at least and at most
    extra_places: float  # share of mentors with one place more
    under_18: float
    dbs: float
    never_per_mentee: float


POPULATIONS = (
    Population("spread", 20_261_204, (1.0,) * 12, (2, 4), 0.15, 0.20, 0.60, 0.02),
    Population("concentrated", 20_261_205, (8, 6, 5) + (1.0,) * 9, (2, 3), 0.15, 0.40, 0.40, 0.10),
)


def cohort(
    population: Population, mentees: int, mentors: int
) -> tuple[list[Mentee], list[Mentor], list[tuple[str, str]]]:
    rng = random.Random(population.seed)

    def some(values: tuple[str, ...], least: int, most: int) -> frozenset[str]:
        return frozenset(rng.sample(values, rng.randint(least, most)))

    def languages() -> frozenset[str]:
        return frozenset({"English"}) | some(LANGUAGES[1:], 0, 1)

    people = []
    for i in range(mentees):
        industries = frozenset(rng.choices(INDUSTRIES, weights=population.wanted, k=2))
        careers = [c for c in CAREERS if c.split(":")[0] in industries]
        people.append(
            Mentee(
                id=f"mentee-{i}",
                industries=industries,
                career_interests=frozenset(rng.sample(careers, 2)),
                location=rng.choice(REGIONS),
                modes=rng.choice(MODES),
                availability=some(SLOTS, 2, 4),
                languages=languages(),
                backgrounds_wanted=some(BACKGROUNDS, 0, 2),
                under_18=rng.random() < population.under_18,
            )
        )
    low, high = population.places
    offering = [
        Mentor(
            id=f"mentor-{j}",
            industries=some(INDUSTRIES, 1, 2),
            career_path=some(CAREERS, 1, 2),
            location=rng.choice(REGIONS),
            modes=rng.choice(MODES),
            availability=some(SLOTS, 2, 5),
            languages=languages(),
            lived_experience=some(BACKGROUNDS, 0, 2),
            capacity=rng.randint(low, high) + (rng.random() < population.extra_places),
            dbs_cleared=rng.random() < population.dbs,
        )
        for j in range(mentors)
    ]
    never = [
        (rng.choice(people).id, rng.choice(offering).id)
        for _ in range(int(mentees * population.never_per_mentee))
    ]
    return people, offering, never


def objective(result: CohortMatch) -> str:
    proven = "proven optimal" if result.proven_optimal else "NOT proven"
    return f"{result.matched:,} matched, total score {result.total_score:,}, {proven}"


def run(bench: SectionRun) -> None:
    bench.unit = "mentees"
    if "matched" in _DONE:
        bench.facts["note"] = "the matching needs no database: measured once, on the first"
        return
    _DONE.add("matched")
    quick = bench.options.quick
    mentees, mentors = (QUICK_MENTEES, QUICK_MENTORS) if quick else (MENTEES, MENTORS)
    small = (QUICK_SMALL_MENTEES, QUICK_SMALL_MENTORS) if quick else (SMALL_MENTEES, SMALL_MENTORS)
    bench.scale = mentees
    bench.baseline_heading = "dense flow ms"
    bench.ratio_heading = "vs dense"
    for population in POPULATIONS:
        with bench.stopwatch(f"build the {population.name} cohort"):
            people, offering, never = cohort(population, mentees, mentors)
        places = sum(mentor.capacity for mentor in offering)
        bench.say(f"{population.name}: {mentees:,} mentees, {mentors:,} mentors, {places:,} places")
        _whole_cohort(bench, population, people, offering, never, places)
        _beside_mentor_match(bench, population, people[: small[0]], offering[: small[1]], never)


def _whole_cohort(
    bench: SectionRun,
    population: Population,
    people: list[Mentee],
    offering: list[Mentor],
    never: list[tuple[str, str]],
    places: int,
) -> None:
    results: list[CohortMatch] = []

    def sparse() -> None:
        results.append(match_cohort(people, offering, WEIGHTS, never=never))

    repeats = 3 if bench.options.quick else 5
    cpu_started = time.process_time()
    timing = bench.time(sparse, repeats=repeats, warmup=1)
    # Processor time a run (of this process, all its threads): what the time would be on a
    # machine nothing else is using, since the matching runs in one thread.
    cpu = (time.process_time() - cpu_started) / (repeats + 1)
    seconds, dense = timed(lambda: match_cohort(people, offering, WEIGHTS, never=never,
                                                candidates=None))  # fmt: skip
    ours = results[-1]
    case = f"match_cohort, {population.name}"
    bench.facts[f"{population.name}: match_cohort"] = (
        f"{timing.median_ms / 1000:.2f} s (median; {cpu:.2f} s of processor time a run), "
        f"{objective(ours)}, {ours.rounds} flows, "
        f"{ours.details['candidate_pairs']:,} candidate pairs"
    )
    bench.facts[f"{population.name}: dense flow"] = f"{seconds:.2f} s, {objective(dense)}"
    if (ours.matched, ours.total_score) != (dense.matched, dense.total_score):
        bench.failures.append(f"{case}: {objective(ours)} but the dense flow {objective(dense)}")
    if not (ours.proven_optimal and dense.proven_optimal):
        bench.failures.append(f"{case}: not proven optimal")
    bench.record(
        Measurement(
            case=case,
            scale=len(people),
            timing=timing,
            baseline=Timing((seconds * 1000,)),
            baseline_label="min-cost flow over every allowed pair",
            details={
                "mentors": len(offering),
                "places": places,
                "cpu_seconds_a_run": round(cpu, 3),
                "matched": ours.matched,
                "total_score": ours.total_score,
                "proven_optimal": ours.proven_optimal,
                "flows": ours.rounds,
                "candidate_pairs": ours.details["candidate_pairs"],
                "dense_matched": dense.matched,
                "dense_total_score": dense.total_score,
                "dense_pairs": dense.details["candidate_pairs"],
            },
        )
    )


def _beside_mentor_match(
    bench: SectionRun,
    population: Population,
    people: list[Mentee],
    offering: list[Mentor],
    never: list[tuple[str, str]],
) -> None:
    seconds, theirs = timed(lambda: mentor_match_pairs(people, offering, never))
    ours_seconds, ours = timed(lambda: match_cohort(people, offering, WEIGHTS, never=never))
    mentee_by_id = {mentee.id: mentee for mentee in people}
    mentor_by_id = {mentor.id: mentor for mentor in offering}
    score = sum(pair_score(mentee_by_id[a], mentor_by_id[b], WEIGHTS).total for a, b in theirs)
    size = f"{len(people)} mentees, {len(offering)} mentors"
    bench.facts[f"{population.name}: beside mentor-match ({size})"] = (
        f"match_cohort {ours.matched} matched, score {ours.total_score:,} in {ours_seconds:.2f} s;"
        f" mentor-match {len(theirs)} matched, score {score:,} in {seconds:.2f} s"
    )
    details: dict[str, Any] = {"mentors": len(offering), "matched": len(theirs),
                               "total_score": score, "match_cohort_matched": ours.matched,
                               "match_cohort_total_score": ours.total_score}  # fmt: skip
    bench.record(
        Measurement(
            case=f"mentor-match (munkres), {population.name}",
            scale=len(people),
            timing=Timing((seconds * 1000,)),
            details=details,
        )
    )
    if (len(theirs), score) > (ours.matched, ours.total_score):
        bench.failures.append(f"mentor-match beat a proven optimum on {population.name}")


def mentor_match_pairs(
    people: list[Mentee], offering: list[Mentor], never: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The pairs `mentor-match` makes: one Hungarian assignment a round, each mentor taking at
    most one mentee a round, as many rounds as the most places a mentor has. Our scores are its
    one scoring rule; the hard rules are disqualifying rules."""
    from matching.mentee import Mentee as TheirMentee
    from matching.mentor import Mentor as TheirMentor
    from matching.process import process_data
    from matching.rules.rule import Disqualify

    mentee_of = {f"{m.id}@mentees.example": m for m in people}
    mentor_of = {f"{m.id}@mentors.example": m for m in offering}
    theirs_mentees = [TheirMentee(grade=0, email=email) for email in mentee_of]
    theirs_mentors = [TheirMentor(grade=0, email=email) for email in mentor_of]
    forbidden = {(f"{a}@mentees.example", f"{b}@mentors.example") for a, b in never}
    scores = {
        (e, o): pair_score(mentee, mentor, WEIGHTS).total
        for e, mentee in mentee_of.items()
        for o, mentor in mentor_of.items()
    }

    class Score:
        def apply(self, match: Any) -> int:
            return scores[(match.mentee.email, match.mentor.email)]

        def evaluate(self, match: Any) -> bool:
            return True

    rules = [
        Score(),
        Disqualify(lambda m: len(m.mentor.mentees) >= mentor_of[m.mentor.email].capacity),
        Disqualify(lambda m: len(m.mentee.mentors) > 0),
        Disqualify(lambda m: (m.mentee.email, m.mentor.email) in forbidden),
        Disqualify(
            lambda m: (
                mentee_of[m.mentee.email].under_18 and not mentor_of[m.mentor.email].dbs_cleared
            )
        ),
    ]
    rounds = max((mentor.capacity for mentor in offering), default=0)
    _, matched = process_data(theirs_mentors, theirs_mentees, [list(rules) for _ in range(rounds)])
    return [
        (mentee_of[mentee.email].id, mentor_of[mentee.mentors[0].email].id)
        for mentee in matched
        if mentee.mentors
    ]
