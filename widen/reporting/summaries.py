"""Keeping the attendance summaries (`widen.reporting.models`) up to date.

`summaries_refresh(learner_ids)` runs inside the transaction that changed those learners'
attendance (activities' `attendance_changed` hook): it locks the learners, replaces their summary
rows with rows the database adds up from their attendance (one INSERT … SELECT … GROUP BY per
table, never a loop per attendance row), and moves the partnership counts by the difference
between their old and new rows. `summaries_rebuild()` makes every table again from all
attendance with the same statements and the counts with a few GROUP BYs; both give the same rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear

from widen.activities.models import Attendance, AttendanceStatus
from widen.learners.models import Learner
from widen.programmes.models import Enrolment, Programme
from widen.reporting.models import (
    Dimension,
    LearnerActivityEngagement,
    LearnerEngagement,
    ProgrammeCount,
    ReachCount,
    TargetCount,
    TargetDimension,
)
from widen.targeting.models import LearnerEligibility, RuleSet

CHUNK = 2_000  # learners refreshed per statement (SQLite binds at most 32,766 values)

ACTIVITY_COLUMNS = (
    "learner_id",
    "activity_id",
    "partnership_id",
    "activity_type_id",
    "delivered_by_id",
    "hours",
    "sessions",
    "first_attended",
    "last_attended",
)
LEARNER_COLUMNS = (
    "learner_id",
    "partnership_id",
    "organisation_id",
    "school_id",
    "birth_cohort",
    "hours",
    "sessions",
    "activities",
    "academic_years",
    "first_attended",
    "last_attended",
)


def academic_year_expression(date_path: str) -> Case:
    """The academic year (its first calendar year) a date falls in: September starts one."""
    return Case(
        When(**{f"{date_path}__month__gte": 9}, then=ExtractYear(date_path)),
        default=ExtractYear(date_path) - Value(1),
        output_field=IntegerField(),
    )


def _attended(learner_ids: Sequence[Any] | None) -> QuerySet[Attendance]:
    rows = Attendance.objects.filter(status=AttendanceStatus.ATTENDED)
    if learner_ids is not None:
        rows = rows.filter(learner_id__in=learner_ids)
    return rows.order_by()


def learner_activity_rows(learner_ids: Sequence[Any] | None = None) -> QuerySet[Any]:
    """One row per learner and activity attended, in the order of `ACTIVITY_COLUMNS`."""
    return (
        _attended(learner_ids)
        .values_list(
            "learner_id",
            "session__activity_id",
            "session__activity__partnership_id",
            "session__activity__sub_type__activity_type_id",
            "session__activity__delivered_by_id",
        )
        .annotate(
            total_hours=Sum("session__contact_hours"),
            session_count=Count("pk"),
            first=Min("session__date"),
            last=Max("session__date"),
        )
    )


def learner_rows(learner_ids: Sequence[Any] | None = None) -> QuerySet[Any]:
    """One row per learner and partnership, in the order of `LEARNER_COLUMNS`."""
    return (
        _attended(learner_ids)
        .values_list(
            "learner_id",
            "session__activity__partnership_id",
            "learner__organisation_id",
            "learner__school_id",
        )
        .annotate(cohort=academic_year_expression("learner__date_of_birth"))
        .annotate(
            total_hours=Sum("session__contact_hours"),
            session_count=Count("pk"),
            activity_count=Count("session__activity_id", distinct=True),
            year_count=Count(academic_year_expression("session__date"), distinct=True),
            first=Min("session__date"),
            last=Max("session__date"),
        )
    )


def _insert_select(model: Any, columns: Sequence[str], rows: QuerySet[Any]) -> int:
    """INSERT INTO the model's table the rows the query adds up (the database does the work).

    The statement is the query Django compiles, with its parameters; the table and column names
    come from the model."""
    sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    by_attname = {field.attname: field.column for field in model._meta.concrete_fields}
    names = ", ".join(quote(by_attname[column]) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({names}) {sql}",  # noqa: S608 - names from the model, values as parameters
            params,
        )
        return int(cursor.rowcount)


# --- The partnership counts ----------------------------------------------------------------------


@dataclass
class Tally:
    learners: int = 0
    hours: Decimal = Decimal(0)
    sessions: int = 0

    def add(self, learners: int, hours: Decimal, sessions: int) -> None:
        self.learners += learners
        self.hours += hours
        self.sessions += sessions


CountKey = tuple[Any, str, str]  # (partnership id, dimension, key)


def _key(value: Any) -> str:
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
            (Dimension.SCHOOL, _key(school)),
            (Dimension.YEAR, _key(cohort)),
        ):
            tally((partnership, dimension, key)).add(1, hours, sessions)
    by_type: dict[tuple[Any, Any, Any], Tally] = {}
    by_partner: dict[tuple[Any, Any, Any], Tally] = {}
    for partnership, learner, activity_type, partner, hours, sessions in activity_rows:
        by_type.setdefault((partnership, learner, activity_type), Tally()).add(0, hours, sessions)
        by_partner.setdefault((partnership, learner, partner), Tally()).add(0, hours, sessions)
    for grouped, dimension in ((by_type, Dimension.TYPE), (by_partner, Dimension.PARTNER)):
        for (partnership, _, key), part in grouped.items():
            tally((partnership, dimension, _key(key))).add(1, part.hours, part.sessions)
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


def _read(learner_ids: Sequence[Any]) -> Snapshot:
    return Snapshot(
        learners=list(
            LearnerEngagement.objects.filter(learner_id__in=learner_ids).values_list(
                "partnership_id",
                "learner_id",
                "school_id",
                "birth_cohort",
                "hours",
                "sessions",
                "activities",
                "academic_years",
            )
        ),
        activities=list(
            LearnerActivityEngagement.objects.filter(learner_id__in=learner_ids).values_list(
                "partnership_id",
                "learner_id",
                "activity_type_id",
                "delivered_by_id",
                "hours",
                "sessions",
            )
        ),
    )


def _changes(
    before: dict[tuple[Any, str, str], Tally], after: dict[tuple[Any, str, str], Tally]
) -> dict[tuple[Any, str, str], Tally]:
    changes = {}
    for count_key in before.keys() | after.keys():
        old, new = before.get(count_key, Tally()), after.get(count_key, Tally())
        change = Tally(
            new.learners - old.learners, new.hours - old.hours, new.sessions - old.sessions
        )
        if change.learners or change.hours or change.sessions:
            changes[count_key] = change
    return changes


def _apply(
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


# --- Counts by target status (rule sets) ---------------------------------------------------------


def _target_contributions(
    learners: Iterable[tuple[Any, ...]],
    results: dict[tuple[Any, Any], bool],
    rule_sets: dict[Any, list[Any]],
) -> dict[tuple[Any, str, str], Tally]:
    """What these learners' summary rows add to the counts of their partnerships' rule sets."""
    tallies: dict[tuple[Any, str, str], Tally] = {}
    for partnership, learner, school, _, hours, sessions, *_ in learners:
        for rule_set in rule_sets.get(partnership, []):
            eligible = results.get((rule_set, learner))
            if eligible is None:
                continue  # not worked out: counted as the rest of those engaged
            key = (rule_set, TargetDimension.ENGAGED, "yes" if eligible else "no")
            tallies.setdefault(key, Tally()).add(1, hours, sessions)
            if eligible:
                key = (rule_set, TargetDimension.ELIGIBLE_ENGAGED, _key(school))
                tallies.setdefault(key, Tally()).add(1, hours, sessions)
    return tallies


def _apply_targets(learner_ids: Sequence[Any], before: Snapshot, after: Snapshot) -> None:
    """Move the counts of every current rule set of these learners' partnerships."""
    partnerships = {row[0] for row in (*before.learners, *after.learners)}
    if not partnerships:
        return
    # Locked: a rule set's counts being worked out again wait for this change, and this for them.
    held = list(
        RuleSet.objects.select_for_update()
        .filter(partnership_id__in=partnerships)
        .order_by("pk")
        .values_list("pk", "partnership_id")
    )
    current = set(
        TargetCount.objects.filter(
            rule_set_id__in=[pk for pk, _ in held], dimension=TargetDimension.CURRENT
        ).values_list("rule_set_id", flat=True)
    )
    if not current:
        return
    rule_sets: dict[Any, list[Any]] = {}
    for pk, partnership in held:
        if pk in current:
            rule_sets.setdefault(partnership, []).append(pk)
    results = {
        (rule_set, learner): eligible
        for rule_set, learner, eligible in LearnerEligibility.objects.filter(
            rule_set_id__in=list(current), learner_id__in=learner_ids
        ).values_list("rule_set_id", "learner_id", "eligible")
    }
    _apply(
        TargetCount,
        "rule_set",
        _target_contributions(before.learners, results, rule_sets),
        _target_contributions(after.learners, results, rule_sets),
    )


