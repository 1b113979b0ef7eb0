"""Targeting at scale: the area profiles of a million learners' home postcodes, and a rule set.

The section loads the real ONS postcode directory (May 2022, 2.68 million postcodes) and IoD2019
File 3 with `dataset_load`, as `widen data load` does, from the shared data folder beside the
repository (`../shared/data`; `--shared-data DIR` or `WIDEN_SHARED_DATA` to point elsewhere).
Without those files it says so and measures nothing. Then it seeds one partnership with one
organisation holding N learners (`--targeting-learners`, default 1,000,000) whose home postcodes
are drawn with a fixed seed from the directory's live postcodes, 1 % malformed strings and 1 %
well-formed postcodes the directory does not hold. Loading and seeding are facts, not cases.

* `classify (join)`: `area_profiles`, the Polars join of every learner's postcode to the loaded
  editions, against the raw Polars join of the same postcodes to the published files
  (`pl.scan_parquet` of the directory, postcode → LSOA, then LSOA → IMD decile); the aim is
  within ×2 of the raw join;
* `end to end (profiles)`: `area_profiles_compute()`: one query reads the learners' postcodes,
  the join classifies them, one transaction stores the `LearnerAreaProfile` rows;
* `end to end (profiles + rule set flags)`: that, then `eligibility_compute` of a new rule set
  (IMD quintile 1-2 or free school meals; made untimed for each repeat), which stores a
  `LearnerEligibility` row per learner; the aim is 1,000,000 learners in under 20 s on SQLite
  and under 15 s on PostgreSQL;
* `rule set flags again (nothing changed)`: one rule set worked out again: every result is as
  stored, so nothing is written;
* `rule set flags after a rule change`: its rule changed (a new version, alternating between two
  rules), so every result is written again in place of the old;
* `per-row ORM loop` and `Django __in look-ups`, on a 10,000-learner slice: the same values
  found with the ORM (two `get`s per learner; two `__in` queries per 500 learners), against the
  raw join of the same 10,000 postcodes, and extrapolated to N.

Checked (a failure, not a timing): the stored profiles of the slice have the status, LSOA and
IMD decile the ORM loops find, the join's IMD deciles are the raw join's, and exactly the seeded
malformed and unknown postcodes are "not found".
"""

from __future__ import annotations

import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Count

from benchmarks.databases import analyse
from benchmarks.harness import Measurement, Options, SectionRun, Timing
from benchmarks.learner_import import metered
from widen.accounts.capabilities import system_actor
from widen.audit.models import AuditEvent
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.learners.models import Learner
from widen.learners.selectors import YEAR_GROUPS
from widen.organisations.models import (
    Organisation,
    OrganisationType,
    Partnership,
    PartnershipMember,
)
from widen.reference.models import AreaDeprivation, DatasetEdition, Measure, PostcodeArea
from widen.reference.services import dataset_load
from widen.targeting.models import (
    LearnerAreaProfile,
    LearnerEligibility,
    ProfileStatus,
    RuleSet,
)
from widen.targeting.profiles import ProfileEditions, area_profiles
from widen.targeting.rule_sets import eligibility_compute, rule_set_create, rule_set_update
from widen.targeting.services import ProfileRun, area_profiles_compute

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED_DATA_VARIABLE = "WIDEN_SHARED_DATA"
DEFAULT_SHARED_DATA = REPOSITORY.parent / "shared" / "data"
DIRECTORY_FILE = Path("postcodes") / "ons_pcd_oa11_lsoa11_msoa11_lad22_may2022_uk.parquet"
DIRECTORY_EDITION = "May 2022"
IOD_FILE = Path("deprivation") / "iod2019_file3_idaci_idaopi_lsoa11.csv.gz"
IOD_LSOA = "LSOA code (2011)"
IOD_IMD_DECILE = (
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
)

