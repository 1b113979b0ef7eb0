"""`make bench` measures the dashboard: a tiny run of the reporting section on SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_benchmarks import _bench

pytestmark = pytest.mark.own_sqlite


def test_a_tiny_reporting_benchmark_times_every_page_beside_its_group_by_baseline(
    tmp_path: Path,
) -> None:
    completed = _bench(
        "--only",
        "reporting",
        "--learners",
        "600",
        "--repeats",
        "2",
        "--warmup",
        "0",
        "--databases",
        "sqlite",
        "--results-dir",
        str(tmp_path),
    )
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-3000:]
    assert "## reporting: sqlite" in completed.stdout
    assert "widen reporting rebuild" in completed.stdout
    (results,) = tmp_path.glob("*-reporting.json")
    (run,) = json.loads(results.read_text())["runs"]
    assert run["failures"] == []
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
