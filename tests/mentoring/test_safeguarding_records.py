"""Erasing a mentor or a mentee: what they wrote goes, except a pair's messages and concerns once
a concern about the pair has been raised, which are safeguarding records (kept, and the erasure
report says why)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.rights.test_pages import detail, dpo, recorded
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
from widen.rights.models import RequestKind
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


def test_the_data_protection_officer_sees_which_records_are_kept_and_why(world: World) -> None:
    worrying = _pair(world, "4")
    Concern.objects.create(
        relationship=worrying, raised_by=worrying.mentor.user, reason="Asked to meet alone"
    )
    student = worrying.mentee.student
    rights_request = recorded(world.alpha, RequestKind.ERASURE, name="Sam Mentee4")
    rights_request.users.add(student.user)
    rights_request.identity_confirmed_on = timezone.localdate()
    rights_request.identity_evidence = "Known to the university"
    rights_request.save()
    client = dpo(world)
    erase = f"{detail(rights_request)}erase/"

    before = client.get(erase).content.decode()
    after = client.post(erase).content.decode()

    kept = "A concern was raised about the mentoring relationship"
    assert "Messages between you and your mentor or mentee" in before
    assert kept in before
    assert kept in after
    assert Message.objects.filter(relationship=worrying).count() == 2