DEFAULT_LEARNERS = 1_000_000
QUICK_LEARNERS = 20_000
SEED = 20_190_930
MALFORMED_SHARE = 0.01
UNKNOWN_SHARE = 0.01
SEED_BATCH = 50_000
SLICE = 10_000
IN_CHUNK = 500
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
PLACEHOLDERS = ("N/A", "TBC", "UNKNOWN", "NONE", "NFA", "?", "0", "-")
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters inward codes use (not C, I, K, M, O, V)

# Per learner: status, LSOA, IMD decile (the values the slice cases and the profiles share).
Values = tuple[str, str, int | None]


def learners_wanted(options: Options) -> int:
    """`--targeting-learners`, else 1,000,000 (20,000 with `--quick`)."""
    chosen = getattr(options, "targeting_learners", None)
    if isinstance(chosen, int) and chosen > 0:
        return chosen
    return QUICK_LEARNERS if options.quick else DEFAULT_LEARNERS


def shared_data(options: Options) -> Path:
    """`--shared-data`, else `WIDEN_SHARED_DATA`, else `../shared/data` beside the repository."""
    chosen = getattr(options, "shared_data", None) or os.environ.get(SHARED_DATA_VARIABLE)
    return Path(chosen) if chosen else DEFAULT_SHARED_DATA


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path, REPOSITORY)
    except ValueError:
        return str(path)


@dataclass
class Seeded:
    """What the learners were given: counts by kind, and the slice the ORM loops look up."""

    learners: int
    malformed: int
    unknown: int
    from_directory: int


def run(bench: SectionRun) -> None:
    learners = learners_wanted(bench.options)
    bench.scale = learners
    bench.unit = "learners"
    bench.baseline_heading = "raw join ms"
    folder = shared_data(bench.options)
    directory_path = folder / DIRECTORY_FILE
    iod_path = folder / IOD_FILE
    bench.facts["shared_data"] = _shown(folder)
    missing = [path for path in (directory_path, iod_path) if not path.is_file()]
    if missing:
        reason = (
            "skipped: the real open data is not there ("
            + ", ".join(_shown(path) for path in missing)
            + f"); give its folder with --shared-data or {SHARED_DATA_VARIABLE}"
        )
        bench.facts["targeting"] = reason
        bench.say(reason)
        return

    bench.say(f"loading {DIRECTORY_FILE.name} and {IOD_FILE.name} with dataset_load")
    with bench.stopwatch("load ONS postcode directory (dataset_load)"):
        directory_load = dataset_load("postcodes", directory_path, edition=DIRECTORY_EDITION)
    with bench.stopwatch("load IoD2019 File 3 (dataset_load)"):
        iod_load = dataset_load("iod2019", iod_path)
    bench.facts["datasets"] = (
        f"{directory_load.edition.row_count:,} postcodes ({directory_load.edition}), "
        f"{iod_load.edition.row_count:,} LSOAs ({iod_load.edition}, measures "
        f"{', '.join(iod_load.edition.measures)})"
    )

    with bench.stopwatch(f"seed {learners:,} learners (with audit rows)"):
        bench.say(f"seeding {learners:,} learners")
        organisation, partnership = _partnership()
        seeded = _seed(organisation, directory_path, learners)
        bench.facts["planner_statistics"] = analyse(sqlite=bench.options.analyse_sqlite)
    bench.facts["seeded"] = (
        f"{seeded.from_directory:,} live postcodes drawn from the directory, "
        f"{seeded.malformed:,} malformed strings, {seeded.unknown:,} well-formed postcodes "
        "the directory does not hold"
    )

    with tempfile.TemporaryDirectory(prefix="widen-bench-targeting-") as scratch:
        deprivation_path = Path(scratch) / "imd_decile_by_lsoa.parquet"
        pl.read_csv(iod_path, columns=[IOD_LSOA, IOD_IMD_DECILE]).select(
            pl.col(IOD_LSOA).alias("lsoa"),
            pl.col(IOD_IMD_DECILE).cast(pl.Int64).alias("imd_decile"),
        ).write_parquet(deprivation_path)
        raw = RawJoin(directory=directory_path, deprivation=deprivation_path)
        with bench.stopwatch("measure"):
            _measure(bench, raw, seeded, partnership)

    bench.facts["row_counts"] = {
        "learners": Learner.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "postcode_areas": PostcodeArea.objects.count(),
        "area_deprivation": AreaDeprivation.objects.count(),
        "learner_area_profiles": LearnerAreaProfile.objects.count(),
        "learner_eligibility": LearnerEligibility.objects.count(),
    }


