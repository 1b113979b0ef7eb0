"""Progression programmes: stages per year group, enrolment from a rule set (leaving and
re-joining recorded), and each learner's progress against their stage, with the reason."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.activities.models import Activity, Session
from widen.activities.progress import (
    BEHIND,
    COMPLETE,
    ON_TRACK,
    next_sessions,
    programme_progress,
    sustained_engagement,
)
from widen.activities.services import (
    activity_create,
    register_add,
)
from widen.core.academic_years import AcademicYear
from widen.core.exceptions import ApplicationError
from widen.programmes.models import ActivitySubType, ActivityType, Enrolment, Programme
from widen.programmes.services import (
    StagePlan,
    enrol,
    enrol_eligible,
    enrolment_candidates,
    enrolment_leave,
    programme_create,
)
from widen.targeting.rule_sets import eligibility_compute, rule_set_create
from widen.testing.delivery import attend, planned_session
from widen.testing.world import World

pytestmark = pytest.mark.django_db
YEAR = AcademicYear.current().start_year  # the world's learners are in Year 10 this year


def _types(*keys: str) -> list[ActivityType]:
    return [ActivityType.objects.get(key=key) for key in keys]


def _programme(world: World, **changes: object) -> Programme:
    rule_set = rule_set_create(
        actor=system_actor("test"),
        partnership=world.north,
        name="Free school meals",
        definition={"any": [{"all": [{"criterion": "free_school_meals"}]}]},
    )
    arguments: dict[str, object] = {
        "actor": world.users[Role.PARTNERSHIP_ADMIN],
        "partnership": world.north,
        "name": "Learner Progression Programme",
        "rule_set": rule_set,
        "stages": [
            StagePlan(9, Decimal("4"), _types("campus_visits")),
            StagePlan(10, Decimal("6"), _types("iag"), _types("masterclasses")),
        ],
    }
    arguments.update(changes)
    return programme_create(**arguments)  # type: ignore[arg-type]


def _attend(world: World, kind: str, day: date, hours: tuple[time, time]) -> Session:
    activity = Activity.objects.filter(sub_type__activity_type__key=kind).first()
    if activity is None:
        activity = activity_create(
            actor=system_actor("test"),
            partnership=world.north,
            delivered_by=world.alpha,
            name=f"{kind} activity",
            sub_type=ActivitySubType.objects.filter(activity_type__key=kind).first(),  # type: ignore[arg-type]
        )
    session = planned_session(
        activity, day=day, starts_at=hours[0], ends_at=hours[1], venue="Room 1"
    )
    attend(session, [world.learner_alpha])
    return session


def test_a_programme_is_designed_stage_by_stage_by_partnership_admins(world: World) -> None:
    programme = _programme(world)
    assert list(programme.stages.values_list("year_group", "target_hours")) == [
        (9, Decimal("4")),
        (10, Decimal("6")),
    ]
    refusals = {
        "Only the partnership's admins": {"actor": world.users[Role.OUTREACH_OFFICER]},
        "already a programme": {},
        "Year 9 to Year 13": {"name": "B", "stages": [StagePlan(8, Decimal("2"))]},
        "more than one stage": {
            "name": "C",
            "stages": [StagePlan(10, Decimal("2")), StagePlan(10, Decimal("3"))],
        },
        "target hours must be more than 0": {"name": "D", "stages": [StagePlan(11, Decimal(0))]},
        "either required or optional": {
            "name": "E",
            "stages": [StagePlan(11, Decimal("2"), _types("iag"), _types("iag"))],
        },
        "at least one stage": {"name": "F", "stages": []},
    }
    for message, changes in refusals.items():
        with pytest.raises(ApplicationError, match=message):
            programme_create(
                actor=changes.pop("actor", world.users[Role.PARTNERSHIP_ADMIN]),  # type: ignore[arg-type]
                partnership=world.north,
                name=changes.pop("name", "Learner Progression Programme"),  # type: ignore[arg-type]
                stages=changes.pop("stages", [StagePlan(9, Decimal("1"))]),  # type: ignore[arg-type]
            )


def test_a_cohort_is_enrolled_from_the_rule_set_and_leaving_and_rejoining_are_kept(
    world: World,
) -> None:
    programme = _programme(world)
    assert programme.rule_set is not None
    eligibility_compute(programme.rule_set)
    candidates = set(enrolment_candidates(programme))
    assert world.learner_alpha in candidates
    assert world.learner_gamma not in candidates
    enrolled = enrol_eligible(actor=world.users[Role.OUTREACH_OFFICER], programme=programme)
    # An organisation enrols only the learners it holds; the others' holders enrol their own.
    held = {learner for learner in candidates if learner.organisation_id == world.alpha.id}
    assert held
    assert held != candidates
    assert {enrolment.learner for enrolment in enrolled.enrolled} == held
    assert set(enrolment_candidates(programme)) == candidates - held
    enrol_eligible(actor=system_actor("test"), programme=programme)
    assert not enrolment_candidates(programme).exists()
    again = enrol(actor=system_actor("test"), programme=programme, learners=[world.learner_alpha])
    assert again.already_enrolled == [world.learner_alpha]
    with pytest.raises(ApplicationError, match="held by the partnership's members"):
        enrol(actor=system_actor("test"), programme=programme, learners=[world.learner_gamma])
    current = Enrolment.objects.get(programme=programme, learner=world.learner_alpha)
    with pytest.raises(ApplicationError, match="Say why"):
        enrolment_leave(actor=system_actor("test"), enrolment=current, reason="  ")
    enrolment_leave(
        actor=system_actor("test"),
        enrolment=current,
        reason="Moved school",
        on=date(YEAR + 1, 1, 10),
    )
    assert world.learner_alpha in set(enrolment_candidates(programme))
    enrol(
        actor=system_actor("test"),
        programme=programme,
        learners=[world.learner_alpha],
        on=date(YEAR + 1, 3, 2),
    )
    history = list(
        Enrolment.objects.filter(programme=programme, learner=world.learner_alpha).values_list(
            "joined_on", "left_on", "leaving_reason"
        )
    )
    assert history[1:] == [(date(YEAR + 1, 3, 2), None, "")]
    assert history[0][1:] == (date(YEAR + 1, 1, 10), "Moved school")


def test_progress_says_what_each_learner_lacks_and_moves_as_they_attend(world: World) -> None:
    programme = _programme(world)
    enrol(actor=system_actor("test"), programme=programme, learners=[world.learner_alpha])
    learner = world.learner_alpha.pk
    _attend(world, "masterclasses", date(YEAR, 10, 5), (time(13, 0), time(15, 30)))
    october = programme_progress(programme, on=date(YEAR, 10, 20))[learner]
    assert (october.status, october.reason) == (ON_TRACK, "Year 10: no IAG yet, 2.5 of 6 hours")
    february = programme_progress(programme, on=date(YEAR + 1, 2, 15))[learner]
    assert (february.status, february.reason) == (BEHIND, "Year 10: no IAG yet, 2.5 of 6 hours")
    _attend(world, "iag", date(YEAR + 1, 2, 20), (time(9, 0), time(10, 0)))
    march = programme_progress(programme, on=date(YEAR + 1, 3, 1))[learner]
    assert (march.status, march.reason) == (ON_TRACK, "Year 10: 3.5 of 6 hours")
    # Hours at activities of types the stage does not plan for do not count towards it.
    _attend(world, "teacher_cpd", date(YEAR + 1, 3, 2), (time(9, 0), time(12, 0)))
    assert programme_progress(programme, on=date(YEAR + 1, 3, 5))[learner].hours == Decimal("3.5")
    _attend(world, "masterclasses", date(YEAR + 1, 3, 10), (time(9, 0), time(12, 0)))
    done = programme_progress(programme, on=date(YEAR + 1, 3, 12))[learner]
    assert (done.status, done.reason) == (COMPLETE, "Year 10: 6.5 of 6 hours")
    # Last year's hours do not count towards this year's stage.
    assert programme_progress(programme, on=date(YEAR + 1, 9, 5))[learner].hours == 0


def test_next_sessions_are_of_the_missing_types_the_learner_can_attend(world: World) -> None:
    programme = _programme(world)
    enrol(actor=system_actor("test"), programme=programme, learners=[world.learner_alpha])
    learner = world.learner_alpha
    iag = Activity.objects.create(
        partnership=world.north,
        delivered_by=world.alpha,
        name="Student finance talk",
        sub_type=ActivitySubType.objects.get(name="Student finance talk", partnership=None),
    )
    campus = Activity.objects.create(
        partnership=world.north,
        delivered_by=world.alpha,
        name="Campus day",
        sub_type=ActivitySubType.objects.get(name="Campus tour", partnership=None),
    )

    def planned(activity: Activity, day: date, **details: object) -> Session:
        return planned_session(
            activity, day=day, starts_at=time(10, 0), ends_at=time(11, 0), venue="Hall", **details
        )

    fitting = planned(iag, date(YEAR + 1, 3, 1), year_groups=[10, 11], school=world.school)
    planned(iag, date(YEAR + 1, 1, 5))  # before the day: past
    planned(iag, date(YEAR + 1, 3, 2), year_groups=[12])  # another year group
    planned(campus, date(YEAR + 1, 3, 3))  # not a missing type
    full = planned(iag, date(YEAR + 1, 3, 4), capacity=1)
    register_add(actor=system_actor("test"), session=full, learners=[world.learner_beta])
    open_to_all = planned(iag, date(YEAR + 1, 3, 9))
    day = date(YEAR + 1, 2, 15)
    progress = programme_progress(programme, on=day)
    suggested = next_sessions(programme, progress, on=day)[learner.pk]
    assert [suggestion.session for suggestion in suggested] == [fitting, open_to_all]
    assert suggested[0].activity_type == "Information, advice and guidance"
    register_add(actor=system_actor("test"), session=fitting, learners=[world.learner_alpha])
    again = next_sessions(programme, programme_progress(programme, on=day), on=day)
    assert [suggestion.session for suggestion in again[learner.pk]] == [open_to_all]


def test_sustained_engagement_needs_hours_activities_and_years(world: World) -> None:
    programme = _programme(world, sustained_hours=Decimal("4"))
    learner = world.learner_alpha.pk
    _attend(world, "masterclasses", date(YEAR, 10, 5), (time(13, 0), time(15, 0)))
    _attend(world, "iag", date(YEAR, 11, 5), (time(13, 0), time(14, 0)))
    engaged = sustained_engagement(programme, [learner])[learner]
    assert (engaged.hours, engaged.activities, engaged.academic_years) == (Decimal("3"), 2, 1)
    assert not engaged.sustained
    _attend(world, "campus_visits", date(YEAR + 1, 9, 20), (time(9, 0), time(11, 0)))
    engaged = sustained_engagement(programme, [learner])[learner]
    assert (engaged.hours, engaged.activities, engaged.academic_years) == (Decimal("5"), 3, 2)
    assert engaged.sustained
