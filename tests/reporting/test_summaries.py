"""The dashboard's summaries change as attendance is marked, and a rebuild gives the same rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.reporting.conftest import Delivery, add_session, fsm_rule_set, pupils
from widen.accounts.capabilities import system_actor
from widen.activities.models import Attendance
from widen.activities.services import attendance_mark
from widen.core.academic_years import AcademicYear
from widen.learners.merging import learner_merge
from widen.learners.models import Learner
from widen.reporting.models import (
    Dimension,
    LearnerActivityEngagement,
    LearnerEngagement,
    ReachCount,
    TargetCount,
    TargetDimension,
)
from widen.reporting.summaries import (
    counts_tally,
    summaries_rebuild,
    target_counts_current,
    target_counts_forget,
)
from widen.reporting.summaries.rows import ACTIVITY_COLUMNS, LEARNER_COLUMNS
from widen.targeting.rule_sets import eligibility_compute
from widen.testing.delivery import attend

pytestmark = pytest.mark.django_db


def _learner_rows() -> set[tuple[Any, ...]]:
    return set(LearnerEngagement.objects.values_list(*LEARNER_COLUMNS))


def _activity_rows() -> set[tuple[Any, ...]]:
    return set(LearnerActivityEngagement.objects.values_list(*ACTIVITY_COLUMNS))


def _count(delivery: Delivery, dimension: str, key: Any = "") -> tuple[int, Decimal, int]:
    row = ReachCount.objects.filter(
        partnership=delivery.world.north, dimension=dimension, key=str(key)
    ).first()
    return (row.learners, row.hours, row.sessions) if row else (0, Decimal(0), 0)


def test_marking_a_register_updates_the_learners_summary_at_once(delivery: Delivery) -> None:
    world = delivery.world
    first, second, third = delivery.sessions
    learner = world.learner_alpha
    attend(first, [learner])
    summary = LearnerEngagement.objects.get(learner=learner, partnership=world.north)
    assert (summary.hours, summary.sessions, summary.activities) == (Decimal(2), 1, 1)
    attend(second, [learner])
    attend(third, [learner])
    summary = LearnerEngagement.objects.get(learner=learner, partnership=world.north)
    assert summary.hours == Decimal("6.5")
    assert (summary.sessions, summary.activities, summary.academic_years) == (3, 2, 2)
    assert (summary.first_attended, summary.last_attended) == (first.date, third.date)
    assert summary.school_id == world.school.pk
    cohort = AcademicYear.containing(learner.date_of_birth).start_year
    assert summary.birth_cohort == cohort
    per_activity = {
        row.activity_id: (row.hours, row.sessions)
        for row in LearnerActivityEngagement.objects.filter(learner=learner)
    }
    assert per_activity == {
        delivery.masterclass.pk: (Decimal("3.5"), 2),
        delivery.visit.pk: (Decimal(3), 1),
    }
    assert _count(delivery, Dimension.ALL) == (1, Decimal("6.5"), 3)
    assert _count(delivery, Dimension.SCHOOL, world.school.pk) == (1, Decimal("6.5"), 3)
    assert _count(delivery, Dimension.YEAR, cohort) == (1, Decimal("6.5"), 3)
    assert _count(delivery, Dimension.PARTNER, world.alpha.pk) == (1, Decimal("3.5"), 2)
    assert _count(delivery, Dimension.PARTNER, world.beta.pk) == (1, Decimal(3), 1)
    # Marked absent after all: the hours and the session go again.
    attendance_mark(actor=system_actor("test"), session=third, marks={learner.pk: "absent"})
    summary = LearnerEngagement.objects.get(learner=learner, partnership=world.north)
    assert (summary.hours, summary.sessions, summary.activities) == (Decimal("3.5"), 2, 1)
    assert _count(delivery, Dimension.PARTNER, world.beta.pk)[0] == 0
    assert _count(delivery, Dimension.ALL) == (1, Decimal("3.5"), 2)


def test_a_learner_only_registered_or_absent_is_not_engaged(delivery: Delivery) -> None:
    world = delivery.world
    first, second, _ = delivery.sessions
    attend(first, [world.learner_alpha], status="absent")
    attend(second, [world.learner_school], status="registered")
    assert not LearnerEngagement.objects.exists()
    assert _count(delivery, Dimension.ALL)[0] == 0


def test_a_joint_session_marked_by_both_partners_counts_once(delivery: Delivery) -> None:
    world = delivery.world
    joint = delivery.sessions[0]
    assert joint.joint_partners.filter(pk=world.beta.pk).exists()
    attend(joint, [world.learner_school])
    # Beta's staff mark the same learner again at the joint session.
    attendance_mark(
        actor=system_actor("test"), session=joint, marks={world.learner_school.pk: "attended"}
    )
    assert Attendance.objects.filter(session=joint, learner=world.learner_school).count() == 1
    summary = LearnerEngagement.objects.get(learner=world.learner_school)
    assert (summary.hours, summary.sessions) == (Decimal(2), 1)
    assert _count(delivery, Dimension.ALL) == (1, Decimal(2), 1)


def test_a_rebuild_gives_exactly_the_rows_kept_up_to_date(delivery: Delivery) -> None:
    world = delivery.world
    first, second, third = delivery.sessions
    year_12 = pupils(world, 6, year_group=12, prefix="Sixth")
    year_10 = pupils(world, 4, prefix="Ten")
    attend(first, [*year_12, world.learner_alpha, world.learner_beta])
    attend(second, [*year_12[:3], *year_10])
    attend(third, [*year_10[:2], world.learner_alpha])
    attendance_mark(actor=system_actor("test"), session=second, marks={year_12[0].pk: "absent"})
    extra = add_session(world, delivery.visit, third.date, hours="0.75")
    attend(extra, year_12[4:])
    kept = (_learner_rows(), _activity_rows(), counts_tally())
    assert len(kept[0]) == 12
    rebuilt = summaries_rebuild()
    assert rebuilt.learners == 12
    assert (_learner_rows(), _activity_rows(), counts_tally()) == kept
    # And the command does the same.
    call_command("reporting", "rebuild")
    assert (_learner_rows(), _activity_rows(), counts_tally()) == kept


def test_summaries_roll_back_with_the_attendance(delivery: Delivery) -> None:
    world = delivery.world

    def mark_then_fail() -> None:
        with transaction.atomic():
            attend(delivery.sessions[0], [world.learner_alpha])
            assert LearnerEngagement.objects.filter(learner=world.learner_alpha).exists()
            raise RuntimeError("the register could not be saved")

    with pytest.raises(RuntimeError):
        mark_then_fail()
    assert not LearnerEngagement.objects.exists()
    assert not ReachCount.objects.filter(learners__gt=0).exists()


def test_merging_two_records_of_a_learner_moves_their_summaries(delivery: Delivery) -> None:
    world = delivery.world
    first, second, third = delivery.sessions
    kept, removed = pupils(world, 2, prefix="Twin")
    attend(first, [kept, removed])  # both records on one register: counted once after the merge
    attend(second, [removed])
    attend(third, [kept])
    assert _count(delivery, Dimension.ALL)[0] == 2
    learner_merge(kept=kept, removed=removed, acting_user=None)
    summary = LearnerEngagement.objects.get(learner=kept)
    assert (summary.hours, summary.sessions, summary.activities) == (Decimal("6.5"), 3, 2)
    assert not LearnerEngagement.objects.filter(learner_id=removed.pk).exists()
    assert _count(delivery, Dimension.ALL) == (1, Decimal("6.5"), 3)
    kept_counts = (_learner_rows(), _activity_rows(), counts_tally())
    summaries_rebuild()
    assert (_learner_rows(), _activity_rows(), counts_tally()) == kept_counts


def _target_counts(rule_set: Any) -> set[tuple[Any, ...]]:
    return set(
        TargetCount.objects.filter(rule_set=rule_set).values_list(
            "dimension", "key", "learners", "hours", "sessions"
        )
    )


def test_counts_by_target_status_follow_registers_and_targeting(delivery: Delivery) -> None:
    world = delivery.world
    first, second, third = delivery.sessions
    rule_set = fsm_rule_set(world, name="Free school meals")
    poorer = pupils(world, 3, prefix="Fsm")
    Learner.objects.filter(pk__in=[learner.pk for learner in poorer]).update(free_school_meals=True)
    attend(first, [*poorer, world.learner_alpha])
    eligibility_compute(rule_set)  # targeting writes the results: the counts are forgotten
    assert not TargetCount.objects.filter(rule_set=rule_set).exists()
    target_counts_current(rule_set)
    counts = {(d, k): n for d, k, n, _, _ in _target_counts(rule_set)}
    assert counts[(TargetDimension.ENGAGED, "yes")] == 4  # three pupils and Amara have FSM
    # Registers marked since move the kept counts; working them out afresh gives the same.
    attend(second, poorer[:2])
    attend(third, [world.learner_school, poorer[0]])
    attendance_mark(actor=system_actor("test"), session=first, marks={poorer[2].pk: "absent"})
    kept = _target_counts(rule_set)
    target_counts_forget(rule_set.pk)
    target_counts_current(rule_set)
    assert _target_counts(rule_set) == kept
    counts = {(d, k): n for d, k, n, _, _ in kept}
    assert counts[(TargetDimension.ENGAGED, "yes")] == 4  # poorer[2] left, Sami (FSM) came
