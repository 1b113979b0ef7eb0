"""`make bench` keeps working: a tiny run prints its table and writes comparable figures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.browser.support import run_module

pytestmark = pytest.mark.own_sqlite

REPOSITORY = Path(__file__).resolve().parents[1]


def _bench(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return run_module("benchmarks", list(arguments), environment, timeout=300)


def tiny_run(section: str, results: Path, *options: str) -> tuple[str, dict[str, Any]]:
    """Run one section on SQLite with `options`, writing into `results`: what it printed, and
    its results document (one run, which recorded no failures)."""
    completed = _bench(
        "--only", section, *options, "--databases", "sqlite", "--results-dir", str(results)
    )
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-3000:]
    assert f"## {section}: sqlite" in completed.stdout
    (written,) = results.glob(f"*-{section}.json")
    document = json.loads(written.read_text())
    (run,) = document["runs"]
    assert run["failures"] == []
    return completed.stdout, document


def test_a_tiny_benchmark_run_measures_every_case_against_its_baselines(tmp_path: Path) -> None:
    printed, document = tiny_run(
        "learners", tmp_path, "--learners", "1500", "--repeats", "2", "--warmup", "0"
    )
    assert "page: list" in printed
    assert document["options"]["learners"] == 1500
    (run,) = document["runs"]
    assert run["database"]["vendor"] == "sqlite"
    assert run["facts"]["row_counts"]["learners"] == 1500
    at_full_scale = [case for case in run["cases"] if case["scale"] == 1500]
    names = {case["case"] for case in at_full_scale}
    assert {"page: list", "page: detail", "api: list", "api: get one"} <= names
    for case in at_full_scale:
        assert case["median_ms"] > 0
        assert case["queries"] > 0
        assert case["baseline"]["median_ms"] > 0
        assert case["reference_scale"] == 1000
        assert case["ratio_to_reference_scale"] > 0


def test_a_tiny_import_benchmark_imports_both_formats_and_re_imports_without_change(
    tmp_path: Path,
) -> None:
    """The import section at 300 rows (the kill section is for `make bench` only, not CI)."""
    printed, document = tiny_run(
        "import", tmp_path, "--import-rows", "300", "--repeats", "1", "--warmup", "0"
    )
    assert "csv: end to end" in printed
    assert document["options"]["import_rows"] == 300
    (run,) = document["runs"]
    cases = {case["case"]: case for case in run["cases"]}
    for file_format in ("csv", "xlsx"):
        preview = cases[f"{file_format}: read + validate + match"]
        assert preview["baseline"]["median_ms"] > 0
        assert preview["details"]["rows_to_create"] == 300
        assert cases[f"{file_format}: commit"]["details"]["rows_created"] == 300
        assert cases[f"{file_format}: end to end"]["details"]["rows_per_second"] > 0
        again = cases[f"{file_format}: re-import, same rows reversed"]["details"]
        assert (again["rows_to_create"], again["rows_to_update"]) == (0, 0)
        assert again["rows_unchanged"] == 300
        assert again["learners_after"] == again["learners_before"]
    assert run["facts"]["row_counts"]["learners"] == 600


def _shared_data_sample(folder: Path) -> Path:
    """The real-data folder the targeting section reads, cut down to the test samples."""
    samples = REPOSITORY / "tests" / "targeting" / "data"
    (folder / "postcodes").mkdir(parents=True)
    (folder / "deprivation").mkdir()
    directory = pl.read_csv(
        samples / "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_sample.csv.gz", infer_schema=False
    )
    directory.write_parquet(
        folder / "postcodes" / "ons_pcd_oa11_lsoa11_msoa11_lad22_may2022_uk.parquet"
    )
    shutil.copyfile(
        samples / "iod2019_file3_sample.csv.gz",
        folder / "deprivation" / "iod2019_file3_idaci_idaopi_lsoa11.csv.gz",
    )
    return folder


def test_a_tiny_targeting_benchmark_classifies_every_learner_as_the_raw_join_does(
    tmp_path: Path,
) -> None:
    """The targeting section on the test samples of the real files, 1,500 learners."""
    shared = _shared_data_sample(tmp_path / "shared")
    _, document = tiny_run(
        "targeting",
        tmp_path / "results",
        "--targeting-learners",
        "1500",
        "--shared-data",
        str(shared),
        "--repeats",
        "1",
        "--warmup",
        "0",
    )
    (run,) = document["runs"]
    cases = {case["case"]: case for case in run["cases"]}
    assert set(cases) == {
        "classify (join)",
        "end to end (profiles)",
        "end to end (profiles + rule set flags)",
        "rule set flags again (nothing changed)",
        "rule set flags after a rule change",
        "per-row ORM loop (1,500 slice)",
        "Django __in look-ups (1,500 slice)",
    }
    for case in cases.values():
        assert case["baseline"]["median_ms"] > 0
    assert cases["per-row ORM loop (1,500 slice)"]["queries"] >= 1500
    assert run["facts"]["statuses"] == "found 1,470, not_found 30"
    assert run["facts"]["row_counts"]["learner_area_profiles"] == 1500
    # Two rule sets' results: the one made for the timed run, and the one worked out again.
    assert run["facts"]["row_counts"]["learner_eligibility"] == 3000
    assert cases["rule set flags again (nothing changed)"]["details"]["results_written"] == [0]
    assert cases["rule set flags after a rule change"]["details"]["results_written"] == [1500]


def test_the_targeting_benchmark_says_why_it_measures_nothing_without_the_real_files(
    tmp_path: Path,
) -> None:
    completed = _bench(
        "--only",
        "targeting",
        "--quick",
        "--shared-data",
        str(tmp_path / "absent"),
        "--databases",
        "sqlite",
        "--results-dir",
        str(tmp_path),
    )
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-3000:]
    assert "skipped: the real open data is not there" in completed.stdout
    assert "--shared-data" in completed.stdout


def test_the_load_benchmark_measures_both_servers_on_every_page(tmp_path: Path) -> None:
    printed, document = tiny_run("load", tmp_path, "--learners", "60", "--quick")
    assert "requests/s" in printed
    (run,) = document["runs"]
    cases = {case["case"]: case for case in run["cases"]}
    processes = run["facts"]["processes"]
    for page in ("learner list page", "learner API list", "dashboard", "public event page"):
        single, several = cases[f"{page}: one process"], cases[f"{page}: {processes} processes"]
        assert single["repeats"] > 0
        assert several["repeats"] > 0
        assert several["baseline"]["median_ms"] == single["median_ms"]
        assert several["details"]["requests_per_second"] > 0
    assert "95th percentile under 150 ms" in run["facts"]["aim"]


def test_a_quick_support_benchmark_finds_whom_the_bare_query_finds_and_pays_the_enrolled(
    tmp_path: Path,
) -> None:
    """The support section with --quick: 5,000 students at each of two universities of different
    intakes, five schemes; 2,000 awards on an instalment day."""
    printed, document = tiny_run("support", tmp_path, "--quick")
    (run,) = document["runs"]
    cases = {case["case"]: case for case in run["cases"]}
    mixes = ("mostly first in family, low incomes", "mostly neither, much undeclared")
    eligible = []
    for mix in mixes:
        first, again = (
            cases[f"5 schemes worked out: {mix}"],
            cases[f"again, nothing changed: {mix}"],
        )
        assert first["baseline"]["median_ms"] > 0
        assert first["details"]["written"] == 5 * 5000
        assert again["details"]["written"] == 0
        eligible.append(first["details"]["eligible"])
        assert all(0 < count < 5000 for count in first["details"]["eligible"].values())
    # The two intakes are not alike: each scheme finds a different number at each.
    assert all(eligible[0][name] != eligible[1][name] for name in eligible[0])
    paid = cases["instalment run: 2,000 awards on their day"]["details"]
    assert paid["due"] + paid["held"] == 2000
    assert paid["due"] > paid["held"] > 0
    # The run tells nobody itself: it queues one job, which tells each student held once.
    assert paid["notice_statements"] == 1
    told = cases[f"its queued jobs: telling the {paid['held']:,} students held"]["details"]
    assert (told["jobs"], told["told"]) == (1, paid["held"])
    again = cases["instalment run again: 2,000 awards, none new"]["details"]
    assert (again["due"], again["held"], again["released"]) == (0, 0, 0)
    assert run["facts"]["row_counts"]["eligibility"] == 2 * 5 * 5000
    assert "instalment run: 2,000 awards" in printed


def test_a_quick_mentoring_benchmark_proves_its_optimum_and_is_never_beaten(
    tmp_path: Path,
) -> None:
    """The mentoring section with --quick: 1,000 mentees and 400 mentors in two populations,
    matched to the dense flow's optimum and proven; mentor-match on a small cohort never matches
    more mentees, or the same with a higher score."""
    printed, document = tiny_run("mentoring", tmp_path, "--quick")
    (run,) = document["runs"]
    cases = {case["case"]: case for case in run["cases"]}
    for population in ("spread", "concentrated"):
        ours = cases[f"match_cohort, {population}"]["details"]
        assert ours["proven_optimal"] is True
        assert (ours["matched"], ours["total_score"]) == (
            ours["dense_matched"],
            ours["dense_total_score"],
        )
        assert 0 < ours["matched"] <= 1000
        assert ours["candidate_pairs"] < ours["dense_pairs"]
        theirs = cases[f"mentor-match (munkres), {population}"]["details"]
        assert (theirs["matched"], theirs["total_score"]) <= (
            theirs["match_cohort_matched"],
            theirs["match_cohort_total_score"],
        )
    assert "beside mentor-match" in printed
