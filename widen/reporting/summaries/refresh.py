"""Working the summaries out again: for some learners as their attendance changes, for everyone
(`widen reporting rebuild`), and for the two learners a merge of duplicates joins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from widen.learners.models import Learner
from widen.programmes.models import Enrolment
from widen.reporting.models import (
    ProgrammeCount,
    ReachCount,
    TargetCount,
)
from widen.reporting.summaries.counts import counts_apply, counts_from_tables, snapshot_read
from widen.reporting.summaries.programmes import programme_counts_apply, programme_counts_forget
from widen.reporting.summaries.rows import chunks, summary_rows_replace
from widen.reporting.summaries.targets import target_counts_apply


def summaries_refresh(learner_ids: Iterable[Any]) -> None:
    """Work these learners' summaries out again from their attendance, and move the counts."""
    keys = sorted({str(key) for key in learner_ids})
    if not keys:
        return
    with transaction.atomic():
        for chunk in chunks(keys):
            # One refresh of a learner at a time: two registers marked at once would otherwise
            # both replace the same rows. Locked in key order, so two refreshes cannot deadlock.
            list(
                Learner.objects.select_for_update()
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            before = snapshot_read(chunk)
            summary_rows_replace(chunk)
            after = snapshot_read(chunk)
            counts_apply(ReachCount, "partnership", before.counts(), after.counts())
            target_counts_apply(chunk, before, after)
            programme_counts_apply(chunk, before, after)


@dataclass(frozen=True)
class Rebuilt:
    learner_activities: int
    learners: int
    counts: int


def summaries_rebuild() -> Rebuilt:
    """Make every summary again from all attendance (`widen reporting rebuild`)."""
    with transaction.atomic():
        ReachCount.objects.all().delete()
        TargetCount.objects.all().delete()  # worked out again when next shown
        ProgrammeCount.objects.all().delete()  # likewise
        activities, learners = summary_rows_replace()
        counts = ReachCount.objects.bulk_create(counts_from_tables(), batch_size=1000)
    return Rebuilt(learner_activities=activities, learners=learners, counts=len(counts))


def summaries_after_merge(model: Any, field_name: str, kept: Any, removed: Any) -> int:
    """The learner merge's rule for the summaries (registered in `ReportingConfig.ready`).

    It runs after the merge has moved the removed learner's attendance onto the kept learner
    (activities' relation comes before reporting's) and before the removed learner is deleted:
    both learners' summaries are worked out again, so the removed learner's rows go and the
    partnership counts lose them, and the kept learner's rows hold the moved attendance."""
    summaries_refresh([kept.pk, removed.pk])
    # The merge has moved the removed learner's enrolments too: who is enrolled has changed.
    for programme in set(
        Enrolment.objects.filter(learner_id=kept.pk).values_list("programme_id", flat=True)
    ):
        programme_counts_forget(programme)
    return 0


def summaries_merged_with_activities(model: Any, field_name: str, kept: Any, removed: Any) -> int:
    """Nothing to do: `summaries_after_merge` works both summary tables out again."""
    return 0
