"""`make bench BENCH_ARGS="--only dedup"` keeps working: a tiny run compares both finders."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.dedup import CHANGES, MIXES, score, synthetic_population
from tests.test_benchmarks import tiny_run


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
    printed, document = tiny_run("dedup", tmp_path, "--dedup-learners", "400")
    for mix in MIXES:
        assert f"heat-helper (find duplicates), {mix.name} mix: precision" in printed
        assert f"Widen (Splink on DuckDB), {mix.name} mix: precision" in printed
        assert f"Side by side, {mix.name} mix: Widen" in printed
    (run,) = document["runs"]
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
