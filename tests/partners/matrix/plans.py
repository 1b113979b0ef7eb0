"""Flexibility plans: the cells of "My plan" and of a coordinator's view of a partner's plan.

Rules:
  plan_mine           the student's own plans ("My plan", no object in the URL): only a student
                      signed in as themselves has one, so every staff role gets 404; the student's
                      own access is proved in tests/partners/test_plans.py
  plan_own_partner    changing the plan of one of the student's own partner records, or adding a
                      one-off change to it: staff 404 whatever the partner's provider (own: Alpha
                      University; partner: Beta; unrelated: Gamma), coordinators included, as
                      only the student changes their plan
  plan_own_change     removing one of the student's own one-off changes: staff 404
  plan_coordinate     a partner's plan, read only: own (Alpha University's partner) for its
                      coordinators (`partners.coordinate`); partner (Beta) and unrelated (Gamma)
                      providers' partners answer as missing
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.authz.rules import C, Rule, own
from tests.partners.factories import make_partner
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.partners.models import Partner, PlanChange
from widen.testing.world import World

RULES = {
    "plan_mine": Rule({}),
    "plan_own_partner": Rule({}),
    "plan_own_change": Rule({}),
    "plan_coordinate": own(C.PARTNERS_COORDINATE),
}


def _provider(world: World, relation: str) -> Organisation:
    return {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}.get(
        relation, world.alpha
    )


def _partner(world: World, relation: str) -> Partner:
    number = f"MP-{relation.upper()}"
    found = Partner.objects.filter(student__student_number=number).first()
    return found or make_partner(_provider(world, relation), number)


def _change(world: World, relation: str) -> PlanChange:
    """A one-off change (a day off) of the relation's partner's plan, made afresh each time."""
    partner = _partner(world, relation)
    with request_context.bind(source="test"):
        return PlanChange.objects.create(
            plan=partner.plan,
            organisation=partner.organisation,
            date=date(2099, 1, 1 + PlanChange.objects.count() % 28),
        )


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule in {"plan_own_partner", "plan_coordinate"}:
        return {"partner_id": _partner(world, relation).pk}
    if rule == "plan_own_change":
        return {"change_id": _change(world, relation).pk}
    return {}
