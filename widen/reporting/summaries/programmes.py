"""Sustained engagement on programmes: per programme and school, learners enrolled now and how
many of them meet the programme's measure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q

from widen.programmes.models import Enrolment, Programme
from widen.reporting.models import LearnerEngagement, ProgrammeCount
from widen.reporting.summaries.counts import KeptCounts, Snapshot, key_text


def _sustained(programme: Any, row: tuple[Any, ...] | None) -> bool:
    if row is None:
        return False
    *_, hours, _, activities, academic_years = row
    return bool(
        hours >= programme.sustained_hours
        and activities >= programme.sustained_activities
        and academic_years >= programme.sustained_years
    )


def programme_counts_apply(learner_ids: Sequence[Any], before: Snapshot, after: Snapshot) -> None:
    """Move the sustained counts of the current programmes these learners are enrolled on."""
    partnerships = {row[0] for row in (*before.learners, *after.learners)}
    if not partnerships:
        return
    enrolled = list(
        Enrolment.objects.filter(
            learner_id__in=learner_ids,
            left_on=None,
            programme__partnership_id__in=partnerships,
        ).values_list("programme_id", "learner_id", "learner__school_id")
    )
    if not enrolled:
        return
    # Locked: the programme's counts being worked out again wait for this change, and this for
    # them.
    programmes = {
        programme.pk: programme
        for programme in Programme.objects.select_for_update()
        .filter(pk__in={programme for programme, _, _ in enrolled})
        .order_by("pk")
    }
    current = set(
        ProgrammeCount.objects.filter(
            programme_id__in=list(programmes), key=ProgrammeCount.CURRENT
        ).values_list("programme_id", flat=True)
    )
    old = {(row[0], row[1]): row for row in before.learners}
    new = {(row[0], row[1]): row for row in after.learners}
    changes: Counter[tuple[Any, str]] = Counter()
    for programme_id, learner, school in enrolled:
        if programme_id not in current:
            continue
        programme = programmes[programme_id]
        key = (programme.partnership_id, learner)
        change = int(_sustained(programme, new.get(key))) - int(_sustained(programme, old.get(key)))
        if change:
            changes[(programme_id, key_text(school))] += change
    for (programme_id, school), change in sorted(changes.items(), key=lambda item: str(item[0])):
        ProgrammeCount.objects.filter(programme_id=programme_id, key=school).update(
            sustained=F("sustained") + change
        )


PROGRAMME_COUNTS = KeptCounts(ProgrammeCount, "programme", {"key": ProgrammeCount.CURRENT})


def programme_counts_forget(programme_id: Any) -> None:
    """Who is enrolled changed (programmes' hook): the counts are worked out again when next
    shown."""
    PROGRAMME_COUNTS.forget(programme_id)


def programme_counts_current(programme: Programme) -> None:
    """Make sure the programme's counts match its enrolments and the summaries: if they were
    forgotten, work them out again (one GROUP BY over its enrolments)."""
    PROGRAMME_COUNTS.make_current(programme, lambda: _programme_counts(programme))


def _programme_counts(programme: Programme) -> list[ProgrammeCount]:
    meets = Exists(
        LearnerEngagement.objects.filter(
            learner_id=OuterRef("learner_id"),
            partnership_id=programme.partnership_id,
            hours__gte=programme.sustained_hours,
            activities__gte=programme.sustained_activities,
            academic_years__gte=programme.sustained_years,
        )
    )
    rows = (
        Enrolment.objects.filter(programme=programme, left_on=None)
        .order_by()
        .values_list("learner__school_id")
        .annotate(
            enrolled_count=Count("learner_id", distinct=True),
            sustained_count=Count("learner_id", distinct=True, filter=Q(meets)),
        )
    )
    return [
        ProgrammeCount(programme=programme, key=ProgrammeCount.CURRENT),
        *(
            ProgrammeCount(
                programme=programme, key=key_text(school), enrolled=enrolled, sustained=sustained
            )
            for school, enrolled, sustained in rows
        ),
    ]
