"""`make bench` measures the dashboard: a tiny run of the reporting section on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_benchmarks import tiny_run

pytestmark = pytest.mark.own_sqlite


def test_a_tiny_reporting_benchmark_times_every_page_beside_its_group_by_baseline(
    tmp_path: Path,
) -> None:
    printed, document = tiny_run(
        "reporting", tmp_path, "--learners", "600", "--repeats", "2", "--warmup", "0"
    )
    assert "widen reporting rebuild" in printed
    (run,) = document["runs"]
    cases = {case["case"]: case for case in run["cases"]}
    pages = {name for name in cases if name.startswith("page: ")}
    assert pages == {
        "page: reach and coverage",
        "page: target learners (rule set)",
        "page: sustained engagement (programme)",
    }
    for name in pages:
        assert cases[name]["baseline"]["median_ms"] > 0
        assert cases[name]["ratio_to_baseline"] > 0
        assert cases[name]["queries"] > 0
    assert cases["write: mark a 30-learner register"]["median_ms"] > 0
    counts = run["facts"]["row_counts"]
    assert counts["learners"] == 600
    assert counts["attendance"] == 6000
    assert counts["learner_engagement"] > 0
    assert run["facts"]["seconds"]["widen reporting rebuild"] >= 0