def target_counts_forget(rule_set_id: Any) -> None:
    """The rule set's results changed (targeting's hook): its counts are worked out again the
    next time they are shown."""
    TargetCount.objects.filter(rule_set_id=rule_set_id).delete()


def target_counts_current(rule_set: RuleSet) -> None:
    """Make sure the rule set's counts match its results and the summaries: if they were
    forgotten, work them out again (two GROUP BYs over its results)."""
    with transaction.atomic():
        list(RuleSet.objects.select_for_update().filter(pk=rule_set.pk).values_list("pk"))
        if TargetCount.objects.filter(
            rule_set=rule_set, dimension=TargetDimension.CURRENT
        ).exists():
            return
        TargetCount.objects.filter(rule_set=rule_set).delete()
        TargetCount.objects.bulk_create(_target_counts(rule_set), batch_size=1000)


def _target_counts(rule_set: RuleSet) -> list[TargetCount]:
    counted = [TargetCount(rule_set=rule_set, dimension=TargetDimension.CURRENT)]
    eligible_by_school = (
        LearnerEligibility.objects.filter(rule_set=rule_set, eligible=True)
        .order_by()
        .values_list("learner__school_id")
        .annotate(engaged=Count("learner_id"))
    )
    for school, learners in eligible_by_school:
        counted.append(
            TargetCount(
                rule_set=rule_set,
                dimension=TargetDimension.ELIGIBLE,
                key=_key(school),
                learners=learners,
            )
        )
    status = Subquery(
        LearnerEligibility.objects.filter(
            rule_set=rule_set, learner_id=OuterRef("learner_id")
        ).values("eligible")[:1]
    )
    engaged = (
        LearnerEngagement.objects.filter(partnership_id=rule_set.partnership_id)
        .annotate(eligible=status)
        .exclude(eligible=None)
        .order_by()
        .values_list("eligible", "school_id")
        .annotate(engaged=Count("pk"), total_hours=Sum("hours"), session_count=Sum("sessions"))
    )
    by_status: dict[str, Tally] = {}
    for eligible, school, learners, hours, sessions in engaged:
        by_status.setdefault("yes" if eligible else "no", Tally()).add(learners, hours, sessions)
        if eligible:
            counted.append(
                TargetCount(
                    rule_set=rule_set,
                    dimension=TargetDimension.ELIGIBLE_ENGAGED,
                    key=_key(school),
                    learners=learners,
                    hours=hours,
                    sessions=sessions,
                )
            )
    counted.extend(
        TargetCount(
            rule_set=rule_set,
            dimension=TargetDimension.ENGAGED,
            key=key,
            learners=tally.learners,
            hours=tally.hours,
            sessions=tally.sessions,
        )
        for key, tally in by_status.items()
    )
    return counted


