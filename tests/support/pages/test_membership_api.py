"""Scheme memberships through the JSON API, with tokens: a scheme's manager lists its
memberships (one status at a time) and accepts or refuses an application, saying why; a student
lists their own, joins, says no thanks, leaves, and asks to join a scheme open to them with
evidence. A body naming a membership's status, source or contact choice is refused (or, where
an answer reads no body, ignored) and changes nothing of them; another student's membership
and another provider's scheme answer 404."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import api_call
from tests.support.schemes import FIRST_IN_FAMILY, SYSTEM, make_scheme
from widen.accounts.models import Role
from widen.accounts.services import api_token_create
from widen.accounts.sign_in_links import link_account_create
from widen.audit.models import AccessLogEntry
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.students.models import Student
from widen.support.models import MembershipSource, MembershipStatus, Scheme, SchemeMembership
from widen.support.services.memberships import memberships_invite
from widen.support.services.schemes import scheme_create, scheme_eligibility_compute
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1/support"
EVIDENCE = "I lived with foster carers until I was 18; my local authority can confirm it."


def student_with_token(provider: Organisation, number: str, first_name: str) -> tuple[Student, str]:
    """A first-in-family student of `provider`, signed in to their own account, and its token."""
    with request_context.bind(source="test"):
        student = Student.objects.create(
            organisation=provider,
            student_number=number,
            first_name=first_name,
            last_name="Osei",
            email=f"{number.lower()}@students.example.ac.uk",
            first_in_family=True,
        )
        user = link_account_create(email=student.email, first_name=first_name, last_name="Osei")
        student.user = user
        student.save(update_fields=["user"])
    return student, api_token_create(user=user, name="Phone")[1]


@pytest.fixture
def students(world: World) -> dict[str, tuple[Student, str]]:
    return {
        "ann": student_with_token(world.alpha, "S1", "Ann"),
        "ben": student_with_token(world.alpha, "S2", "Ben"),
    }


@pytest.fixture
def scheme(world: World, students: dict[str, tuple[Student, str]]) -> Scheme:
    """A first-in-family scheme of Alpha's, Ann and Ben invited."""
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="First in family mentoring")
    with request_context.bind(source="test", actor=None):
        scheme_eligibility_compute(scheme, actor=SYSTEM)
        memberships_invite(scheme, actor=SYSTEM)
    return scheme


@pytest.fixture
def hardship(world: World) -> Scheme:
    with request_context.bind(source="test"):
        return scheme_create(
            actor=SYSTEM,
            organisation=world.alpha,
            name="Hardship fund",
            definition=FIRST_IN_FAMILY,
            purpose="Help with costs.",
        )


def officer(world: World) -> str:
    return world.tokens[Role.OUTREACH_OFFICER]


def membership_of(student: Student, scheme: Scheme) -> SchemeMembership:
    return SchemeMembership.objects.get(student=student, scheme=scheme)


def test_a_student_joins_declines_and_leaves_only_their_own(
    world: World, students: dict[str, tuple[Student, str]], scheme: Scheme
) -> None:
    (ann, ann_token), (ben, ben_token) = students["ann"], students["ben"]
    mine = api_call(ann_token, "GET", f"{API}/mine/memberships").json()
    assert mine["count"] == 1
    (invitation,) = mine["results"]
    assert invitation["scheme"] == "First in family mentoring"
    assert invitation["status"] == MembershipStatus.INVITED
    assert "first in family" in invitation["reason"]
    assert invitation["may_contact"] is True

    bens = membership_of(ben, scheme)
    for answer in ("join", "decline", "leave"):
        refused = api_call(ann_token, "POST", f"{API}/mine/memberships/{bens.pk}/{answer}")
        assert refused.status_code == 404
    bens.refresh_from_db()
    assert bens.status == MembershipStatus.INVITED

    path = f"{API}/mine/memberships/{invitation['id']}"
    joined = api_call(ann_token, "POST", f"{path}/join")
    assert joined.status_code == 200, joined.content
    assert joined.json()["status"] == MembershipStatus.MEMBER
    left = api_call(ann_token, "POST", f"{path}/leave")
    assert left.json()["status"] == MembershipStatus.LEFT
    assert api_call(ann_token, "POST", f"{path}/join").status_code == 422  # not invited now

    declined = api_call(ben_token, "POST", f"{API}/mine/memberships/{bens.pk}/decline")
    assert declined.json()["status"] == MembershipStatus.DECLINED
    assert membership_of(ann, scheme).status == MembershipStatus.LEFT


