"""SECURITY 15: a fixed-length atheris run on the pupil-list reader and validator finds no crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fuzz_import.py"


def test_a_fixed_length_fuzz_run_finds_no_crash(tmp_path: Path, record_property: object) -> None:
    result = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), "-runs=10000", "-seed=20261122", "-max_len=4096"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done 10000 runs" in result.stderr
    assert not list(tmp_path.glob("crash-*"))
