"""`make bench BENCH_ARGS="--only dedup"` keeps working: a tiny run compares both finders."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.dedup import CHANGES, MIXES, score, synthetic_population
from tests.test_benchmarks import _bench


def test_the_synthetic_population_plants_duplicates_and_twins() -> None:
    population = synthetic_population(500, mix=replace(MIXES[0], seed=3))

    assert population.frame.height == 500 + len(population.duplicates) + len(population.twins)
    assert population.duplicates
    assert population.twins
    assert not population.duplicates & population.twins
    perfect = score(population.duplicates, population)
    assert (perfect.precision, perfect.recall, perfect.twins_paired) == (1.0, 1.0, 0)
    everything_twice = score(population.duplicates | population.twins, population)
    assert everything_twice.twins_paired == len(population.twins)
    assert everything_twice.precision < 1


@pytest.mark.own_sqlite
def test_a_tiny_dedup_benchmark_compares_widen_with_heat_helper(tmp_path: Path) -> None:
    completed = _bench(
        "--only",
        "dedup",
        "--dedup-learners",
        "400",
        "--databases",
        "sqlite",
        "--results-dir",
        str(tmp_path),
    )

    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-3000:]
    assert "## dedup: sqlite" in completed.stdout
    for mix in MIXES:
        assert f"heat-helper (find duplicates), {mix.name} mix: precision" in completed.stdout
        assert f"Widen (Splink on DuckDB), {mix.name} mix: precision" in completed.stdout
        assert f"Side by side, {mix.name} mix: Widen" in completed.stdout
    (written,) = tmp_path.glob("*-dedup.json")
    (run,) = json.loads(written.read_text())["runs"]
    assert run["failures"] == []
    cases = {case["case"]: case for case in run["cases"]}
    assert set(cases) == {
        *(f"widen: probable_duplicates (Splink), {mix.name} mix" for mix in MIXES),
        *(f"heat-helper: find_duplicates, {mix.name} mix" for mix in MIXES),
        "widen: find and store (database)",
    }
    for case in cases.values():
        assert case["median_ms"] > 0
        assert 0 <= case["details"]["recall"] <= 1
        assert 0 <= case["details"]["precision"] <= 1
    for mix in MIXES:
        widen = cases[f"widen: probable_duplicates (Splink), {mix.name} mix"]["details"]
        assert widen["twins_wrongly_paired"] == 0
        assert set(widen["recall_by_change"]) <= set(CHANGES)
    stored = cases["widen: find and store (database)"]["details"]
    assert stored["learners_compared"] == run["facts"]["row_counts"]["learner_records"]
