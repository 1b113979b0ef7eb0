"""Sizes of the bad-input runs: the CI run's by default; `make fuzz` multiplies them
(WIDEN_FUZZ_SCALE) for a longer campaign."""

from __future__ import annotations

import os


def scaled(size: int) -> int:
    """`size` times WIDEN_FUZZ_SCALE (1 unless set: the size every CI run tries)."""
    return size * max(1, int(os.environ.get("WIDEN_FUZZ_SCALE", "1")))
