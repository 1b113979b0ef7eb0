"""`make bench` measures register import: a tiny run of the registers section on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_benchmarks import tiny_run

pytestmark = pytest.mark.own_sqlite


def test_a_tiny_register_benchmark_previews_commits_and_re_imports_without_change(
    tmp_path: Path,
) -> None:
    _, document = tiny_run(
        "registers", tmp_path, "--learners", "2500", "--repeats", "1", "--warmup", "0"
    )
    (run,) = document["runs"]
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