@pytest.mark.parametrize(
    "extra",
    [
        {"status": MembershipStatus.LEFT},
        {"source": MembershipSource.RECORDS},
        {"may_contact": False},
    ],
)
def test_a_body_cannot_set_a_memberships_status_source_or_contact_choice(
    world: World,
    students: dict[str, tuple[Student, str]],
    scheme: Scheme,
    hardship: Scheme,
    extra: dict[str, Any],
) -> None:
    ann, token = students["ann"]
    apply = f"{API}/mine/schemes/{hardship.pk}/apply"
    refused = api_call(token, "POST", apply, {"evidence": EVIDENCE, **extra})
    assert refused.status_code == 422
    assert not SchemeMembership.objects.filter(scheme=hardship).exists()

    # Joining reads no body: what one sends is ignored, and joining does only what it says.
    invitation = membership_of(ann, scheme)
    joined = api_call(token, "POST", f"{API}/mine/memberships/{invitation.pk}/join", extra)
    assert joined.status_code == 200
    invitation.refresh_from_db()
    assert (invitation.status, invitation.source, invitation.may_contact) == (
        MembershipStatus.MEMBER,
        MembershipSource.RECORDS,
        True,
    )


def test_a_student_applies_with_evidence_and_a_manager_decides(
    world: World,
    students: dict[str, tuple[Student, str]],
    scheme: Scheme,
    hardship: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ann, token = students["ann"]
    open_to_me = api_call(token, "GET", f"{API}/mine/schemes").json()
    assert [row["name"] for row in open_to_me["results"]] == ["Hardship fund"]

    apply = f"{API}/mine/schemes/{hardship.pk}/apply"
    assert api_call(token, "POST", apply, {"evidence": "   "}).status_code == 422
    applied = api_call(token, "POST", apply, {"evidence": EVIDENCE})
    assert applied.status_code == 201, applied.content
    assert applied.json()["status"] == MembershipStatus.APPLIED
    assert applied.json()["evidence"] == EVIDENCE
    again = api_call(token, "POST", apply, {"evidence": EVIDENCE})
    assert again.status_code == 422
    assert "already" in again.json()["detail"]
    assert api_call(token, "GET", f"{API}/mine/schemes").json()["count"] == 0

    manager = officer(world)
    listed = f"{API}/schemes/{hardship.pk}/memberships"
    waiting = api_call(manager, "GET", f"{listed}?status=applied").json()
    (application,) = waiting["results"]
    assert application["name"] == "Ann Osei"
    assert application["evidence"] == EVIDENCE
    assert AccessLogEntry.objects.filter(
        purpose__startswith="API members and applications", subject_id=ann.pk
    ).exists()
    assert api_call(manager, "GET", f"{listed}?status=member").json()["count"] == 0

    decide = f"{listed}/{application['id']}/decide"
    no_reason = api_call(manager, "POST", decide, {"decision": "refuse"})
    assert no_reason.status_code == 422
    assert no_reason.json()["field"] == "reason"
    assert membership_of(ann, hardship).status == MembershipStatus.APPLIED
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api_call(manager, "POST", decide, {"decision": "accept"})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == MembershipStatus.MEMBER
    members = api_call(manager, "GET", f"{listed}?status=member").json()
    assert [row["name"] for row in members["results"]] == ["Ann Osei"]

    # The decision belongs to this scheme: the same application under another is missing.
    elsewhere = f"{API}/schemes/{scheme.pk}/memberships/{application['id']}/decide"
    assert api_call(manager, "POST", elsewhere, {"decision": "accept"}).status_code == 404


def test_another_providers_manager_and_scheme_are_missing(
    world: World, students: dict[str, tuple[Student, str]], scheme: Scheme
) -> None:
    beta_user = make_user("support.beta", world.beta, Role.OUTREACH_OFFICER)
    beta_token = api_token_create(user=beta_user, name="Beta")[1]
    assert api_call(beta_token, "GET", f"{API}/schemes/{scheme.pk}/memberships").status_code == 404

    with request_context.bind(source="test"):
        beta_scheme = scheme_create(
            actor=SYSTEM, organisation=world.beta, name="Beta bursary", definition=FIRST_IN_FAMILY
        )
    _, token = students["ann"]
    names = [row["name"] for row in api_call(token, "GET", f"{API}/mine/schemes").json()["results"]]
    assert "Beta bursary" not in names
    apply = f"{API}/mine/schemes/{beta_scheme.pk}/apply"
    assert api_call(token, "POST", apply, {"evidence": EVIDENCE}).status_code == 404
    assert not SchemeMembership.objects.filter(scheme=beta_scheme).exists()
    # A manager has no memberships of their own to list.
    assert api_call(officer(world), "GET", f"{API}/mine/memberships").json()["count"] == 0
