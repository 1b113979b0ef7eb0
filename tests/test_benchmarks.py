"""`make bench` keeps working: a tiny run prints its table and writes comparable figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


def test_a_tiny_benchmark_run_measures_every_case_against_its_baselines(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    completed = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--only",
            "learners",
            "--learners",
            "1500",
            "--repeats",
            "2",
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
    assert "## learners: sqlite" in completed.stdout
    assert "page: list" in completed.stdout
    (results,) = tmp_path.glob("*-learners.json")
    document = json.loads(results.read_text())
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
