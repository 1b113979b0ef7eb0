"""What a mentoring coordinator relies on the records never to allow, whatever page or import
writes them: a mentee who is both a student and a pupil (or neither), a mentee with two live
pairs in one programme, a negative number of places, a cohort that ends before it starts, a step
a workflow does not have, and an under-18 paired with a mentor whose DBS check is not recorded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from tests.students.records import make_student
from widen.accounts.capabilities import system_actor
from widen.core.exceptions import ApplicationError
from widen.mentoring.matching import CRITERIA, Weights
from widen.mentoring.models import (
    MATCHING_RUN_WORKFLOW,
    MENTEE_WORKFLOW,
    PROGRAMME_MENTOR_WORKFLOW,
    RELATIONSHIP_WORKFLOW,
    Feedback,
    MatchingRun,
    Meeting,
    MeetingMode,
    Mentee,
    MenteesAre,
    MenteeStatus,
    Mentor,
    MentoringProgramme,
    Message,
    ProgrammeMentor,
    ProgrammeMentorStatus,
    Relationship,
    RelationshipStatus,
    Side,
)
from widen.students.models import Student
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

COORDINATOR = system_actor("mentoring tests")


@contextmanager
def refused() -> Iterator[None]:
    """The database refuses the write (and the test's transaction carries on)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


@pytest.fixture
def programme(world: World) -> MentoringProgramme:
    return MentoringProgramme.objects.create(organisation=world.alpha, name="Finance mentoring")


@pytest.fixture
def ann(world: World) -> Student:
    return make_student(world.alpha, "M1", "Ann", "Able")


def mentor(world: World, username: str, **checks: object) -> Mentor:
    return Mentor.objects.create(
        organisation=world.alpha, user=make_user(username, None, None), **checks
    )


def test_a_new_programme_weighs_the_criteria_as_the_matching_does(
    programme: MentoringProgramme,
) -> None:
    defaults = Weights()
    assert programme.weights == {name: getattr(defaults, name) for name in CRITERIA}
    assert Weights(**programme.weights) == defaults
    assert (programme.check_in_weeks, programme.quiet_after_weeks) == (4, 4)


def test_a_cohort_cannot_end_before_it_starts(world: World) -> None:
    with refused():
        MentoringProgramme.objects.create(
            organisation=world.alpha,
            name="Backwards",
            cohort_starts_on=date(2027, 1, 10),
            cohort_ends_on=date(2027, 1, 9),
        )
    one_day = MentoringProgramme.objects.create(
        organisation=world.alpha,
        name="One day",
        cohort_starts_on=date(2027, 1, 10),
        cohort_ends_on=date(2027, 1, 10),
    )
    assert one_day.pk


def test_a_programme_for_pupils_runs_in_a_partnership(world: World) -> None:
    with refused():
        MentoringProgramme.objects.create(
            organisation=world.alpha, name="Pupils", mentees_are=MenteesAre.PUPILS
        )
    MentoringProgramme.objects.create(
        organisation=world.alpha,
        name="Pupils",
        mentees_are=MenteesAre.PUPILS,
        partnership=world.north,
    )


def test_a_mentee_is_a_student_or_a_pupil_never_both_nor_neither(
    world: World, programme: MentoringProgramme, ann: Student
) -> None:
    with refused():
        Mentee.objects.create(programme=programme, student=ann, learner=world.learner_alpha)
    with refused():
        Mentee.objects.create(programme=programme)
    Mentee.objects.create(programme=programme, student=ann)
    Mentee.objects.create(programme=programme, learner=world.learner_alpha)
    assert programme.mentees.count() == 2


def test_a_student_or_a_pupil_applies_to_a_programme_once(
    world: World, programme: MentoringProgramme, ann: Student
) -> None:
    Mentee.objects.create(programme=programme, student=ann)
    Mentee.objects.create(programme=programme, learner=world.learner_alpha)
    with refused():
        Mentee.objects.create(programme=programme, student=ann)
    with refused():
        Mentee.objects.create(programme=programme, learner=world.learner_alpha)
    other = MentoringProgramme.objects.create(organisation=world.alpha, name="Law mentoring")
    Mentee.objects.create(programme=other, student=ann)


def test_a_mentor_offers_no_places_or_some_never_fewer(
    world: World, programme: MentoringProgramme
) -> None:
    with refused():
        ProgrammeMentor.objects.create(
            programme=programme, mentor=mentor(world, "min.mentor"), capacity=-1
        )
    full = ProgrammeMentor.objects.create(
        programme=programme, mentor=mentor(world, "max.mentor"), capacity=0
    )
    with refused():
        ProgrammeMentor.objects.filter(pk=full.pk).update(capacity=-2)
    with refused():
        ProgrammeMentor.objects.create(programme=programme, mentor=full.mentor, capacity=3)


def test_a_mentee_has_one_live_relationship_in_a_programme(
    world: World, programme: MentoringProgramme, ann: Student
) -> None:
    mentee = Mentee.objects.create(programme=programme, student=ann)
    first, second = mentor(world, "first.mentor"), mentor(world, "second.mentor")
    pair = Relationship.objects.create(programme=programme, mentor=first, mentee=mentee)
    with refused():
        Relationship.objects.create(programme=programme, mentor=second, mentee=mentee)

    RELATIONSHIP_WORKFLOW.apply(
        pair,
        "decline",
        actor=COORDINATOR,
        changes={"declined_by_side": Side.MENTOR, "decline_reason": "I have moved abroad."},
    )
    again = Relationship.objects.create(programme=programme, mentor=second, mentee=mentee)
    for step in ("introduce", "start", "end"):
        RELATIONSHIP_WORKFLOW.apply(again, step, actor=COORDINATOR)
    # Once that one has ended, a new pair may be made; the declined and ended ones stay.
    Relationship.objects.create(programme=programme, mentor=first, mentee=mentee)
    statuses = sorted(mentee.relationships.values_list("status", flat=True))
    assert statuses == ["declined", "ended", "proposed"]


def test_a_pair_is_declined_only_with_who_declined_and_why(
    world: World, programme: MentoringProgramme, ann: Student
) -> None:
    mentee = Mentee.objects.create(programme=programme, student=ann)
    with refused():
        Relationship.objects.create(
            programme=programme,
            mentor=mentor(world, "shy.mentor"),
            mentee=mentee,
            status=RelationshipStatus.DECLINED,
            declined_by_side=Side.MENTEE,
        )
    pair = Relationship.objects.create(
        programme=programme, mentor=mentor(world, "kind.mentor"), mentee=mentee
    )
    with refused():
        RELATIONSHIP_WORKFLOW.apply(pair, "decline", actor=COORDINATOR)
    pair.refresh_from_db()
    assert pair.is_proposed


def test_the_workflows_refuse_a_step_they_do_not_have(
    world: World, programme: MentoringProgramme, ann: Student
) -> None:
    mentee = Mentee.objects.create(programme=programme, student=ann)
    pair = Relationship.objects.create(
        programme=programme, mentor=mentor(world, "new.mentor"), mentee=mentee
    )
    with pytest.raises(ApplicationError, match="cannot be"):
        RELATIONSHIP_WORKFLOW.apply(pair, "end", actor=COORDINATOR)
    with pytest.raises(ApplicationError):
        RELATIONSHIP_WORKFLOW.apply(pair, "start", actor=COORDINATOR)
    RELATIONSHIP_WORKFLOW.apply(pair, "introduce", actor=COORDINATOR)
    RELATIONSHIP_WORKFLOW.apply(pair, "start", actor=COORDINATOR)
    assert pair.is_active
    assert pair.status_changed_at is not None
    with pytest.raises(ApplicationError):
        RELATIONSHIP_WORKFLOW.apply(
            pair,
            "decline",
            actor=COORDINATOR,
            changes={"declined_by_side": Side.MENTOR, "decline_reason": "Too late."},
        )

    MENTEE_WORKFLOW.apply(mentee, "decline", actor=COORDINATOR)
    with pytest.raises(ApplicationError):
        MENTEE_WORKFLOW.apply(mentee, "accept", actor=COORDINATOR)
    assert mentee.status == MenteeStatus.DECLINED

    place = ProgrammeMentor.objects.create(programme=programme, mentor=pair.mentor)
    PROGRAMME_MENTOR_WORKFLOW.apply(place, "withdraw", actor=COORDINATOR)
    with pytest.raises(ApplicationError):
        PROGRAMME_MENTOR_WORKFLOW.apply(place, "approve", actor=COORDINATOR)
    assert place.status == ProgrammeMentorStatus.WITHDRAWN

    run = MatchingRun.objects.create(programme=programme, weights=programme.weights)
    MATCHING_RUN_WORKFLOW.apply(run, "discard", actor=COORDINATOR)
    with pytest.raises(ApplicationError):
        MATCHING_RUN_WORKFLOW.apply(run, "publish", actor=COORDINATOR)


@pytest.mark.parametrize(
    ("checks", "may"),
    [
        ({}, False),
        ({"dbs_certificate_number": "001234567890"}, False),
        ({"dbs_certificate_number": "001234567890", "dbs_issued_on": date(2026, 8, 1)}, False),
        ({"dbs_issued_on": date(2026, 8, 1), "dbs_checked_on": date(2026, 9, 1)}, False),
        (
            {
                "dbs_certificate_number": "001234567890",
                "dbs_issued_on": date(2026, 8, 1),
                "dbs_checked_on": date(2026, 9, 1),
            },
            True,
        ),
    ],
)
def test_a_mentor_may_mentor_under_18s_only_with_a_recorded_dbs_check(
    world: World, checks: dict[str, object], may: bool
) -> None:
    recorded = mentor(world, "dbs.mentor", **checks)
    assert Mentor.objects.get(pk=recorded.pk).may_mentor_under_18 is may


def test_a_mentor_has_one_record_with_an_organisation(world: World) -> None:
    first = mentor(world, "once.mentor")
    with refused():
        Mentor.objects.create(organisation=world.alpha, user=first.user)
    Mentor.objects.create(organisation=world.beta, user=first.user)


def test_meetings_ratings_and_messages_stay_as_a_pair_would_expect(
    world: World, programme: MentoringProgramme, ann: Student
) -> None:
    mentee = Mentee.objects.create(programme=programme, student=ann)
    pair = Relationship.objects.create(
        programme=programme, mentor=mentor(world, "meet.mentor"), mentee=mentee
    )
    for minutes in (0, 601):
        with refused():
            Meeting.objects.create(
                relationship=pair,
                held_on=date(2026, 11, 3),
                mode=MeetingMode.PHONE,
                minutes=minutes,
            )
    Meeting.objects.create(
        relationship=pair, held_on=date(2026, 11, 3), mode=MeetingMode.PHONE, minutes=600
    )
    with refused():
        Feedback.objects.create(relationship=pair, side=Side.MENTEE, rating=6)
    Feedback.objects.create(relationship=pair, side=Side.MENTEE, rating=5)
    with refused():
        Feedback.objects.create(relationship=pair, side=Side.MENTEE, rating=4)
    Feedback.objects.create(relationship=pair, side=Side.MENTOR, rating=1)

    sent = Message.objects.create(relationship=pair, sender=pair.mentor.user, body="See you soon")
    sent.body = "Changed afterwards"
    with pytest.raises(ValueError, match="never changed"):
        sent.save()
    assert Message.objects.get(pk=sent.pk).body == "See you soon"