# --- Seeding -----------------------------------------------------------------------------------


def _partnership() -> tuple[Organisation, Partnership]:
    with request_context.bind(source="system"):
        organisation = Organisation.objects.create(
            name="Targeting Bench University",
            organisation_type=OrganisationType.HE_PROVIDER,
            ukprn="10000091",
        )
        partnership = Partnership.objects.create(
            name="Targeting Bench Uni Connect", lead_organisation=organisation
        )
        PartnershipMember.objects.create(partnership=partnership, organisation=organisation)
    return organisation, partnership


def _postcodes(directory_path: Path, count: int) -> tuple[list[str], Seeded]:
    """`count` home postcodes in a seeded random order: live, malformed and unknown ones."""
    rng = random.Random(SEED)
    malformed = round(count * MALFORMED_SHARE)
    unknown = round(count * UNKNOWN_SHARE)
    real = count - malformed - unknown
    directory = pl.scan_parquet(directory_path).select("pcds", "doterm")
    live = directory.filter(pl.col("doterm").is_null()).select("pcds").collect()["pcds"]
    drawn = live.sample(real, with_replacement=True, seed=SEED).to_list()
    broken = [_malformed(rng, rng.choice(drawn)) for _ in range(malformed)]
    absent = _unknown(rng, directory, live, unknown)
    postcodes = drawn + broken + absent
    rng.shuffle(postcodes)
    return postcodes, Seeded(
        learners=count, malformed=malformed, unknown=unknown, from_directory=real
    )


def _malformed(rng: random.Random, postcode: str) -> str:
    """What people type instead of a postcode: a placeholder, one cut short, a stray dash."""
    kind = rng.randrange(3)
    if kind == 0:
        return rng.choice(PLACEHOLDERS)
    if kind == 1:
        return postcode[:-1]  # an inward code of two characters is never a postcode
    return postcode.replace(" ", "-")


def _unknown(rng: random.Random, directory: pl.LazyFrame, live: pl.Series, count: int) -> list[str]:
    """Well-formed postcodes (a real outward code, a made-up inward code) nobody lives at."""
    if count == 0:
        return []
    known = directory.select("pcds").collect()["pcds"]
    found: list[str] = []
    while len(found) < count:
        outward = live.sample(3 * count, with_replacement=True, seed=rng.randrange(2**31))
        candidates = pl.Series(
            "pcds",
            [
                f"{code.split(' ')[0]} {rng.randrange(10)}{''.join(rng.choices(LETTERS, k=2))}"
                for code in outward.to_list()
            ],
        )
        fresh = candidates.filter(~candidates.is_in(known)).unique(maintain_order=True)
        found.extend(fresh.to_list())
        found = list(dict.fromkeys(found))
    return found[:count]


def _seed(organisation: Organisation, directory_path: Path, count: int) -> Seeded:
    postcodes, seeded = _postcodes(directory_path, count)
    rng = random.Random(SEED + 1)
    year = AcademicYear.current()
    cohorts = [year.birth_dates_for(group)[0] for group in YEAR_GROUPS]
    with request_context.bind(source="system"):
        for start in range(0, count, SEED_BATCH):
            Learner.objects.bulk_insert(
                [
                    {
                        "organisation_id": organisation.pk,
                        "first_name": "Learner",
                        "last_name": f"Number {index + 1}",
                        "date_of_birth": rng.choice(cohorts) + timedelta(days=rng.randrange(365)),
                        "home_postcode": postcodes[index],
                        "free_school_meals": _fsm(rng),
                    }
                    for index in range(start, min(start + SEED_BATCH, count))
                ]
            )
    return seeded


