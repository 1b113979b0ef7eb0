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
import tempfile
from pathlib import Path

import polars as pl

from benchmarks.databases import analyse
from benchmarks.harness import Options, SectionRun
from benchmarks.targeting.cases import measure_cases
from benchmarks.targeting.lookups import RawJoin
from benchmarks.targeting.population import bench_partnership, seed_learners
from widen.audit.models import AuditEvent
from widen.learners.models import Learner
from widen.reference.models import AreaDeprivation, PostcodeArea
from widen.reference.services import dataset_load
from widen.targeting.models import LearnerAreaProfile, LearnerEligibility

REPOSITORY = Path(__file__).resolve().parents[2]
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
        organisation, partnership = bench_partnership()
        seeded = seed_learners(organisation, directory_path, learners)
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
            measure_cases(bench, raw, seeded, partnership)

    bench.facts["row_counts"] = {
        "learners": Learner.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "postcode_areas": PostcodeArea.objects.count(),
        "area_deprivation": AreaDeprivation.objects.count(),
        "learner_area_profiles": LearnerAreaProfile.objects.count(),
        "learner_eligibility": LearnerEligibility.objects.count(),
    }
