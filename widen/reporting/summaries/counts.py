"""The partnership counts (`ReachCount`): what the summary rows add to them, moving them by the
difference a refresh makes, and adding them all up again from the summary tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Model, Sum, Value

from widen.reporting.models import (
    Dimension,
    LearnerActivityEngagement,
    LearnerEngagement,
    ReachCount,
)


@dataclass
class Tally:
    learners: int = 0
    hours: Decimal = Decimal(0)
    sessions: int = 0

    def add(self, learners: int, hours: Decimal, sessions: int) -> None:
        self.learners += learners
        self.hours += hours
        self.sessions += sessions

    def __sub__(self, other: Tally) -> Tally:
        return Tally(
            self.learners - other.learners, self.hours - other.hours, self.sessions - other.sessions
        )

    def __bool__(self) -> bool:
        return bool(self.learners or self.hours or self.sessions)

    def fields(self) -> dict[str, Any]:
        """As the fields of a count row (`ReachCount`, `TargetCount`)."""
        return {"learners": self.learners, "hours": self.hours, "sessions": self.sessions}


CountKey = tuple[Any, str, str]  # (partnership id, dimension, key)


def key_text(value: Any) -> str:
    return "" if value is None else str(value)


def _contributions(
    learner_rows_: Iterable[tuple[Any, ...]], activity_rows: Iterable[tuple[Any, ...]]
) -> dict[CountKey, Tally]:
    """What these summary rows add to the partnership counts.

    `learner_rows_`: (partnership, school, cohort, hours, sessions); `activity_rows`:
    (partnership, learner, activity type, delivering partner, hours, sessions)."""
    tallies: dict[CountKey, Tally] = {}

    def tally(key: CountKey) -> Tally:
        return tallies.setdefault(key, Tally())

    for partnership, school, cohort, hours, sessions in learner_rows_:
        for dimension, key in (
            (Dimension.ALL, ""),
            (Dimension.SCHOOL, key_text(school)),
            (Dimension.YEAR, key_text(cohort)),
        ):
            tally((partnership, dimension, key)).add(1, hours, sessions)
    by_type: dict[tuple[Any, Any, Any], Tally] = {}
    by_partner: dict[tuple[Any, Any, Any], Tally] = {}
    for partnership, learner, activity_type, partner, hours, sessions in activity_rows:
        by_type.setdefault((partnership, learner, activity_type), Tally()).add(0, hours, sessions)
        by_partner.setdefault((partnership, learner, partner), Tally()).add(0, hours, sessions)
    for grouped, dimension in ((by_type, Dimension.TYPE), (by_partner, Dimension.PARTNER)):
        for (partnership, _, key), part in grouped.items():
            tally((partnership, dimension, key_text(key))).add(1, part.hours, part.sessions)
    return tallies


@dataclass(frozen=True)
class Snapshot:
    """These learners' summary rows at one moment (before or after a refresh)."""

    # partnership, learner, school, cohort, hours, sessions, activities, academic years
    learners: list[tuple[Any, ...]]
    activities: list[tuple[Any, ...]]  # partnership, learner, type, partner, hours, sessions

    def counts(self) -> dict[CountKey, Tally]:
        return _contributions(
            (
                (p, school, cohort, hours, sessions)
                for p, _, school, cohort, hours, sessions, *_ in self.learners
            ),
            self.activities,
        )


def snapshot_read(learner_ids: Sequence[Any]) -> Snapshot:
    def rows(model: Any, *columns: str) -> list[tuple[Any, ...]]:
        return list(
            model.objects.filter(learner_id__in=learner_ids).values_list(
                "partnership_id", "learner_id", *columns
            )
        )

    return Snapshot(
        learners=rows(
            LearnerEngagement,
            *("school_id", "birth_cohort", "hours", "sessions", "activities", "academic_years"),
        ),
        activities=rows(
            LearnerActivityEngagement, "activity_type_id", "delivered_by_id", "hours", "sessions"
        ),
    )


