"""The barriers register: the cells of partners' "Barriers" and of the coordinators' register.

Rules:
  barriers_mine       the registers of the student's providers ("Barriers", no object in the
                      URL): only a student who is a partner has any, so every staff role gets
                      404; the student's own access is proved in tests/partners/test_barriers.py
  barrier_raise_own   raising a barrier as one of the student's own partner records: staff 404
  barrier_register    a provider's register, and writing a barrier up from a workshop: own
                      (Alpha University) for its coordinators (`partners.coordinate`); partner
                      (Beta) and unrelated (Gamma) providers answer as missing
  barrier_keep        a barrier (its status, owner, response; adding a mitigation): as
                      barrier_register, for the barrier's provider
  mitigation_keep     changing a mitigation: as barrier_keep, for its barrier's provider
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from tests.authz.rules import C, Rule, own
from tests.partners.factories import make_partner
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.partners.models import Barrier, BarrierSource, BarrierStatus, Mitigation, Partner
from widen.testing.world import World

RULES = {
    "barriers_mine": Rule({}),
    "barrier_raise_own": Rule({}),
    "barrier_register": own(C.PARTNERS_COORDINATE),
    "barrier_keep": own(C.PARTNERS_COORDINATE),
    "mitigation_keep": own(C.PARTNERS_COORDINATE),
}


def _provider(world: World, relation: str) -> Organisation:
    return {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}.get(
        relation, world.alpha
    )


def _partner(world: World, relation: str) -> Partner:
    number = f"MB-{relation.upper()}"
    found = Partner.objects.filter(student__student_number=number).first()
    return found or make_partner(_provider(world, relation), number)


def _barrier(world: World, relation: str) -> Barrier:
    provider = _provider(world, relation)
    found = Barrier.objects.filter(organisation=provider, title="Matrix barrier").first()
    if found is not None:
        return found
    with request_context.bind(source="test"):
        return Barrier.objects.create(
            organisation=provider,
            title="Matrix barrier",
            description="Shifts start before the first bus.",
            source=BarrierSource.WORKSHOP,
        )


def _mitigation(world: World, relation: str) -> Mitigation:
    barrier = _barrier(world, relation)
    found = barrier.mitigations.first()
    if found is not None:
        return found
    with request_context.bind(source="test"):
        return Mitigation.objects.create(barrier=barrier, description="Later starts")


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "barrier_raise_own":
        return {"partner_id": _partner(world, relation).pk}
    if rule == "barrier_register":
        return {"organisation_id": _provider(world, relation).pk}
    if rule == "barrier_keep":
        return {"barrier_id": _barrier(world, relation).pk}
    if rule == "mitigation_keep":
        return {"mitigation_id": _mitigation(world, relation).pk}
    return {}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    """A valid body for the coordinators' writes (each changes something)."""
    if name == "partners:barrier_add":
        return {"title": f"Barrier from a workshop {counter}", "description": "Too few seats."}
    if name == "partners:barrier":
        statuses = [BarrierStatus.OPEN, BarrierStatus.ACTING]
        return {"status": statuses[counter % 2], "response": f"Response {counter}"}
    if name in {"partners:mitigation_add", "partners:mitigation_edit"}:
        return {"description": f"Mitigation {counter}", "status": BarrierStatus.ACTING}
    if name == "partners:my_barrier_raise":
        return {"title": f"Barrier {counter}", "description": "Hard to reach."}
    return None
