"""The Office for Students' standards of evidence, applied to one evaluation result.

- Type 1, narrative: a theory of change explains why the activity should work.
- Type 2, empirical: the same learners answered before and after (or participants were compared
  with others), showing a change, but not that the activity caused it.
- Type 3, causal: a comparison group of similar learners who did not take part, surveyed before
  and after too, so that the change among participants can be set against theirs
  (difference-in-differences).

`standard_of_evidence` says which type a result meets and why, in words a report can print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from widen.core.small_numbers import SMALL_COUNT, count_text
from widen.evaluation.analysis import (
    BALANCED_SMD,
    DifferenceInDifferences,
    GroupDifference,
    Matching,
    PairedChange,
)

TYPE_NAMES = {
    0: "No standard of evidence yet",
    1: "Type 1: narrative",
    2: "Type 2: empirical enquiry",
    3: "Type 3: causality",
}


@dataclass(frozen=True)
class StandardOfEvidence:
    type: int  # 0 when no standard is met yet
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return TYPE_NAMES[self.type]

    @property
    def summary(self) -> str:
        text = "; ".join(self.reasons)
        return f"{self.label}. {text[:1].upper()}{text[1:]}."


def _number(value: float) -> str:
    return f"{value:+.2f}"


# How the characteristics matched on read in a sentence.
CHARACTERISTIC_LABELS = {
    "school": "school",
    "year_group": "year group",
    "free_school_meals": "free school meals",
    "ever_6_free_school_meals": "ever-6 free school meals",
}


def characteristic_label(name: str) -> str:
    return CHARACTERISTIC_LABELS.get(name, name.replace("_", " "))


def _characteristics(names: Sequence[str]) -> str:
    words = [characteristic_label(name) for name in names]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def standard_of_evidence(
    *,
    theory_of_change: bool,
    paired: PairedChange | None = None,
    matching: Matching | None = None,
    did: DifferenceInDifferences | None = None,
    after_only: GroupDifference | None = None,
) -> StandardOfEvidence:
    """The highest OfS type the result meets, and the reasons for it (and for not meeting the
    next one). Fewer than `SMALL_COUNT` learners on either side is too few to count."""
    reasons: list[str] = []
    level = 0
    if theory_of_change:
        level = 1
        reasons.append("a theory of change sets out why the activity should lead to its outcomes")

    n_paired = paired.n_paired if paired is not None else 0
    if n_paired >= SMALL_COUNT:
        level = 2
        reasons.append(f"{n_paired:,} learners answered before and after")
    elif paired is not None and n_paired > 0:
        reasons.append(
            f"{count_text(n_paired)} learners answered before and after: too few to report a change"
        )
    else:
        reasons.append("no learners have answered both before and after yet")

    if matching is not None and matching.matched < SMALL_COUNT:
        matched = "no" if matching.matched == 0 else f"fewer than {SMALL_COUNT}"
        reasons.append(
            f"learners who did not take part answered too, but {matched} participants could be "
            f"matched with them on {_characteristics(matching.characteristics)}"
        )
    elif did is not None and matching is not None:
        unbalanced = [row for row in matching.balance if not row.balanced]
        too_few = min(did.participants, did.others) < SMALL_COUNT
        if too_few:
            reasons.append(
                "a comparison group was surveyed before and after, but with fewer than "
                f"{SMALL_COUNT} learners in a group it cannot show what caused the change"
            )
        elif unbalanced:
            worst = max(unbalanced, key=lambda row: abs(row.smd_after or float("inf")))
            reasons.append(
                f"a comparison group was surveyed before and after, but it still differs from "
                f"the participants on {characteristic_label(worst.characteristic.split(': ')[0])} "
                "(standardised difference "
                f"{'not defined' if worst.smd_after is None else f'{worst.smd_after:.2f}'}, "
                f"above {BALANCED_SMD}), so it does not yet show what caused the change"
            )
        else:
            level = 3
            reasons.append(
                f"{did.others:,} learners who did not take part, matched on "
                f"{_characteristics(matching.characteristics)}, were surveyed before and after; "
                f"the difference-in-differences is {_number(did.estimate)} "
                f"(95% confidence interval {_number(did.ci_low)} to {_number(did.ci_high)})"
            )
    elif (
        matching is not None
        and after_only is not None
        and min(after_only.participants, after_only.others) >= SMALL_COUNT
    ):
        level = max(level, 2)
        interval = (
            ""
            if after_only.ci_low is None or after_only.ci_high is None
            else f" (95% confidence interval {_number(after_only.ci_low)} to "
            f"{_number(after_only.ci_high)})"
        )
        reasons.append(
            f"{after_only.others:,} matched learners who did not take part answered after only: "
            f"participants' mean score was {_number(after_only.difference)} against theirs"
            f"{interval}, which does not show what caused the difference because they were not "
            "surveyed before"
        )
    elif matching is not None:
        reasons.append(
            "a comparison group was matched but not surveyed before and after, so there is no "
            "difference-in-differences"
        )
    elif level >= 2:  # noqa: PLR2004 - Type 2
        reasons.append("no comparison group surveyed")

    if not theory_of_change and level >= 2:  # noqa: PLR2004
        reasons.append("no theory of change recorded: the OfS expects one behind every result")
    if level == 0:
        reasons.insert(0, "no theory of change recorded")
    return StandardOfEvidence(type=level, reasons=tuple(reasons))
