"""Keeping the attendance summaries (`widen.reporting.models`) up to date.

`summaries_refresh(learner_ids)` runs inside the transaction that changed those learners'
attendance (activities' `attendance_changed` hook): it locks the learners, replaces their summary
rows with rows the database adds up from their attendance (one INSERT … SELECT … GROUP BY per
table, never a loop per attendance row), and moves the partnership counts by the difference
between their old and new rows. `summaries_rebuild()` makes every table again from all
attendance with the same statements and the counts with a few GROUP BYs; both give the same rows.
"""

from widen.reporting.summaries.counts import counts_tally
from widen.reporting.summaries.programmes import programme_counts_current, programme_counts_forget
from widen.reporting.summaries.refresh import (
    Rebuilt,
    summaries_after_merge,
    summaries_merged_with_activities,
    summaries_rebuild,
    summaries_refresh,
)
from widen.reporting.summaries.rows import academic_year_expression
from widen.reporting.summaries.targets import target_counts_current, target_counts_forget

__all__ = [
    "Rebuilt",
    "academic_year_expression",
    "counts_tally",
    "programme_counts_current",
    "programme_counts_forget",
    "summaries_after_merge",
    "summaries_merged_with_activities",
    "summaries_rebuild",
    "summaries_refresh",
    "target_counts_current",
    "target_counts_forget",
]