def _chunks(keys: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def summaries_refresh(learner_ids: Iterable[Any]) -> None:
    """Work these learners' summaries out again from their attendance, and move the counts."""
    keys = sorted({str(key) for key in learner_ids})
    if not keys:
        return
    with transaction.atomic():
        for chunk in _chunks(keys):
            # One refresh of a learner at a time: two registers marked at once would otherwise
            # both replace the same rows. Locked in key order, so two refreshes cannot deadlock.
            list(
                Learner.objects.select_for_update()
                .filter(pk__in=chunk)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            before = _read(chunk)
            LearnerActivityEngagement.objects.filter(learner_id__in=chunk).delete()
            LearnerEngagement.objects.filter(learner_id__in=chunk).delete()
            _insert_select(
                LearnerActivityEngagement, ACTIVITY_COLUMNS, learner_activity_rows(chunk)
            )
            _insert_select(LearnerEngagement, LEARNER_COLUMNS, learner_rows(chunk))
            after = _read(chunk)
            _apply(ReachCount, "partnership", before.counts(), after.counts())
            _apply_targets(chunk, before, after)
            _apply_programmes(chunk, before, after)


@dataclass(frozen=True)
class Rebuilt:
    learner_activities: int
    learners: int
    counts: int


def _counts_from_tables() -> list[ReachCount]:
    """Every partnership count, added up by the database from the summary tables."""
    counted: list[ReachCount] = []
    learners = LearnerEngagement.objects.order_by()
    activities = LearnerActivityEngagement.objects.order_by()
    totals = {
        "engaged": Count("pk"),
        "total_hours": Sum("hours"),
        "session_count": Sum("sessions"),
    }
    for dimension, rows in (
        (Dimension.ALL, learners.values_list("partnership_id", Value(""))),
        (Dimension.SCHOOL, learners.values_list("partnership_id", "school_id")),
        (Dimension.YEAR, learners.values_list("partnership_id", "birth_cohort")),
    ):
        for partnership, key, engaged, hours, sessions in rows.annotate(**totals):
            counted.append(
                ReachCount(
                    partnership_id=partnership,
                    dimension=dimension,
                    key=_key(key),
                    learners=engaged,
                    hours=hours,
                    sessions=sessions,
                )
            )
    for dimension, field in (
        (Dimension.TYPE, "activity_type_id"),
        (Dimension.PARTNER, "delivered_by_id"),
    ):
        grouped = activities.values_list("partnership_id", field).annotate(
            engaged=Count("learner_id", distinct=True),
            total_hours=Sum("hours"),
            session_count=Sum("sessions"),
        )
        for partnership, key, engaged, hours, sessions in grouped:
            counted.append(
                ReachCount(
                    partnership_id=partnership,
                    dimension=dimension,
                    key=_key(key),
                    learners=engaged,
                    hours=hours,
                    sessions=sessions,
                )
            )
    return counted


def summaries_rebuild() -> Rebuilt:
    """Make every summary again from all attendance (`widen reporting rebuild`)."""
    with transaction.atomic():
        ReachCount.objects.all().delete()
        TargetCount.objects.all().delete()  # worked out again when next shown
        ProgrammeCount.objects.all().delete()  # likewise
        LearnerActivityEngagement.objects.all().delete()
        LearnerEngagement.objects.all().delete()
        activities = _insert_select(
            LearnerActivityEngagement, ACTIVITY_COLUMNS, learner_activity_rows()
        )
        learners = _insert_select(LearnerEngagement, LEARNER_COLUMNS, learner_rows())
        counts = ReachCount.objects.bulk_create(_counts_from_tables(), batch_size=1000)
    return Rebuilt(learner_activities=activities, learners=learners, counts=len(counts))


def counts_tally() -> Counter[tuple[Any, ...]]:
    """Every partnership count as plain values (for comparing a refresh with a rebuild)."""
    return Counter(
        (str(partnership), dimension, key, learners, Decimal(hours), sessions)
        for partnership, dimension, key, learners, hours, sessions in ReachCount.objects.filter(
            learners__gt=0
        ).values_list("partnership_id", "dimension", "key", "learners", "hours", "sessions")
    )


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


# --- Sustained engagement on programmes ----------------------------------------------------------


def _sustained(programme: Any, row: tuple[Any, ...] | None) -> bool:
    if row is None:
        return False
    *_, hours, _, activities, academic_years = row
    return bool(
        hours >= programme.sustained_hours
        and activities >= programme.sustained_activities
        and academic_years >= programme.sustained_years
    )


def _apply_programmes(learner_ids: Sequence[Any], before: Snapshot, after: Snapshot) -> None:
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
            changes[(programme_id, _key(school))] += change
    for (programme_id, school), change in sorted(changes.items(), key=lambda item: str(item[0])):
        ProgrammeCount.objects.filter(programme_id=programme_id, key=school).update(
            sustained=F("sustained") + change
        )


def programme_counts_forget(programme_id: Any) -> None:
    """Who is enrolled changed (programmes' hook): the counts are worked out again when next
    shown."""
    ProgrammeCount.objects.filter(programme_id=programme_id).delete()


def programme_counts_current(programme: Programme) -> None:
    """Make sure the programme's counts match its enrolments and the summaries: if they were
    forgotten, work them out again (one GROUP BY over its enrolments)."""
    with transaction.atomic():
        list(Programme.objects.select_for_update().filter(pk=programme.pk).values_list("pk"))
        if ProgrammeCount.objects.filter(programme=programme, key=ProgrammeCount.CURRENT).exists():
            return
        ProgrammeCount.objects.filter(programme=programme).delete()
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
        ProgrammeCount.objects.bulk_create(
            [
                ProgrammeCount(programme=programme, key=ProgrammeCount.CURRENT),
                *(
                    ProgrammeCount(
                        programme=programme,
                        key=_key(school),
                        enrolled=enrolled,
                        sustained=sustained,
                    )
                    for school, enrolled, sustained in rows
                ),
            ],
            batch_size=1000,
        )
