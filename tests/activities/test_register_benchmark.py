"""`make bench` measures register import: a tiny run of the registers section on SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_benchmarks import _bench

pytestmark = pytest.mark.own_sqlite


def test_a_tiny_register_benchmark_previews_commits_and_re_imports_without_change(
    tmp_path: Path,
) -> None:
    completed = _bench(
        "--only",
        "registers",
        "--learners",
        "2500",
        "--repeats",
        "1",
        "--warmup",
        "0",
        "--databases",
        "sqlite",
        "--results-dir",
        str(tmp_path),
    )
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-3000:]
    assert "## registers: sqlite" in completed.stdout
    (results,) = tmp_path.glob("*-registers.json")
    (run,) = json.loads(results.read_text())["runs"]
    assert run["failures"] == []
    cases = {case["case"]: case for case in run["cases"]}
    for size in ("300", "2,000"):
        for by in ("UPN", "name and date of birth"):
            preview = cases[f"preview: {size} rows by {by}"]
            assert preview["details"]["learners_found"] + preview["details"][
                "rows_with_problems"
            ] == int(size.replace(",", ""))
            assert preview["baseline"]["median_ms"] > 0
        commit = cases[f"commit: {size} rows by UPN, added and marked"]
        assert commit["median_ms"] > 0
        assert commit["queries"] > 0
    assert run["facts"]["row_counts"]["learners"] == 2500
