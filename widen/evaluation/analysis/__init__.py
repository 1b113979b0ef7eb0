"""The statistics behind an evaluation: paired change before and after an activity, a matched
comparison group of learners who did not take part, and difference-in-differences.

Pure functions over Polars frames (no database): the report builds the frames from the survey
responses it may read, and the tests feed small samples whose answers they work out themselves.
The statistics come from SciPy and statsmodels, not from formulas written here.

Frames:

- answers (paired change): one row per answer to a scale: ``learner_id``, ``phase``
  (``"pre"`` or ``"post"``), ``score`` (the scale score, null when the scale was not completed)
  and optionally ``answered_at`` (to choose among repeated answers and keep answers after
  only when given after the answer before) and ``activity_id`` (an answer after pairs only
  with an answer before the same activity).
- learners (matching): one row per learner: ``learner_id``, ``treated`` (took part) and the
  characteristics to match on (e.g. ``school``, ``year_group``, ``free_school_meals``).
- scores (difference-in-differences): ``learner_id``, ``treated``, ``phase``, ``score``.

Paired change is in `paired`, the comparison group in `matching`, and difference-in-differences
and the after-only comparison in `groups`; every name is importable from here.
"""

from widen.evaluation.analysis.groups import (
    DifferenceInDifferences,
    GroupDifference,
    difference_in_differences,
    group_difference,
)
from widen.evaluation.analysis.matching import (
    BalanceRow,
    Matching,
    match_exact,
    match_propensity,
    propensity_scores,
)
from widen.evaluation.analysis.paired import (
    BALANCED_SMD,
    CALIPER_SD,
    CONFIDENCE,
    DROPPED_INCOMPLETE,
    DROPPED_OTHER_ACTIVITY,
    DROPPED_OUT_OF_ORDER,
    DROPPED_POST_ONLY,
    DROPPED_PRE_ONLY,
    EFFECT_SIZE_EXPLAINED,
    EFFECT_SIZE_NAME,
    POST,
    PRE,
    SAME_CHANGE,
    AnalysisError,
    Dropped,
    PairedChange,
    first_before_last_after,
    paired_change,
)

__all__ = [
    "AnalysisError",
    "BALANCED_SMD",
    "BalanceRow",
    "CALIPER_SD",
    "CONFIDENCE",
    "DROPPED_INCOMPLETE",
    "DROPPED_OTHER_ACTIVITY",
    "DROPPED_OUT_OF_ORDER",
    "DROPPED_POST_ONLY",
    "DROPPED_PRE_ONLY",
    "DifferenceInDifferences",
    "Dropped",
    "EFFECT_SIZE_EXPLAINED",
    "EFFECT_SIZE_NAME",
    "GroupDifference",
    "Matching",
    "POST",
    "PRE",
    "PairedChange",
    "SAME_CHANGE",
    "difference_in_differences",
    "first_before_last_after",
    "group_difference",
    "match_exact",
    "match_propensity",
    "paired_change",
    "propensity_scores",
]
