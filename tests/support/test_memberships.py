"""Scheme memberships: the students a scheme finds eligible are invited, each told why, without
having to apply; they join, decline or leave; a student the records miss applies with evidence
and a scheme manager decides. Nobody moves another student's membership, and the evidence is
seen only by the student and the scheme's managers."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tests.support.schemes import (
    CARE_EXPERIENCED,
    FIRST_IN_FAMILY,
    SYSTEM,
    alpha_students,
    make_scheme,
)
from widen.accounts.models import Role, User
from widen.audit.models import AuditEvent, StateChange
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Notification
from widen.students.models import Student
from widen.support.models import MembershipSource, MembershipStatus, Scheme, SchemeMembership
from widen.support.permissions import membership_policy
from widen.support.services.memberships import (
    membership_apply,
    membership_decide,
    membership_decline,
    membership_join,
    membership_leave,
    memberships_invite,
)
from widen.support.services.schemes import scheme_eligibility_compute
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def account_of(student: Student) -> User:
    """The student signed in: an account linked to their record."""
    user = make_user(f"student.{student.student_number.lower()}", None, None)
    Student.objects.filter(pk=student.pk).update(user=user)
    return user


@pytest.fixture
def students(world: World) -> dict[str, Student]:
    return alpha_students(world)


@pytest.fixture
def scheme(world: World, students: dict[str, Student]) -> Scheme:
    scheme = make_scheme(world, CARE_EXPERIENCED, special=True, name="Care leavers' bursary")
    with request_context.bind(source="test", actor=None):
        scheme_eligibility_compute(scheme, actor=SYSTEM)
    return scheme


def adviser(world: World) -> User:
    return world.users[Role.STUDENT_SUPPORT_ADVISER]


def invite(world: World, scheme: Scheme, capture: Any) -> int:
    with capture(execute=True):
        return memberships_invite(scheme, actor=adviser(world)).invited


def test_invite_picks_exactly_the_eligible_students_and_tells_each_why_after_commit(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ann = account_of(students["ann"])
    with django_capture_on_commit_callbacks() as callbacks:
        result = memberships_invite(scheme, actor=adviser(world))
        assert not Notification.objects.exists()
    assert not Notification.objects.exists()  # nobody is told before the invitations are saved
    for callback in callbacks:
        callback()

    assert result.invited == 1
    membership = SchemeMembership.objects.get()
    assert membership.student == students["ann"]
    assert membership.status == MembershipStatus.INVITED
    assert membership.source == MembershipSource.RECORDS
    assert membership.reason.startswith("eligible: care experienced")
    assert membership.invited_by == adviser(world)
    told = Notification.objects.get()
    assert told.user == ann
    assert told.subject == "You are invited to join Care leavers' bursary"
    assert membership.reason in told.body_text
    assert "You can decline now, or leave at any time" in told.body_text


def test_a_student_without_an_account_is_written_to_at_their_contact_address(
    world: World,
    students: dict[str, Student],
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    Student.objects.filter(pk=students["ben"].pk).update(email="ben.a2@example.org")
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="First in family mentoring")
    with request_context.bind(source="test", actor=None):
        scheme_eligibility_compute(scheme, actor=SYSTEM)
    assert invite(world, scheme, django_capture_on_commit_callbacks) == 1
    told = Notification.objects.get()
    assert told.user is None
    assert told.email == "ben.a2@example.org"
    (sent,) = mailoutbox
    assert sent.to == ["ben.a2@example.org"]
    assert "Why you are eligible: eligible: first in family" in sent.body
    # No account yet: the e-mail says where to sign in with the address it was sent to.
    assert "Sign in to Widen to join or decline (with this e-mail address" in sent.body


def test_each_invitation_and_each_answer_is_on_the_record_with_who_made_it(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ann = account_of(students["ann"])
    with request_context.bind(source="test", actor=adviser(world)):
        invite(world, scheme, django_capture_on_commit_callbacks)
    membership = SchemeMembership.objects.get()
    created = AuditEvent.objects.get(object_type="support.schememembership")
    assert created.organisation_id == world.alpha.pk
    assert created.actor_username == adviser(world).username
    with request_context.bind(source="test", actor=ann):
        membership_decline(actor=ann, membership=membership)
    moved = StateChange.objects.get(object_id=str(membership.pk))
    assert (moved.from_state, moved.to_state) == ("invited", "declined")
    assert moved.actor_username == ann.username


def test_the_reason_is_kept_as_it_read_when_the_student_was_invited(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    invite(world, scheme, django_capture_on_commit_callbacks)
    reason = SchemeMembership.objects.get().reason
    Student.objects.filter(pk=students["ann"].pk).update(care_experienced=False)
    with request_context.bind(source="test", actor=None):
        scheme_eligibility_compute(scheme, actor=SYSTEM)
    assert SchemeMembership.objects.get().reason == reason


def test_inviting_twice_adds_nobody_and_a_declined_student_is_not_invited_again(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ann = account_of(students["ann"])
    assert invite(world, scheme, django_capture_on_commit_callbacks) == 1
    assert invite(world, scheme, django_capture_on_commit_callbacks) == 0
    membership = SchemeMembership.objects.get()
    membership_decline(actor=ann, membership=membership)
    assert invite(world, scheme, django_capture_on_commit_callbacks) == 0
    assert SchemeMembership.objects.get().status == MembershipStatus.DECLINED
    assert Notification.objects.filter(user=ann).count() == 1


def test_the_student_joins_and_later_leaves(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ann = account_of(students["ann"])
    invite(world, scheme, django_capture_on_commit_callbacks)
    membership = SchemeMembership.objects.get()
    joined = membership_join(actor=ann, membership=membership)
    assert joined.status == MembershipStatus.MEMBER
    assert joined.joined_at is not None
    assert joined.status_changed_by == ann
    with pytest.raises(ApplicationError):  # a second press from the same page
        membership_join(actor=ann, membership=membership)
    with pytest.raises(ApplicationError):  # an invitation already answered
        membership_decline(actor=ann, membership=membership)
    left = membership_leave(actor=ann, membership=membership)
    assert left.status == MembershipStatus.LEFT
    assert left.ended_at is not None


def test_nobody_else_answers_a_students_invitation(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    account_of(students["ann"])
    ben = account_of(students["ben"])
    invite(world, scheme, django_capture_on_commit_callbacks)
    membership = SchemeMembership.objects.get()
    for someone in (ben, adviser(world), world.users[Role.ORGANISATION_ADMIN]):
        with pytest.raises(NotFound):
            membership_join(actor=someone, membership=membership)
        with pytest.raises(NotFound):
            membership_decline(actor=someone, membership=membership)
    assert SchemeMembership.objects.get().status == MembershipStatus.INVITED


def test_a_student_the_records_miss_applies_with_evidence_and_a_manager_accepts(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    cat = account_of(students["cat"])
    applied = membership_apply(
        actor=cat, scheme=scheme, evidence="I was in foster care from 12 to 18 (Leeds)."
    )
    assert applied.status == MembershipStatus.APPLIED
    assert applied.source == MembershipSource.APPLICATION
    assert applied.student == students["cat"]
    with pytest.raises(ApplicationError):
        membership_apply(actor=cat, scheme=scheme, evidence="Again")
    with pytest.raises(NotFound):  # a student does not decide their own application
        membership_decide(actor=cat, membership=applied, accept=True)

    with django_capture_on_commit_callbacks(execute=True):
        decided = membership_decide(actor=adviser(world), membership=applied, accept=True)
    assert decided.status == MembershipStatus.MEMBER
    assert decided.decided_by == adviser(world)
    assert Notification.objects.get(user=cat).subject == "You are a member of Care leavers' bursary"
    with pytest.raises(ApplicationError):  # already decided
        membership_decide(
            actor=adviser(world), membership=applied, accept=False, reason="No evidence"
        )
    # Invitations later pass over a student who is already a member.
    assert invite(world, scheme, django_capture_on_commit_callbacks) == 1
    assert SchemeMembership.objects.get(student=students["cat"]).status == MembershipStatus.MEMBER


def test_a_refusal_says_why_and_the_student_is_told(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    cat = account_of(students["cat"])
    applied = membership_apply(actor=cat, scheme=scheme, evidence="My aunt looked after me.")
    with pytest.raises(ApplicationError):
        membership_decide(actor=adviser(world), membership=applied, accept=False, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        refused = membership_decide(
            actor=adviser(world),
            membership=applied,
            accept=False,
            reason="An informal family arrangement is not care: come and talk to us.",
        )
    assert refused.status == MembershipStatus.REFUSED
    assert "not care: come and talk to us" in Notification.objects.get(user=cat).body_text


def test_an_application_needs_evidence_and_a_scheme_of_the_students_own_provider(
    world: World, students: dict[str, Student], scheme: Scheme
) -> None:
    cat = account_of(students["cat"])
    bea = account_of(students["bea"])
    with pytest.raises(ApplicationError):
        membership_apply(actor=cat, scheme=scheme, evidence="   ")
    with pytest.raises(NotFound):  # Beta's student, Alpha's scheme
        membership_apply(actor=bea, scheme=scheme, evidence="I was in care.")
    with pytest.raises(NotFound):  # staff are not students
        membership_apply(actor=adviser(world), scheme=scheme, evidence="I was in care.")
    assert not SchemeMembership.objects.exists()


def test_the_evidence_is_seen_only_by_the_student_and_the_schemes_managers(
    world: World, students: dict[str, Student], scheme: Scheme
) -> None:
    cat = account_of(students["cat"])
    ben = account_of(students["ben"])
    applied = membership_apply(actor=cat, scheme=scheme, evidence="Estranged since 2021.")
    beta_adviser = make_user("adviser.beta", world.beta, Role.STUDENT_SUPPORT_ADVISER)
    for someone in (cat, adviser(world), world.users[Role.OUTREACH_OFFICER]):
        assert membership_policy.get(someone, applied.pk).evidence == "Estranged since 2021."
    for someone in (ben, beta_adviser, world.users[Role.READ_ONLY], world.users[Role.EVALUATOR]):
        with pytest.raises(NotFound):
            membership_policy.get(someone, applied.pk)
        with pytest.raises(NotFound):
            membership_decide(actor=someone, membership=applied, accept=True)
    assert SchemeMembership.objects.get().status == MembershipStatus.APPLIED


def test_the_evidence_is_ciphertext_in_the_database(
    world: World, students: dict[str, Student], scheme: Scheme
) -> None:
    cat = account_of(students["cat"])
    membership_apply(actor=cat, scheme=scheme, evidence="Foster care, Leeds, 2012")
    with connection.cursor() as cursor:
        cursor.execute("SELECT evidence FROM support_schememembership")
        (stored,) = cursor.fetchone()
    assert stored
    assert "Foster" not in stored
    assert SchemeMembership.objects.get().evidence == "Foster care, Leeds, 2012"
