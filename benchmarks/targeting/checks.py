"""The targeting section's checks: failures when the values differ, never timings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import polars as pl
from django.db.models import Count

from benchmarks.harness import SectionRun
from benchmarks.targeting.lookups import IN_CHUNK, Values, chunks, learner_key
from benchmarks.targeting.population import Seeded
from widen.targeting.models import LearnerAreaProfile, ProfileStatus


def fact_key(name: str) -> str:
    """A case's name as a fact's key ("Django __in look-ups" → "Django_in_look-ups")."""
    return name.replace("__", "").replace(" ", "_")


def stored_values(keys: Sequence[str]) -> dict[uuid.UUID, Values]:
    stored: dict[uuid.UUID, Values] = {}
    for part in chunks([learner_key(key) for key in keys], IN_CHUNK):
        for key, status, lsoa, decile in LearnerAreaProfile.objects.filter(
            learner_id__in=part
        ).values_list("learner_id", "status", "lsoa", "imd_decile"):
            stored[learner_key(key)] = (status, lsoa, decile)
    return stored


def check_slice(
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
    bench.facts[f"{fact_key(name)}_check"] = (
        f"{len(found):,} learners against their stored profiles: mismatches {summary}; "
        f"{missing:,} without a profile"
    )
    if missing or any(mismatches.values()):
        bench.failures.append(
            f"{name}: the stored profiles differ from the ORM's values ({summary}; {missing:,} "
            "without a profile)"
        )


def check_against_raw(bench: SectionRun, joined: pl.DataFrame, raw: pl.DataFrame) -> None:
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


def check_statuses(bench: SectionRun, seeded: Seeded) -> None:
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
