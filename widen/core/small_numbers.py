"""Small numbers are not shown: a count of fewer than `SMALL_COUNT` learners (other than none)
reads "fewer than 5", and the figures worked out from it are not shown either, so that no one
can pick out a few learners. The dashboard and the evaluation report both follow this rule."""

from __future__ import annotations

from collections.abc import Sequence

SMALL_COUNT = 5
SUPPRESSED = f"fewer than {SMALL_COUNT}"


def suppressed(count: int) -> bool:
    return 0 < count < SMALL_COUNT


def count_text(count: int) -> str:
    return SUPPRESSED if suppressed(count) else f"{count:,}"


def complementary_suppression(counts: Sequence[int]) -> tuple[set[int], bool]:
    """Which further rows of a table to withhold, so the small ones cannot be worked out.

    A table whose rows add up to a total that is shown gives away the hidden rows' sum by
    subtraction. Following the ONS and HESA practice of secondary (complementary) suppression,
    when any row is "fewer than 5", the next smallest rows are withheld too, until the hidden
    rows' sum pins down none of them: at least one withheld row (of 5 or more) and a sum of at
    least k + 5w + 1 for k small rows and w withheld ones, so every hidden row could hold at least
    two values. Shown with the withheld rows after the others in name order, their sizes give
    nothing away.

    Returns the indices of `counts` to withhold (besides the small ones), and whether that
    protects the table; when it cannot (every row hidden and still too few), the total must not
    be shown either.
    """
    small = [index for index, count in enumerate(counts) if suppressed(count)]
    if not small:
        return set(), True
    candidates = sorted(
        (count, index) for index, count in enumerate(counts) if count >= SMALL_COUNT
    )
    withheld: set[int] = set()
    hidden_sum = sum(counts[index] for index in small)

    def protected() -> bool:
        return bool(withheld) and hidden_sum >= len(small) + SMALL_COUNT * len(withheld) + 1

    for count, index in candidates:
        if protected():
            break
        withheld.add(index)
        hidden_sum += count
    return withheld, protected()
