"""The student partners' JSON API for roles and applications: the bodies of its writes. Its
cells reuse the rules of the pages (tests/partners/matrix/roles.py), as the API lets each person
do what the pages do:

  roles_keep          the roles of my providers, adding a role (201) and the queue of
                      applications to decide: coordinators (`partners.coordinate`); others 404
  role_keep           reading or changing a role: own (Alpha University's) for its coordinators;
                      partner (Beta) and unrelated (Gamma) providers' roles answer as missing
  application_decide  reading a sent application and offering or declining it: as role_keep
  role_apply          applying to a role: only a student of its provider (staff 404)
  application_own     one of a student's own applications (reading, changing the draft, sending,
                      withdrawing): staff 404; a student's own access is proved in
                      tests/partners/test_api_roles.py
  signed_in           a student's own lists (roles open to me, my applications): a staff member
                      with no student record gets empty lists
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from widen.testing.world import World

RULES: dict[str, Any] = {}


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    return {}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    """A valid body for each write (each changes something when allowed)."""
    if name == "api:partner_role_create_api":
        return {
            "organisation_id": str(world.alpha.pk),
            "kind": "ambassador",
            "title": f"Matrix API ambassador {counter}",
            "work_involved": "Campus tours.",
            "hourly_rate": "13.00",
            "coordinator_id": str(world.users["outreach_officer"].pk),
        }
    if name == "api:partner_role_update_api":
        return {"title": f"Matrix API role {counter}"}
    if name in {"api:partner_apply_api", "api:partner_application_save_api"}:
        return {"why_this_role": f"Matrix {counter}"}
    if name == "api:partner_application_decide_api":
        return {"decision": "decline", "note": f"Matrix {counter}"}
    return None
