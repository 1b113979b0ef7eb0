"""Scheme memberships: the cells of their pages.

Rules:
  scheme_keep         (schemes.py) a scheme's members page and inviting everyone eligible
  membership_decide   accepting or refusing an application to a scheme: own (Alpha University's)
                      for its scheme managers; applications to partner (Beta) and unrelated
                      (Gamma) providers' schemes answer as missing
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.authz.rules import C, own
from tests.students.records import make_student
from tests.support.matrix.schemes import _provider, _scheme
from widen.support.models import MembershipSource, MembershipStatus, SchemeMembership
from widen.testing.world import World

RULES = {
    "membership_decide": own(C.SUPPORT_SCHEMES_MANAGE),
}


def _application(world: World, relation: str) -> SchemeMembership:
    """An application waiting for a decision, to the relation's provider's scheme."""
    scheme = _scheme(world, relation)
    found = scheme.memberships.filter(status=MembershipStatus.APPLIED).first()
    if found is not None:
        return found
    provider = _provider(world, relation)
    student = make_student(provider, f"MX{scheme.memberships.count() + 1}", "Mia", "Applicant")
    now = timezone.now()
    return SchemeMembership.objects.create(
        scheme=scheme,
        student=student,
        status=MembershipStatus.APPLIED,
        source=MembershipSource.APPLICATION,
        evidence="I was in care until I was 16; my social worker can confirm it.",
        applied_at=now,
        status_changed_at=now,
    )


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    membership = _application(world, relation)
    return {"scheme_id": membership.scheme_id, "membership_id": membership.pk}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "support:scheme_invite":
        return {}
    if name == "support:membership_decide":
        return {"decision": "accept"}
    return None
