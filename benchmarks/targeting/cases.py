"""The targeting section's timed cases: the join, end to end, rule set flags, the ORM slice."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import polars as pl

from benchmarks.harness import Measurement, SectionRun, Timing
from benchmarks.measure import Aim, metered, per_second, timed
from benchmarks.targeting.checks import (
    check_against_raw,
    check_slice,
    check_statuses,
    fact_key,
    stored_values,
)
from benchmarks.targeting.lookups import Lookup, RawJoin, Values, in_lookups, learner_frame, per_row
from benchmarks.targeting.population import SEED, Seeded
from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.organisations.models import Partnership
from widen.targeting.models import RuleSet
from widen.targeting.profiles import ProfileEditions, area_profiles
from widen.targeting.rule_sets import eligibility_compute, rule_set_create, rule_set_update
from widen.targeting.services import ProfileRun, area_profiles_compute

SLICE = 10_000
JOIN_REPEATS = 5
END_TO_END_REPEATS = 3
SLICE_REPEATS = 3
# The aims: the join within ×2 of a raw join; 1M learners end to end (profiles and one
# rule set's flags stored) in under 20 s on SQLite and 15 s on PostgreSQL. Never asserted.
AIM_JOIN_RATIO = 2.0
AIM_LEARNERS = 1_000_000
AIM_SECONDS = {"sqlite": 20.0, "postgresql": 15.0}
RULE_SET_NAME = "Benchmark: IMD quintile 1-2 or free school meals"
RULE_SET_DEFINITION: dict[str, Any] = {
    "any": [
        {"all": [{"criterion": "imd_quintile", "values": [1, 2]}]},
        {"all": [{"criterion": "free_school_meals"}]},
    ]
}
# The rule the "after a rule change" case alternates with (different results, new version).
RULE_SET_ALTERNATIVE: dict[str, Any] = {
    "any": [{"all": [{"criterion": "imd_quintile", "values": [1]}]}]
}


def measure_cases(
    bench: SectionRun, raw: RawJoin, seeded: Seeded, partnership: Partnership
) -> None:
    learners = learner_frame()
    count = learners.height
    editions = ProfileEditions.current()
    repeats = bench.options.repeats
    warmup = min(1, bench.options.warmup)

    bench.say(f"classify: raw Polars join of {count:,} postcodes")
    baseline = bench.time(lambda: raw(learners), repeats=min(JOIN_REPEATS, repeats), warmup=warmup)
    baseline_label = "raw Polars join: scan_parquet(directory) → LSOA → IMD decile"
    bench.say(f"classify: area_profiles of {count:,} learners")
    join = bench.time(
        lambda: area_profiles(learners, editions), repeats=min(JOIN_REPEATS, repeats), warmup=warmup
    )
    bench.record(
        Measurement(
            case="classify (join)",
            scale=count,
            timing=join,
            queries=bench.count_queries(lambda: area_profiles(learners, editions)),
            baseline=baseline,
            baseline_label=baseline_label,
            details={
                "rows": count,
                "rows_per_second": per_second(count, join.median_ms / 1000),
                "baseline_rows_per_second": per_second(count, baseline.median_ms / 1000),
            },
        )
    )
    ratio = join.median_ms / baseline.median_ms if baseline.median_ms > 0 else float("inf")
    bench.facts["classify"] = (
        f"area_profiles {join.median_ms / 1000:.2f} s vs raw Polars join "
        f"{baseline.median_ms / 1000:.2f} s: ×{ratio:.1f}; aim within ×{AIM_JOIN_RATIO:.0f} of "
        "the raw join: " + ("met" if ratio <= AIM_JOIN_RATIO else "NOT met")
    )
    check_against_raw(bench, area_profiles(learners, editions), raw(learners))

    bench.say(f"end to end: area_profiles_compute() of {count:,} learners")
    _end_to_end(bench, count, baseline=baseline, label=baseline_label)
    check_statuses(bench, seeded)
    bench.say("end to end: profiles and one new rule set's flags")
    with_flags = _end_to_end(
        bench,
        count,
        baseline=baseline,
        label=baseline_label,
        new_rule_set=lambda number: _rule_set(partnership, number),
    )
    _flags_again(bench, count, _rule_set(partnership, 0), baseline, baseline_label)

    chunk = learners.sample(min(SLICE, count), seed=SEED)
    bench.say(f"slice: raw Polars join of {chunk.height:,} postcodes")
    slice_baseline = bench.time(
        lambda: raw(chunk), repeats=min(JOIN_REPEATS, repeats), warmup=warmup
    )
    scales = Scales(learners=count, join_seconds=join.median_ms / 1000, end_to_end=with_flags)
    stored = stored_values(chunk["learner_id"].to_list())
    for name, lookup, times in (
        ("per-row ORM loop", per_row, 1),
        ("Django __in look-ups", in_lookups, SLICE_REPEATS),
    ):
        bench.say(f"{name} ({chunk.height:,} slice)")
        found = _slice_case(
            bench, name, lookup, chunk, editions, min(times, repeats), slice_baseline, scales
        )
        check_slice(bench, name, found, stored)


@dataclass(frozen=True)
class Scales:
    """What a slice case is extrapolated to and compared with."""

    learners: int
    join_seconds: float
    end_to_end: float


def _slice_case(
    bench: SectionRun,
    name: str,
    lookup: Lookup,
    chunk: pl.DataFrame,
    editions: ProfileEditions,
    repeats: int,
    baseline: Timing,
    scales: Scales,
) -> dict[uuid.UUID, Values]:
    """Time `lookup` over the slice; record it, extrapolated to every learner; its values."""
    postcodes, imd = editions.postcodes, editions.imd
    if postcodes is None or imd is None:
        raise RuntimeError("the postcode directory and IoD2019 were loaded, yet are not current")
    rows = list(chunk.select("learner_id", "postcode").iter_rows())
    size = len(rows)
    found: dict[uuid.UUID, Values] = {}
    with metered() as sql:
        timing = bench.time(
            lambda: found.update(lookup(rows, postcodes, imd)), repeats=repeats, warmup=0
        )
    seconds = timing.median_ms / 1000
    extrapolated = seconds * scales.learners / size
    runs = len(timing.samples_ms)
    bench.record(
        Measurement(
            case=f"{name} ({size:,} slice)",
            scale=scales.learners,
            timing=timing,
            queries=sql.statements // runs,
            baseline=baseline,
            baseline_label=f"raw Polars join of the same {size:,} postcodes",
            details={
                "rows": size,
                "rows_per_second": per_second(size, seconds),
                "extrapolated_seconds": round(extrapolated, 1),
                "extrapolated_to": scales.learners,
                "seconds_in_database_driver": round(sql.seconds / runs, 3),
            },
        )
    )
    bench.facts[fact_key(name)] = (
        f"{size:,} learners in {seconds:.2f} s ({per_second(size, seconds):,.0f}/s); "
        f"{scales.learners:,} would take about {extrapolated:,.1f} s: "
        f"×{extrapolated / scales.join_seconds:,.0f} the join, "
        f"×{extrapolated / scales.end_to_end:,.1f} end to end with flags"
    )
    return found


def _rule_set(partnership: Partnership, number: int) -> RuleSet:
    """A new rule set (IMD quintile 1-2 or FSM); number 0 is the one worked out again."""
    with request_context.bind(source="system"):
        return rule_set_create(
            actor=system_actor("benchmark"),
            partnership=partnership,
            name=f"{RULE_SET_NAME} ({number})",
            definition=RULE_SET_DEFINITION,
        )


def _end_to_end(
    bench: SectionRun,
    count: int,
    *,
    baseline: Timing,
    label: str,
    new_rule_set: Callable[[int], RuleSet] | None = None,
) -> float:
    """Time `area_profiles_compute()` (then `eligibility_compute` of a rule set made for the
    repeat, untimed, so that every result is written); median s."""
    flags = new_rule_set is not None
    samples: list[float] = []
    stages: list[dict[str, float]] = []
    eligibility_seconds: list[float] = []
    statements = 0
    driver = 0.0
    eligible = 0
    repeats = min(END_TO_END_REPEATS, bench.options.repeats)
    for repeat in range(repeats):
        rule_set = new_rule_set(repeat + 1) if new_rule_set is not None else None
        with metered() as sql:
            profile_seconds, profile_run = timed(area_profiles_compute)
            total = profile_seconds
            if rule_set is not None:
                flag_seconds, result = timed(partial(eligibility_compute, rule_set))
                total += flag_seconds
                eligibility_seconds.append(round(flag_seconds, 3))
                eligible = result.eligible
        statements, driver = sql.statements, sql.seconds
        samples.append(total * 1000)
        stages.append(_stages(profile_run))
    timing = Timing(tuple(samples))
    seconds = timing.median_ms / 1000
    case = "end to end (profiles + rule set flags)" if flags else "end to end (profiles)"
    details: dict[str, Any] = {
        "rows": count,
        "rows_per_second": per_second(count, seconds),
        "profile_stages_seconds": stages,
        "statements": statements,
        "seconds_in_database_driver": round(driver, 3),
    }
    if flags:
        details["eligibility_seconds"] = eligibility_seconds
        details["eligible"] = eligible
    bench.record(
        Measurement(
            case=case,
            scale=count,
            timing=timing,
            queries=statements,
            baseline=baseline,
            baseline_label=label,
            details=details,
        )
    )
    middle = stages[samples.index(sorted(samples)[len(samples) // 2])]
    described = ", ".join(f"{stage} {value:.1f} s" for stage, value in middle.items())
    if flags:
        flag = eligibility_seconds[samples.index(sorted(samples)[len(samples) // 2])]
        bench.facts["end_to_end_with_flags"] = _aim(
            bench.database.label,
            count,
            seconds,
            f"profiles ({described}), then rule set flags {flag:.1f} s ({eligible:,} eligible)",
        )
    else:
        bench.facts["end_to_end_profiles"] = (
            f"{count:,} learners in {seconds:.1f} s ({per_second(count, seconds):,.0f}/s): "
            f"{described}"
        )
    return seconds


def _flags_again(
    bench: SectionRun, count: int, rule_set: RuleSet, baseline: Timing, label: str
) -> None:
    """A rule set worked out again: with nothing changed (nothing is written), and after each
    change of its rule (a new version: every result is written again)."""
    first = eligibility_compute(rule_set)
    repeats = min(END_TO_END_REPEATS, bench.options.repeats)
    definitions = [RULE_SET_ALTERNATIVE, RULE_SET_DEFINITION]
    for case, change in (
        ("rule set flags again (nothing changed)", False),
        ("rule set flags after a rule change", True),
    ):
        samples: list[float] = []
        written: list[int] = []
        for repeat in range(repeats):
            if change:
                with request_context.bind(source="system"):
                    rule_set_update(
                        actor=system_actor("benchmark"),
                        rule_set=rule_set,
                        definition=definitions[repeat % 2],
                    )
                rule_set.refresh_from_db()
            seconds, run = timed(lambda: eligibility_compute(rule_set))
            samples.append(seconds * 1000)
            written.append(run.written)
        timing = Timing(tuple(samples))
        bench.record(
            Measurement(
                case=case,
                scale=count,
                timing=timing,
                queries=0,
                baseline=baseline,
                baseline_label=label,
                details={
                    "rows": count,
                    "rows_per_second": per_second(count, timing.median_ms / 1000),
                    "results_written": written,
                },
            )
        )
        bench.facts[fact_key(case)] = (
            f"{count:,} learners in {timing.median_ms / 1000:.1f} s; results written "
            f"{', '.join(f'{number:,}' for number in written)} (first run wrote "
            f"{first.written:,})"
        )


def _stages(run: ProfileRun) -> dict[str, float]:
    return {stage: round(value, 3) for stage, value in run.seconds.items()}


def _aim(database: str, learners: int, seconds: float, breakdown: str) -> str:
    """The end-to-end figure, and whether it meets the aim (never asserted)."""
    rate = learners / seconds if seconds > 0 else 0.0
    figure = f"{learners:,} learners in {seconds:.1f} s ({rate:,.0f}/s): {breakdown}"
    limit = AIM_SECONDS.get(database)
    if limit is None:
        return f"{figure}; no aim for {database}"
    aim = Aim.on(database, scale=AIM_LEARNERS, seconds=limit, flag="--targeting-learners")
    return aim.verdict(figure, scale=learners, seconds=seconds)
