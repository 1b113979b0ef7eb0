"""The surveys benchmark keeps working: a tiny run measures its three cases and their baselines,
and sending a register's links stays a handful of statements, not several per learner."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_benchmarks import tiny_run


@pytest.mark.own_sqlite
def test_a_tiny_surveys_benchmark_measures_each_case(tmp_path: Path) -> None:
    _, document = tiny_run(
        "surveys", tmp_path, "--learners", "1200", "--repeats", "1", "--warmup", "0"
    )
    (run,) = document["runs"]
    cases = {case["case"].split(":")[0]: case for case in run["cases"] if case["scale"] == 1200}
    assert set(cases) == {"send links", "survey page", "answer by link"}
    for case in cases.values():
        assert case["median_ms"] > 0
        assert case["baseline"]["median_ms"] > 0
    # The survey and its 14 questions are made in each run; the links are one insert (and one
    # for their audit events), not a statement or more for each learner.
    assert cases["send links"]["queries"] < 300  # noqa: PLR2004
