"""Every upload parser under generated bad input (SECURITY 15, "bad inputs tried").

Fixed-length atheris runs (scripts/fuzz_import.py, in a process of their own as atheris needs)
over the pupil-list reader and validator, each upload's file reader (pupil list, register, file of
scale items; CSV and XLSX) and their cell and heading parsers. Zero crashes: a parser refuses bad
input only with the project's own errors. Run once per CI run, in the SQLite pass.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import FIXED_INPUTS, scaled
from tests.fuzz.hostile import TEXT
from widen.core.tabular import Table
from widen.evaluation.imports import scale_table_check
from widen.testing.world import World

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fuzz_import.py"
# target: (runs, longest input). Cells are cheap (one value each); whole files cost more.
RUNS = {
    "cells": (50_000, 256),
    "tables": (4_000, 4096),
    "pupil_lists": (2_000, 4096),
}

pytestmark = pytest.mark.fuzz


@pytest.mark.parametrize("target", RUNS)
def test_a_fixed_length_fuzz_run_finds_no_crash(
    tmp_path: Path, record_property: Any, target: str
) -> None:
    runs, longest = RUNS[target]
    runs = scaled(runs)
    result = subprocess.run(  # noqa: S603 - our own script
        [
            sys.executable,
            str(SCRIPT),
            f"--target={target}",
            f"-runs={runs}",
            *(["-seed=20261122"] if FIXED_INPUTS else []),
            f"-max_len={longest}",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    crashes = list(tmp_path.glob("crash-*"))
    record_property("server_errors", len(crashes) or int(result.returncode != 0))
    assert result.returncode == 0, result.stderr[-3000:]
    assert not crashes
    done = re.search(r"Done (\d+) runs", result.stderr)
    assert done, result.stderr[-3000:]
    assert int(done.group(1)) == runs
    record_property("bad_inputs_tried", runs)


def test_an_unknown_target_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), "--target=spreadsheets", "-runs=1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode != 0
    assert "Unknown target 'spreadsheets'" in result.stderr


SCALE_HEADINGS = ["scale", "position", "text", "code", "reverse_scored", "scoring", "options"]
CELL = st.one_of(
    TEXT,
    st.sampled_from(["1", "2", "12", "0", "-1", "²", "١", "1.0", "yes", "no", "mean", "sum"]),
    st.sampled_from(["1=Strongly disagree|2=Agree", "1=a|1=b", "x=y", "|||", "1="]),
)


@pytest.mark.django_db
def test_a_file_of_scale_items_is_refused_only_row_by_row(
    world: World, record_property: Any
) -> None:
    """A file of scale items, once read, is checked row by row: whatever its cells hold, the
    check answers with problems by row and column (it needs the partnership's bank, so it runs
    here rather than under atheris)."""

    @settings(
        max_examples=scaled(300),
        deadline=None,
        derandomize=FIXED_INPUTS,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        headers=st.one_of(
            st.just(SCALE_HEADINGS),
            st.lists(st.one_of(st.sampled_from(SCALE_HEADINGS), TEXT), max_size=8),
        ),
        data=st.data(),
    )
    def checked(headers: list[str], data: st.DataObject) -> None:
        rows = data.draw(st.lists(st.lists(CELL, min_size=len(headers), max_size=len(headers))))
        record_property("bad_inputs_tried", 1)
        table = Table(
            headers=headers,
            rows=rows,
            row_numbers=list(range(2, len(rows) + 2)),
            file_format="csv",
        )
        result = scale_table_check(table, world.north)
        assert all(problem["message"] for problem in result.problems)
        assert result.rows_total == len(rows)

    checked()
