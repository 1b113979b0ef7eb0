"""Erasing a mentor or a mentee: what they wrote goes, except a pair's messages and concerns once
a concern about the pair has been raised, which are safeguarding records (kept, and the erasure
report says why)."""

from __future__ import annotations

import pytest

from tests.students.records import make_student
from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.mentoring.models import (
    Concern,
    Mentee,
    MenteeStatus,
    Mentor,
    MentoringProgramme,
    Message,
    Relationship,
    RelationshipStatus,
)
from widen.mentoring.personal_data import SAFEGUARDING
from widen.rights.erasing import person_erase
from widen.rights.people import Person
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def _pair(world: World, number: str) -> Relationship:
    programme, _ = MentoringProgramme.objects.get_or_create(
        organisation=world.alpha, name="Finance mentoring"
    )
    mentor_user = make_user(f"mentor{number}", None, None)
    mentor = Mentor.objects.create(organisation=world.alpha, user=mentor_user)
    student = make_student(world.alpha, f"S{number}", "Sam", f"Mentee{number}")
    student.user = make_user(f"mentee{number}", None, None)
    student.save(update_fields=["user"])
    mentee = Mentee.objects.create(
        programme=programme, student=student, status=MenteeStatus.ACCEPTED
    )
    relationship = Relationship.objects.create(
        programme=programme, mentor=mentor, mentee=mentee, status=RelationshipStatus.ACTIVE
    )
    Message.objects.create(relationship=relationship, sender=mentor_user, body="Hello Sam")
    Message.objects.create(relationship=relationship, sender=student.user, body="Hi, thanks")
    return relationship


def _erase(user_id: object) -> dict[str, tuple[int, str]]:
    with request_context.bind(source="test"):
        report = person_erase(
            person=Person(user_ids=(user_id,)), request=None, actor=system_actor("tests")
        )
    return report.held


def test_a_pairs_messages_go_when_either_is_erased_if_no_concern_was_raised(
    world: World,
) -> None:
    quiet = _pair(world, "1")

    held = _erase(quiet.mentee.student.user_id)

    assert held == {}
    assert not Message.objects.filter(relationship=quiet).exists()


def test_messages_and_concerns_about_a_pair_with_a_concern_are_kept_and_the_report_says_why(
    world: World,
) -> None:
    worrying = _pair(world, "2")
    other = _pair(world, "3")
    Concern.objects.create(
        relationship=worrying,
        raised_by=worrying.mentor.user,
        reason="Sam said someone at home is hurting them",
    )

    held = _erase(worrying.mentee.student.user_id)

    assert held == {
        "mentoring.message": (2, SAFEGUARDING),
        "mentoring.concern": (1, SAFEGUARDING),
    }
    assert sorted(Message.objects.filter(relationship=worrying).values_list("body", flat=True)) == [
        "Hello Sam",
        "Hi, thanks",
    ]
    assert Concern.objects.get(relationship=worrying).reason.startswith("Sam said")
    # The mentor's messages in another pair, with no concern, are untouched by the mentee's
    # erasure, and go when the mentor is erased.
    assert Message.objects.filter(relationship=other).count() == 2
    assert _erase(other.mentor.user_id) == {}
    assert not Message.objects.filter(relationship=other).exists()
