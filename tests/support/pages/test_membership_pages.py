"""A scheme's manager, on its members page, invites everyone eligible (nobody twice), sees the
invitations and members with their status and why, and decides applications with the
student's evidence; a decision already made is not made again; another provider's manager
finds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from tests.support.schemes import FIRST_IN_FAMILY, SYSTEM, alpha_students, make_scheme
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.core import request_context
from widen.students.models import Student
from widen.support.models import MembershipStatus, Scheme, SchemeMembership
from widen.support.services.memberships import membership_apply
from widen.support.services.schemes import scheme_eligibility_compute
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def manager(world: World) -> Client:
    return signed_in_client(world.users[Role.OUTREACH_OFFICER])


def page_text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def worked_out_scheme(world: World) -> Scheme:
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="First in family mentoring")
    with request_context.bind(source="test", actor=None):
        scheme_eligibility_compute(scheme, actor=SYSTEM)
    return scheme


def applied(student: Student, scheme: Scheme, evidence: str) -> SchemeMembership:
    """The student, signed in, applies with evidence."""
    user = make_user(f"student.{student.student_number.lower()}", None, None)
    Student.objects.filter(pk=student.pk).update(user=user)
    with request_context.bind(source="test", actor=user):
        return membership_apply(actor=user, scheme=scheme, evidence=evidence)


def test_a_manager_invites_everyone_eligible_once_and_sees_them_with_why(world: World) -> None:
    students = alpha_students(world)
    scheme = worked_out_scheme(world)
    client = manager(world)
    members = reverse("support:scheme_members", args=[scheme.pk])
    assert "Members and invitations" in page_text(
        client.get(reverse("support:scheme", args=[scheme.pk]))
    )
    assert "Nobody invited yet" in page_text(client.get(members))

    invite = reverse("support:scheme_invite", args=[scheme.pk])
    text = page_text(client.post(invite, follow=True))
    assert "Invited 1 student to First in family mentoring. Each is told why." in text
    assert "Ben Student" in text
    assert "Found eligible from their records" in text
    assert "eligible: first in family" in text
    assert "Cat Student" not in text  # not eligible, not invited

    again = page_text(client.post(invite, follow=True))
    assert "Nobody new to invite: everyone eligible has been invited already." in again
    (membership,) = SchemeMembership.objects.all()
    assert membership.student == students["ben"]
    assert membership.status == MembershipStatus.INVITED
    # One invitation is a small number: the count by status is not shown.
    assert "<td>Invited</td><td>fewer than 5</td>" in again
    assert AccessLogEntry.objects.filter(
        purpose="members and applications of the support scheme First in family mentoring"
    ).exists()


def test_a_manager_accepts_and_refuses_applications_with_the_evidence(world: World) -> None:
    students = alpha_students(world)
    scheme = worked_out_scheme(world)
    ann = applied(students["ann"], scheme, "My parents did not go to university.")
    cat = applied(students["cat"], scheme, "I am the first of my family to study.")
    client = manager(world)
    members = reverse("support:scheme_members", args=[scheme.pk])
    text = page_text(client.get(members))
    assert "My parents did not go to university." in text
    assert "Applied with evidence" in text

    accept = reverse("support:membership_decide", args=[scheme.pk, ann.pk])
    text = page_text(client.post(accept, {"decision": "accept"}, follow=True))
    assert "Accepted Ann Student: they are a member and have been told." in text
    ann.refresh_from_db()
    assert ann.status == MembershipStatus.MEMBER

    refuse = reverse("support:membership_decide", args=[scheme.pk, cat.pk])
    text = page_text(client.post(refuse, {"decision": "refuse", "reason": ""}, follow=True))
    assert "Say why the application is refused: the student is told." in text
    cat.refresh_from_db()
    assert cat.status == MembershipStatus.APPLIED
    reason = "Your records show a parent with a degree."
    text = page_text(client.post(refuse, {"decision": "refuse", "reason": reason}, follow=True))
    assert "Refused the application of Cat Student; they have been told why." in text
    assert f"Refused: {reason}" in text
    assert "No applications waiting." in text

    # Deciding again (a stale page) changes nothing and says why.
    stale = page_text(client.post(accept, {"decision": "refuse", "reason": "x"}, follow=True))
    assert "This scheme membership is member, so it cannot be refused now." in stale
    ann.refresh_from_db()
    assert ann.status == MembershipStatus.MEMBER


def test_another_providers_manager_and_other_roles_find_nothing(world: World) -> None:
    students = alpha_students(world)
    scheme = worked_out_scheme(world)
    application = applied(students["cat"], scheme, "I am the first of my family to study.")
    beta_manager = signed_in_client(make_user("beta.officer", world.beta, Role.OUTREACH_OFFICER))
    read_only = signed_in_client(world.users[Role.READ_ONLY])
    decide = reverse("support:membership_decide", args=[scheme.pk, application.pk])
    for client in (beta_manager, read_only):
        assert client.get(reverse("support:scheme_members", args=[scheme.pk])).status_code == 404
        invite = client.post(reverse("support:scheme_invite", args=[scheme.pk]))
        assert invite.status_code == 404
        assert client.post(decide, {"decision": "accept"}).status_code == 404
    other = make_scheme(world, FIRST_IN_FAMILY, name="Another scheme")
    wrong_scheme = reverse("support:membership_decide", args=[other.pk, application.pk])
    assert manager(world).post(wrong_scheme, {"decision": "accept"}).status_code == 404
    assert SchemeMembership.objects.get().status == MembershipStatus.APPLIED