def _fsm(rng: random.Random) -> bool | None:
    draw = rng.random()
    return None if draw < 0.1 else draw < 0.1 + 0.25 * 0.9


# --- The raw join ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawJoin:
    """The published files joined by hand: postcode → LSOA (directory) → IMD decile (IoD)."""

    directory: Path
    deprivation: Path  # the IoD file's LSOA code and IMD decile, as Parquet

    def __call__(self, learners: pl.DataFrame) -> pl.DataFrame:
        postcodes = pl.scan_parquet(self.directory).select(
            pl.col("pcds").alias("postcode"), pl.col("lsoa11cd").alias("lsoa")
        )
        return (
            learners.lazy()
            .join(postcodes, on="postcode", how="left")
            .join(pl.scan_parquet(self.deprivation), on="lsoa", how="left")
            .select("learner_id", "postcode", "lsoa", "imd_decile")
            .collect()
        )


# --- Measuring ---------------------------------------------------------------------------------


def _seconds(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def _per_second(rows: int, seconds: float) -> float:
    return round(rows / seconds, 1) if seconds > 0 else 0.0


def _learner_frame() -> pl.DataFrame:
    """Every learner's id (as the database writes it) and home postcode: one query, as the
    service reads them."""
    table = connection.ops.quote_name(Learner._meta.db_table)
    id_column = "CAST(id AS TEXT)" if connection.vendor == "postgresql" else "id"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {id_column}, home_postcode FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema={"learner_id": pl.Utf8, "postcode": pl.Utf8}, orient="row")


def _measure(bench: SectionRun, raw: RawJoin, seeded: Seeded, partnership: Partnership) -> None:
    learners = _learner_frame()
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
                "rows_per_second": _per_second(count, join.median_ms / 1000),
                "baseline_rows_per_second": _per_second(count, baseline.median_ms / 1000),
            },
        )
    )
    ratio = join.median_ms / baseline.median_ms if baseline.median_ms > 0 else float("inf")
    bench.facts["classify"] = (
        f"area_profiles {join.median_ms / 1000:.2f} s vs raw Polars join "
        f"{baseline.median_ms / 1000:.2f} s: ×{ratio:.1f}; aim within ×{AIM_JOIN_RATIO:.0f} of "
        "the raw join: " + ("met" if ratio <= AIM_JOIN_RATIO else "NOT met")
    )
    _check_against_raw(bench, area_profiles(learners, editions), raw(learners))

    bench.say(f"end to end: area_profiles_compute() of {count:,} learners")
    _end_to_end(bench, count, baseline=baseline, label=baseline_label)
    _check_statuses(bench, seeded)
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
    stored = _stored_values(chunk["learner_id"].to_list())
    for name, lookup, times in (
        ("per-row ORM loop", _per_row, 1),
        ("Django __in look-ups", _in_lookups, SLICE_REPEATS),
    ):
        bench.say(f"{name} ({chunk.height:,} slice)")
        found = _slice_case(
            bench, name, lookup, chunk, editions, min(times, repeats), slice_baseline, scales
        )
        _check_slice(bench, name, found, stored)


@dataclass(frozen=True)
class Scales:
    """What a slice case is extrapolated to and compared with."""

    learners: int
    join_seconds: float
    end_to_end: float


