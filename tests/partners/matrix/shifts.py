"""Shifts: the cells of the coordinator's rota and shift pages and a student's own shift pages.

Rules:
  rota_keep           the week rota and adding a shift: coordinators (`partners.coordinate`)
  shift_keep          a shift (its page, changing it, offering its places, allocating one): own
                      (Alpha University's) for its coordinators; partner (Beta) and unrelated
                      (Gamma) providers' shifts answer as missing
  shift_cancel_keep   cancelling a shift: as shift_keep (a shift of its own, so the others stay
                      open)
  booking_keep        recording what a booked partner worked: as shift_keep
  shifts_mine         a student's open shifts (no object in the URL): no staff role has any
                      (404); the student's own access is proved in
                      tests/partners/test_shift_pages.py
  shift_offered_own   a shift offered to a student (claiming it): staff 404
  booking_own         a student's own booking (its page, dropping, swapping, calling a swap
                      off): staff 404
  swap_asked_own      a booking a colleague asked the student to take over: staff 404
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from tests.authz.rules import C, Rule, own, person
from tests.partners.factories import make_partner, make_role, make_shift
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.partners.models import Partner, Role, Shift, ShiftAssignment, ShiftOffer
from widen.testing.world import World

RULES = {
    "rota_keep": person(C.PARTNERS_COORDINATE),
    "shift_keep": own(C.PARTNERS_COORDINATE),
    "shift_cancel_keep": own(C.PARTNERS_COORDINATE),
    "booking_keep": own(C.PARTNERS_COORDINATE),
    "shifts_mine": Rule({}),
    "shift_offered_own": Rule({}),
    "booking_own": Rule({}),
    "swap_asked_own": Rule({}),
}

# A Monday years ahead, so every shift is still to come whenever the matrix runs.
DAY = date(2040, 1, 2)


def _provider(world: World, relation: str) -> Organisation:
    return {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}.get(
        relation, world.alpha
    )


def _made(world: World, relation: str) -> dict[str, Any]:
    """A role, two partners and shifts at the relation's provider: a shift with a booking whose
    swap is asked of the second partner (who was offered it), and a shift to cancel."""
    made: dict[str, dict[str, Any]] = world.__dict__.setdefault("matrix_shifts", {})
    if relation not in made:
        provider = _provider(world, relation)
        role = make_role(provider, world.users["outreach_officer"])
        tag = relation.upper()
        booked = make_partner(provider, f"MS-{tag}-1", roles=(role,))
        colleague = make_partner(provider, f"MS-{tag}-2", roles=(role,))
        shift = make_shift(role, DAY, time(10), places=2, title="Matrix tour")
        to_cancel = make_shift(role, DAY, time(14), title="Matrix tour to cancel")
        with request_context.bind(source="test"):
            ShiftOffer.objects.create(shift=shift, partner=colleague)
            booking = ShiftAssignment.objects.create(
                shift=shift, partner=booked, swap_offered_to=colleague
            )
        made[relation] = {
            "role": role,
            "shift": shift,
            "to_cancel": to_cancel,
            "booking": booking,
            "colleague": colleague,
        }
    return made[relation]


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule in {"rota_keep", "shifts_mine"}:
        return {}
    made = _made(world, relation)
    if rule == "shift_cancel_keep":
        return {"shift_id": made["to_cancel"].pk}
    if rule in {"shift_keep", "shift_offered_own"}:
        return {"shift_id": made["shift"].pk}
    return {"assignment_id": made["booking"].pk}


def _shift_fields(role: Role, title: str) -> dict[str, str]:
    return {
        "role": str(role.pk),
        "title": title,
        "day": DAY.isoformat(),
        "starts": "10:00",
        "ends": "13:00",
        "kind": "work",
        "mode": "on_site",
        "places": "2",
        "allocation": "first_come",
    }


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "partners:shift_add":
        return _shift_fields(_made(world, "own")["role"], f"Matrix shift {counter}")
    if name == "partners:shift_edit":
        made = _made(world, relation)
        shift: Shift = made["shift"]
        return _shift_fields(made["role"], shift.title)
    if name == "partners:shift_allocate":
        # Nobody the shift fits is chosen: the form is refused (400) where the shift is seen.
        return {"partner": ""}
    if name == "partners:shift_record":
        return {"outcome": "not_worked"}
    if name in {"partners:shift_offer", "partners:shift_cancel"}:
        return {}
    if name == "partners:my_shift_swap":
        colleague: Partner = _made(world, relation)["colleague"]
        return {"colleague": str(colleague.pk)}
    if name in {
        "partners:my_shift_claim",
        "partners:my_shift_drop",
        "partners:my_shift_swap_cancel",
        "partners:my_swap_accept",
    }:
        return {}
    return None
