"""The student partners' JSON API for the barriers register: the bodies of its writes. Its cells
reuse the rules of the pages (tests/partners/matrix/barriers.py), as the API lets each person do
what the pages do:

  signed_in           the registers of my providers (as a partner): a staff member who is no
                      partner gets an empty list
  barrier_raise_own   raising a barrier as one of the student's own partner records: staff 404;
                      a student's own access is proved in tests/partners/test_api_barriers.py
  barrier_register    a provider's register, and writing a barrier up from a workshop (201): own
                      (Alpha University) for its coordinators (`partners.coordinate`); partner
                      (Beta) and unrelated (Gamma) providers answer as missing
  barrier_keep        a barrier (reading it, keeping its status, owner and response, adding a
                      mitigation, 201): as barrier_register, for the barrier's provider
  mitigation_keep     changing a mitigation: as barrier_keep, for its barrier's provider
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from widen.partners.models import BarrierStatus
from widen.testing.world import World

RULES: dict[str, Any] = {}


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    return {}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    """A valid body for each write (each changes something when allowed)."""
    if name in {"api:partner_barrier_raise_api", "api:partner_barrier_record_api"}:
        return {"title": f"Matrix API barrier {counter}", "description": "Too few seats."}
    if name == "api:partner_barrier_update_api":
        statuses = [BarrierStatus.OPEN, BarrierStatus.ACTING]
        return {"status": statuses[counter % 2], "response": f"API response {counter}"}
    if name in {"api:partner_mitigation_add_api", "api:partner_mitigation_update_api"}:
        return {"description": f"API mitigation {counter}", "status": BarrierStatus.ACTING}
    return None