Lookup = Callable[
    [Sequence[tuple[str, str]], DatasetEdition, DatasetEdition], dict[uuid.UUID, Values]
]


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
                "rows_per_second": _per_second(size, seconds),
                "extrapolated_seconds": round(extrapolated, 1),
                "extrapolated_to": scales.learners,
                "seconds_in_database_driver": round(sql.seconds / runs, 3),
            },
        )
    )
    bench.facts[_fact(name)] = (
        f"{size:,} learners in {seconds:.2f} s ({_per_second(size, seconds):,.0f}/s); "
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
            profile_seconds, profile_run = _seconds(area_profiles_compute)
            total = profile_seconds
            if rule_set is not None:
                flag_seconds, result = _seconds(partial(eligibility_compute, rule_set))
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
        "rows_per_second": _per_second(count, seconds),
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
            f"{count:,} learners in {seconds:.1f} s ({_per_second(count, seconds):,.0f}/s): "
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
            seconds, run = _seconds(lambda: eligibility_compute(rule_set))
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
                    "rows_per_second": _per_second(count, timing.median_ms / 1000),
                    "results_written": written,
                },
            )
        )
        bench.facts[_fact(case)] = (
            f"{count:,} learners in {timing.median_ms / 1000:.1f} s; results written "
            f"{', '.join(f'{number:,}' for number in written)} (first run wrote "
            f"{first.written:,})"
        )


def _fact(name: str) -> str:
    """A case's name as a fact's key ("Django __in look-ups" → "Django_in_look-ups")."""
    return name.replace("__", "").replace(" ", "_")


def _stages(run: ProfileRun) -> dict[str, float]:
    return {stage: round(value, 3) for stage, value in run.seconds.items()}


def _aim(database: str, learners: int, seconds: float, breakdown: str) -> str:
    """The end-to-end figure, and whether it meets the aim (never asserted)."""
    rate = learners / seconds if seconds > 0 else 0.0
    figure = f"{learners:,} learners in {seconds:.1f} s ({rate:,.0f}/s): {breakdown}"
    limit = AIM_SECONDS.get(database)
    if limit is None:
        return f"{figure}; no aim for {database}"
    aim = f"aim {AIM_LEARNERS:,} in under {limit:.0f} s on {database}"
    if learners == AIM_LEARNERS:
        return f"{figure}; {aim}: " + ("met" if seconds < limit else "NOT met")
    estimate = AIM_LEARNERS / rate if rate else float("inf")
    return (
        f"{figure}; at this rate {AIM_LEARNERS:,} would take about {estimate:.0f} s ({aim}: "
        f"judge it with --targeting-learners {AIM_LEARNERS})"
    )


# --- The slice, looked up with the ORM ---------------------------------------------------------


