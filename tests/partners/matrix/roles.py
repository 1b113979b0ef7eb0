"""Roles, applications and onboarding checks: the cells of their pages.

Rules:
  roles_keep          the roles list, adding a role, the applications queue and the partners
                      list (no object in the URL): coordinators (`partners.coordinate`)
  role_keep           changing a role: own (Alpha University's) for its coordinators; partner
                      (Beta) and unrelated (Gamma) providers' roles answer as missing
  application_decide  a sent application (reading it, offering or declining): as role_keep
  partner_keep        a partner's page (their checks, recording one): as role_keep
  roles_mine          "Roles you can apply for" and "My applications" (no object in the URL):
                      no staff role has a student record (404); a student's own access is
                      proved in tests/partners/test_applications.py
  role_apply          applying to a role: only a student of the role's provider (staff 404)
  application_own     one of a student's own applications: staff 404, whatever its provider
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.authz.rules import C, Rule, own, person
from tests.partners.factories import make_partner, make_role
from widen.accounts.models import Role as StaffRole
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.partners.models import Application, ApplicationStatus, Partner, Role
from widen.students.models import Student
from widen.testing.world import World

RULES = {
    "roles_keep": person(C.PARTNERS_COORDINATE),
    "role_keep": own(C.PARTNERS_COORDINATE),
    "application_decide": own(C.PARTNERS_COORDINATE),
    "partner_keep": own(C.PARTNERS_COORDINATE),
    "roles_mine": Rule({}),
    "role_apply": Rule({}),
    "application_own": Rule({}),
}


def _provider(world: World, relation: str) -> Organisation:
    return {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}.get(
        relation, world.alpha
    )


def _coordinator(world: World) -> Any:
    return world.users[StaffRole.OUTREACH_OFFICER]


def _role(world: World, relation: str) -> Role:
    roles: dict[str, Role] = world.__dict__.setdefault("matrix_partner_roles", {})
    if relation not in roles:
        roles[relation] = make_role(
            _provider(world, relation), _coordinator(world), title=f"Matrix role {relation}"
        )
    return roles[relation]


def _partner(world: World, relation: str) -> Partner:
    partners: dict[str, Partner] = world.__dict__.setdefault("matrix_role_partners", {})
    if relation not in partners:
        provider = _provider(world, relation)
        partners[relation] = make_partner(
            provider, f"MR-{relation.upper()}", roles=(_role(world, relation),)
        )
    return partners[relation]


def _application(world: World, relation: str, status: str) -> Application:
    """A fresh application (of a new student) to the relation's provider's role: a decided
    one is gone from the queue, so each cell has its own."""
    provider = _provider(world, relation)
    number = f"MA-{Student.objects.filter(organisation=provider).count()}"
    with request_context.bind(source="test"):
        student = Student.objects.create(
            organisation=provider,
            student_number=number,
            first_name="Matrix",
            last_name=f"Applicant{number}",
        )
        return Application.objects.create(
            role=_role(world, relation),
            student=student,
            status=status,
            why_this_role="Matrix",
            what_you_bring="Matrix",
            decide_by=date(2026, 12, 18) if status == ApplicationStatus.SUBMITTED else None,
        )


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule in {"roles_keep", "roles_mine"}:
        return {}
    if rule in {"role_keep", "role_apply"}:
        return {"role_id": _role(world, relation).pk}
    if rule == "partner_keep":
        return {"partner_id": _partner(world, relation).pk}
    if rule == "application_decide":
        return {"application_id": _application(world, relation, ApplicationStatus.SUBMITTED).pk}
    return {"application_id": _application(world, relation, ApplicationStatus.DRAFT).pk}


def _role_body(world: World, counter: int) -> dict[str, Any]:
    return {
        "kind": "ambassador",
        "title": f"Matrix ambassador {counter}",
        "work_involved": "Campus tours.",
        "hourly_rate": "13.00",
        "coordinator": str(_coordinator(world).pk),
        "decision_working_days": "10",
        "needs_training": "on",
        "is_open": "on",
    }


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "partners:role_create":
        return {"organisation": str(world.alpha.pk), **_role_body(world, counter)}
    if name == "partners:role_edit":
        return _role_body(world, counter)
    if name == "partners:application":
        return {"decision": "decline", "note": f"Matrix {counter}"}
    if name == "partners:partner":
        return {"kind": "training", "completed_on": "2026-09-01", "expires_on": "2027-09-01"}
    if name == "partners:apply":
        return {"why_this_role": "Matrix", "action": "save"}
    if name == "partners:my_application":
        return {"why_this_role": "Matrix", "action": "save"}
    return None
