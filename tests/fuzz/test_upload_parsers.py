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

from tests.fuzz.conftest import FIXED_INPUTS, scaled

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
