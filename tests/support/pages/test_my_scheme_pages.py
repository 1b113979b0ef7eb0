"""A student signed in by link sees their own support schemes: an invitation with why they are
eligible and what membership means, which they join or say no thanks to; a scheme they belong
to, which they leave after confirming; and their provider's other schemes, which they ask to
join with evidence. An answer already given is not given again; another student's membership
and another provider's scheme are missing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.students.mine.support import signed_in_by_link, student_at
from tests.support.schemes import FIRST_IN_FAMILY, SYSTEM, make_scheme
from widen.core import request_context
from widen.organisations.models import SpecialCategoryCondition
from widen.students.models import Student
from widen.support.models import MembershipSource, MembershipStatus, Scheme, SchemeMembership
from widen.support.services.memberships import memberships_invite
from widen.support.services.schemes import scheme_create, scheme_eligibility_compute
from widen.testing.world import World

pytestmark = pytest.mark.django_db

ANN = "ann.first@example.ac.uk"
BEN = "ben.second@example.ac.uk"


def page_text(response: Any) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def students(world: World) -> dict[str, Student]:
    return {
        "ann": student_at(world.alpha, "S1", ANN, first_name="Ann", first_in_family=True),
        "ben": student_at(world.alpha, "S2", BEN, first_name="Ben", first_in_family=True),
    }


@pytest.fixture
def scheme(world: World, students: dict[str, Student]) -> Scheme:
    """A scheme for first-in-family students, its eligible students (Ann and Ben) invited."""
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="First in family mentoring")
    scheme.purpose = "Mentoring by a student who was first in their family at university."
    scheme.save(update_fields=["purpose"])
    with request_context.bind(source="test", actor=None):
        scheme_eligibility_compute(scheme, actor=SYSTEM)
        memberships_invite(scheme, actor=SYSTEM)
    return scheme


def signed_in(email: str, capture: Any) -> Client:
    return signed_in_by_link(email, capture)


def membership_of(student: Student) -> SchemeMembership:
    return SchemeMembership.objects.get(student=student)


def test_a_student_joins_an_invitation_and_later_leaves_after_confirming(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = signed_in(ANN, django_capture_on_commit_callbacks)
    mine = page_text(client.get(reverse("support:my_schemes")))
    assert "First in family mentoring" in mine
    assert "Why you are eligible" in mine
    assert "eligible: first in family" in mine
    assert "You can decline now, or leave at any time" in mine  # what membership means
    assert "Mentoring by a student who was first in their family" in mine

    membership = membership_of(students["ann"])
    join = reverse("support:my_membership_join", args=[membership.pk])
    text = page_text(client.post(join, follow=True))
    assert "You are a member of First in family mentoring." in text
    assert "Schemes you belong to" in text
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.MEMBER

    # Joining again (a stale page) changes nothing and says why.
    again = page_text(client.post(join, follow=True))
    assert "This scheme membership is member, so it cannot be joined now." in again

    leave = reverse("support:my_membership_leave", args=[membership.pk])
    confirm = page_text(client.get(leave))
    assert "Leave First in family mentoring?" in confirm
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.MEMBER  # nothing changes until confirmed
    text = page_text(client.post(leave, follow=True))
    assert "You have left First in family mentoring." in text
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT
    assert membership.ended_at is not None


def test_a_student_says_no_thanks_and_is_not_asked_again(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = signed_in(BEN, django_capture_on_commit_callbacks)
    membership = membership_of(students["ben"])
    decline = reverse("support:my_membership_decline", args=[membership.pk])
    text = page_text(client.post(decline, follow=True))
    assert "You said no thanks to First in family mentoring." in text
    assert "No invitations just now." in text
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.DECLINED
    with request_context.bind(source="test", actor=None):
        assert memberships_invite(scheme, actor=SYSTEM).invited == 0


def test_a_student_asks_to_join_a_scheme_with_evidence(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with request_context.bind(source="test"):
        hardship = scheme_create(
            actor=SYSTEM,
            organisation=world.alpha,
            name="Hardship fund",
            definition={"any": [{"all": [{"criterion": "care_experienced"}]}]},
            purpose="Help with costs for care-experienced students.",
            special_category_condition=SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_STATUTORY,
        )
    client = signed_in(ANN, django_capture_on_commit_callbacks)
    mine = page_text(client.get(reverse("support:my_schemes")))
    assert "Schemes you can ask to join" in mine
    assert "Hardship fund" in mine

    apply = reverse("support:my_scheme_apply", args=[hardship.pk])
    empty = page_text(client.post(apply, {"evidence": "  "}))
    assert "Say why you are eligible: what applies to you and how we can check it." in empty
    assert not SchemeMembership.objects.filter(scheme=hardship).exists()

    evidence = "I lived with foster carers until I was 18; my local authority can confirm it."
    text = page_text(client.post(apply, {"evidence": evidence}, follow=True))
    assert "Your application to Hardship fund is sent." in text
    assert "Waiting for a decision" in text
    application = SchemeMembership.objects.get(scheme=hardship)
    assert application.student == students["ann"]
    assert application.status == MembershipStatus.APPLIED
    assert application.source == MembershipSource.APPLICATION
    assert application.evidence == evidence

    # Asking again is refused with a clear message, and nothing more is saved.
    again = page_text(client.post(apply, {"evidence": evidence}, follow=True))
    assert "You have already been invited to, or applied to, Hardship fund." in again
    assert SchemeMembership.objects.filter(scheme=hardship).count() == 1


def test_another_students_membership_and_another_providers_scheme_are_missing(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = signed_in(ANN, django_capture_on_commit_callbacks)
    bens = membership_of(students["ben"])
    for name in ("support:my_membership_join", "support:my_membership_decline"):
        assert client.post(reverse(name, args=[bens.pk])).status_code == 404
    leave = reverse("support:my_membership_leave", args=[bens.pk])
    assert client.get(leave).status_code == 404
    assert client.post(leave).status_code == 404
    bens.refresh_from_db()
    assert bens.status == MembershipStatus.INVITED

    with request_context.bind(source="test"):
        beta_scheme = scheme_create(
            actor=SYSTEM, organisation=world.beta, name="Beta bursary", definition=FIRST_IN_FAMILY
        )
    assert "Beta bursary" not in page_text(client.get(reverse("support:my_schemes")))
    apply = reverse("support:my_scheme_apply", args=[beta_scheme.pk])
    assert client.get(apply).status_code == 404
    assert client.post(apply, {"evidence": "I am first in my family."}).status_code == 404
    assert not SchemeMembership.objects.filter(scheme=beta_scheme).exists()