def _key(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _status(terminated: str) -> str:
    return ProfileStatus.TERMINATED.value if terminated else ProfileStatus.FOUND.value


def _per_row(
    rows: Sequence[tuple[str, str]], postcodes: DatasetEdition, imd: DatasetEdition
) -> dict[uuid.UUID, Values]:
    """Two ORM look-ups per learner, as a loop over learners would do them."""
    found: dict[uuid.UUID, Values] = {}
    for key, raw_postcode in rows:
        postcode = (raw_postcode or "").strip()
        if not postcode:
            found[_key(key)] = (ProfileStatus.NO_POSTCODE.value, "", None)
            continue
        try:
            lsoa, terminated = PostcodeArea.objects.values_list("lsoa", "terminated").get(
                edition=postcodes, postcode=postcode
            )
        except PostcodeArea.DoesNotExist:
            found[_key(key)] = (ProfileStatus.NOT_FOUND.value, "", None)
            continue
        decile = None
        if lsoa:
            with suppress(AreaDeprivation.DoesNotExist):
                decile = AreaDeprivation.objects.values_list("decile", flat=True).get(
                    edition=imd, measure=Measure.IMD, area=lsoa
                )
        found[_key(key)] = (_status(terminated), lsoa, decile)
    return found


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _in_lookups(
    rows: Sequence[tuple[str, str]], postcodes: DatasetEdition, imd: DatasetEdition
) -> dict[uuid.UUID, Values]:
    """Two `__in` queries per 500 learners: their postcodes, then those postcodes' LSOAs."""
    found: dict[uuid.UUID, Values] = {}
    for part in _chunks(rows, IN_CHUNK):
        wanted = {(postcode or "").strip() for _, postcode in part} - {""}
        areas = {
            postcode: (lsoa, terminated)
            for postcode, lsoa, terminated in PostcodeArea.objects.filter(
                edition=postcodes, postcode__in=wanted
            ).values_list("postcode", "lsoa", "terminated")
        }
        lsoas = {lsoa for lsoa, _ in areas.values() if lsoa}
        deciles = dict(
            AreaDeprivation.objects.filter(
                edition=imd, measure=Measure.IMD, area__in=lsoas
            ).values_list("area", "decile")
        )
        for key, raw_postcode in part:
            postcode = (raw_postcode or "").strip()
            if not postcode:
                found[_key(key)] = (ProfileStatus.NO_POSTCODE.value, "", None)
            elif postcode not in areas:
                found[_key(key)] = (ProfileStatus.NOT_FOUND.value, "", None)
            else:
                lsoa, terminated = areas[postcode]
                found[_key(key)] = (_status(terminated), lsoa, deciles.get(lsoa))
    return found


# --- Checks (failures, never timings) ----------------------------------------------------------


def _stored_values(keys: Sequence[str]) -> dict[uuid.UUID, Values]:
    stored: dict[uuid.UUID, Values] = {}
    for part in _chunks([_key(key) for key in keys], IN_CHUNK):
        for key, status, lsoa, decile in LearnerAreaProfile.objects.filter(
            learner_id__in=part
        ).values_list("learner_id", "status", "lsoa", "imd_decile"):
            stored[_key(key)] = (status, lsoa, decile)
    return stored


def _check_slice(
    bench: SectionRun,
    name: str,
    found: dict[uuid.UUID, Values],
    stored: dict[uuid.UUID, Values],
) -> None:
    missing = len(set(found) - set(stored))
    columns = ("status", "LSOA", "IMD decile")
    mismatches = {
        column: sum(
            1 for key, values in found.items() if key in stored and stored[key][at] != values[at]
        )
        for at, column in enumerate(columns)
    }
    summary = ", ".join(f"{column} {count:,}" for column, count in mismatches.items())
    bench.facts[f"{_fact(name)}_check"] = (
        f"{len(found):,} learners against their stored profiles: mismatches {summary}; "
        f"{missing:,} without a profile"
    )
    if missing or any(mismatches.values()):
        bench.failures.append(
            f"{name}: the stored profiles differ from the ORM's values ({summary}; {missing:,} "
            "without a profile)"
        )


def _check_against_raw(bench: SectionRun, joined: pl.DataFrame, raw: pl.DataFrame) -> None:
    compared = joined.select("learner_id", "imd_decile").join(
        raw.select("learner_id", pl.col("imd_decile").alias("raw_decile")),
        on="learner_id",
        how="full",
        coalesce=True,
    )
    differ = compared.filter(~pl.col("imd_decile").eq_missing(pl.col("raw_decile"))).height
    with_decile = joined["imd_decile"].is_not_null().sum()
    bench.facts["classify_check"] = (
        f"{with_decile:,} of {joined.height:,} learners have an IMD decile; "
        f"{differ:,} differ from the raw join's"
    )
    if differ or compared.height != raw.height:
        bench.failures.append(
            f"classify: {differ:,} IMD deciles differ from the raw join's ({compared.height:,} "
            f"learners compared, {raw.height:,} expected)"
        )


def _check_statuses(bench: SectionRun, seeded: Seeded) -> None:
    counts = dict(
        LearnerAreaProfile.objects.values_list("status").annotate(count=Count("learner_id"))
    )
    bench.facts["statuses"] = ", ".join(
        f"{status} {count:,}" for status, count in sorted(counts.items(), key=lambda item: -item[1])
    )
    expected = seeded.malformed + seeded.unknown
    not_found = counts.get(ProfileStatus.NOT_FOUND.value, 0)
    if not_found != expected or sum(counts.values()) != seeded.learners:
        bench.failures.append(
            f"statuses: {not_found:,} learners not found in the directory, expected the "
            f"{seeded.malformed:,} malformed and {seeded.unknown:,} unknown postcodes seeded "
            f"({expected:,}); {sum(counts.values()):,} profiles for {seeded.learners:,} learners"
        )
