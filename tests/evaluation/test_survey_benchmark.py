"""The surveys benchmark keeps working: a tiny run measures its three cases and their baselines,
and sending a register's links stays a handful of statements, not several per learner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_a_tiny_surveys_benchmark_measures_each_case(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    completed = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--only",
            "surveys",
            "--learners",
            "1200",
            "--repeats",
            "1",
            "--warmup",
            "0",
            "--databases",
            "sqlite",
            "--results-dir",
            str(tmp_path),
        ],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    (results,) = tmp_path.glob("*-surveys.json")
    (run,) = json.loads(results.read_text())["runs"]
    cases = {case["case"].split(":")[0]: case for case in run["cases"] if case["scale"] == 1200}
    assert set(cases) == {"send links", "survey page", "answer by link"}
    for case in cases.values():
        assert case["median_ms"] > 0
        assert case["baseline"]["median_ms"] > 0
    # The survey and its 14 questions are made in each run; the links are one insert (and one
    # for their audit events), not a statement or more for each learner.
    assert cases["send links"]["queries"] < 300  # noqa: PLR2004
