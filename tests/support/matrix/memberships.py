"""Scheme memberships: the cells of their pages and API (the API's cells reuse the pages' rules;
a student's own lists in the API are `signed_in`: staff with no student record get none).

Rules:
  scheme_keep         (schemes.py) a scheme's members page and inviting everyone eligible
  membership_decide   accepting or refusing an application to a scheme: own (Alpha University's)
                      for its scheme managers; applications to partner (Beta) and unrelated
                      (Gamma) providers' schemes answer as missing
  schemes_mine        a student's own support schemes page: no staff role has a student record
                      (404); a student's own access is proved in
                      tests/support/pages/test_my_scheme_pages.py
  scheme_join_mine    asking to join a scheme with evidence: only a student of its provider
                      (staff 404)
  membership_own      answering one's own invitation or leaving a scheme: staff 404, whatever
                      the scheme's provider (its managers included)
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.authz.rules import C, Rule, own
from tests.students.records import make_student
from tests.support.matrix.schemes import _provider, _scheme
from widen.support.models import MembershipSource, MembershipStatus, SchemeMembership
from widen.testing.world import World

RULES = {
    "membership_decide": own(C.SUPPORT_SCHEMES_MANAGE),
    "schemes_mine": Rule({}),
    "scheme_join_mine": Rule({}),
    "membership_own": Rule({}),
}


def _membership(world: World, relation: str, status: str) -> SchemeMembership:
    """A membership at `status` (an application waiting for a decision, an invitation) of a
    student of the relation's provider, to its scheme."""
    scheme = _scheme(world, relation)
    found = scheme.memberships.filter(status=status).first()
    if found is not None:
        return found
    provider = _provider(world, relation)
    student = make_student(provider, f"MX{scheme.memberships.count() + 1}", "Mia", "Applicant")
    now = timezone.now()
    applied = status == MembershipStatus.APPLIED
    return SchemeMembership.objects.create(
        scheme=scheme,
        student=student,
        status=status,
        source=MembershipSource.APPLICATION if applied else MembershipSource.RECORDS,
        evidence="I was in care until I was 16; my social worker can confirm it."
        if applied
        else "",
        reason="" if applied else "eligible: first in family",
        applied_at=now if applied else None,
        invited_at=None if applied else now,
        status_changed_at=now,
    )


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "schemes_mine":
        return {}
    if rule == "scheme_join_mine":
        return {"scheme_id": _scheme(world, relation).pk}
    if rule == "membership_own":
        return {"membership_id": _membership(world, relation, MembershipStatus.INVITED).pk}
    membership = _membership(world, relation, MembershipStatus.APPLIED)
    return {"scheme_id": membership.scheme_id, "membership_id": membership.pk}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "support:scheme_invite":
        return {}
    if name in {"support:membership_decide", "api:support_membership_decide_api"}:
        return {"decision": "accept"}
    if name in {"support:my_scheme_apply", "api:support_my_scheme_apply_api"}:
        return {"evidence": "My parents did not go to university."}
    if name in {
        "support:my_membership_join",
        "support:my_membership_decline",
        "support:my_membership_leave",
        "api:support_my_membership_join_api",
        "api:support_my_membership_decline_api",
        "api:support_my_membership_leave_api",
    }:
        return {}
    if name == "support:my_membership_contact":
        return {"may_contact": "no"}
    if name == "api:support_my_membership_contact_api":
        return {"may_contact": False}
    return None
