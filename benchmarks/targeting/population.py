"""The targeting section's population: one partnership, and learners with real, malformed and
unknown home postcodes drawn with a fixed seed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import polars as pl

from benchmarks.seeding import university
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.learners.models import Learner
from widen.learners.selectors import YEAR_GROUPS
from widen.organisations.models import (
    Organisation,
    Partnership,
    PartnershipMember,
)

SEED = 20_190_930
MALFORMED_SHARE = 0.01
UNKNOWN_SHARE = 0.01
SEED_BATCH = 50_000
PLACEHOLDERS = ("N/A", "TBC", "UNKNOWN", "NONE", "NFA", "?", "0", "-")
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters inward codes use (not C, I, K, M, O, V)


@dataclass
class Seeded:
    """What the learners were given: counts by kind, and the slice the ORM loops look up."""

    learners: int
    malformed: int
    unknown: int
    from_directory: int


def bench_partnership() -> tuple[Organisation, Partnership]:
    with request_context.bind(source="system"):
        organisation = university("Targeting Bench University", "10000091")
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


def seed_learners(organisation: Organisation, directory_path: Path, count: int) -> Seeded:
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