def _changes(
    before: dict[tuple[Any, str, str], Tally], after: dict[tuple[Any, str, str], Tally]
) -> dict[tuple[Any, str, str], Tally]:
    changes = {}
    for count_key in before.keys() | after.keys():
        change = after.get(count_key, Tally()) - before.get(count_key, Tally())
        if change:
            changes[count_key] = change
    return changes


def counts_apply(
    model: Any,
    owner: str,
    before: dict[tuple[Any, str, str], Tally],
    after: dict[tuple[Any, str, str], Tally],
) -> None:
    """Move the counts (`ReachCount` by partnership, `TargetCount` by rule set) by the
    difference: a row made for a new key, then one UPDATE … SET n = n + change per key, in key
    order (two transactions changing the same counts wait for each other, never deadlock)."""
    changes = _changes(before, after)
    if not changes:
        return
    model.objects.bulk_create(
        [
            model(**{f"{owner}_id": holder, "dimension": dimension, "key": key})
            for holder, dimension, key in changes
        ],
        ignore_conflicts=True,
    )
    for (holder, dimension, key), change in sorted(
        changes.items(), key=lambda item: (str(item[0][0]), item[0][1], item[0][2])
    ):
        model.objects.filter(**{f"{owner}_id": holder, "dimension": dimension, "key": key}).update(
            learners=F("learners") + change.learners,
            hours=F("hours") + change.hours,
            sessions=F("sessions") + change.sessions,
        )


def counts_from_tables() -> list[ReachCount]:
    """Every partnership count, added up by the database from the summary tables."""
    learners = LearnerEngagement.objects.order_by()
    activities = LearnerActivityEngagement.objects.order_by()
    by_learner = {"engaged": Count("pk")}
    by_activity = {"engaged": Count("learner_id", distinct=True)}
    groups = [
        (Dimension.ALL, learners.values_list("partnership_id", Value("")), by_learner),
        (Dimension.SCHOOL, learners.values_list("partnership_id", "school_id"), by_learner),
        (Dimension.YEAR, learners.values_list("partnership_id", "birth_cohort"), by_learner),
        (Dimension.TYPE, activities.values_list("partnership_id", "activity_type_id"), by_activity),
        (
            Dimension.PARTNER,
            activities.values_list("partnership_id", "delivered_by_id"),
            by_activity,
        ),
    ]
    return [
        ReachCount(
            partnership_id=partnership,
            dimension=dimension,
            key=key_text(key),
            **Tally(engaged, hours, sessions).fields(),
        )
        for dimension, rows, engaged_count in groups
        for partnership, key, engaged, hours, sessions in rows.annotate(
            **engaged_count, total_hours=Sum("hours"), session_count=Sum("sessions")
        )
    ]


@dataclass(frozen=True)
class KeptCounts:
    """Counts of one holder (a rule set, a programme) forgotten when what they count changes
    (its results, its enrolments) and worked out again the next time they are shown. The row
    that says they are current (`current`: its fields) is made with them."""

    model: type[Model]
    owner: str  # the holder's field on `model`
    current: dict[str, str]

    def forget(self, holder_id: Any) -> None:
        self.model._default_manager.filter(**{f"{self.owner}_id": holder_id}).delete()

    def make_current(self, holder: Model, make: Callable[[], list[Any]]) -> None:
        """Unless the counts are current, replace them with those `make` works out. The holder
        is locked meanwhile, so a register marked at the same time waits, and moves the counts
        after."""
        counts = self.model._default_manager.filter(**{self.owner: holder})
        with transaction.atomic():
            list(
                type(holder)
                ._default_manager.select_for_update()
                .filter(pk=holder.pk)
                .values_list("pk")
            )
            if counts.filter(**self.current).exists():
                return
            counts.delete()
            self.model._default_manager.bulk_create(make(), batch_size=1000)


def counts_tally() -> Counter[tuple[Any, ...]]:
    """Every partnership count as plain values (for comparing a refresh with a rebuild)."""
    return Counter(
        (str(partnership), dimension, key, learners, Decimal(hours), sessions)
        for partnership, dimension, key, learners, hours, sessions in ReachCount.objects.filter(
            learners__gt=0
        ).values_list("partnership_id", "dimension", "key", "learners", "hours", "sessions")
    )
