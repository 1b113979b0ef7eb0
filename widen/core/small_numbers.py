"""Small numbers are not shown: a count of fewer than `SMALL_COUNT` learners (other than none)
reads "fewer than 5", and the figures worked out from it are not shown either, so that no one
can pick out a few learners. The dashboard and the evaluation report both follow this rule."""

from __future__ import annotations

SMALL_COUNT = 5
SUPPRESSED = f"fewer than {SMALL_COUNT}"


def suppressed(count: int) -> bool:
    return 0 < count < SMALL_COUNT


def count_text(count: int) -> str:
    return SUPPRESSED if suppressed(count) else f"{count:,}"
