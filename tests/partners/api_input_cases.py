"""Valid bodies of the student partners' API writes, for the bad-input campaign
(tests/test_api_inputs.py): each case is (method, path, body, role sending it, a snapshot of
what the call would change)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.partners.factories import make_role
from widen.accounts.models import Role
from widen.partners.models import Mitigation
from widen.partners.models import Role as PartnerRole
from widen.partners.services.barriers import barrier_record, mitigation_add
from widen.testing.world import World


def partner_role_case(
    world: World, operation_id: str
) -> tuple[str, str, dict[str, Any], str, Callable[[], Any]]:
    """A coordinator adding a role to their provider, or changing its rate and decision days."""
    coordinator = world.users[Role.OUTREACH_OFFICER]

    def snapshot() -> Any:
        return list(
            PartnerRole.objects.values("title", "hourly_rate_pence", "decision_working_days")
        )

    body = {"hourly_rate": "13.50", "decision_working_days": 8}
    if operation_id == "partner_role_create":
        body |= {
            "organisation_id": str(world.alpha.pk),
            "kind": "ambassador",
            "title": "Open day ambassador",
            "work_involved": "Campus tours.",
            "coordinator_id": str(coordinator.pk),
        }
        return "POST", "/api/v1/partners/roles", body, Role.OUTREACH_OFFICER, snapshot
    role = make_role(world.alpha, coordinator)
    return "PATCH", f"/api/v1/partners/roles/{role.pk}", body, Role.OUTREACH_OFFICER, snapshot


def partner_mitigation_case(
    world: World, operation_id: str
) -> tuple[str, str, dict[str, Any], str, Callable[[], Any]]:
    """A coordinator adding a mitigation to a barrier of their provider, or changing one."""
    coordinator = world.users[Role.OUTREACH_OFFICER]
    barrier = barrier_record(
        actor=coordinator, organisation=world.alpha, title="Early starts", description="Buses."
    )

    def snapshot() -> Any:
        return list(Mitigation.objects.values("description", "status", "due_on", "done_on"))

    body = {"description": "Later starts", "status": "acting", "due_on": "2026-12-18"}
    if operation_id == "partner_mitigation_add":
        path = f"/api/v1/partners/barriers/{barrier.pk}/mitigations"
        return "POST", path, body, Role.OUTREACH_OFFICER, snapshot
    mitigation = mitigation_add(
        actor=coordinator, barrier=barrier, description="Start at 09:30", owner=None
    )
    path = f"/api/v1/partners/mitigations/{mitigation.pk}"
    return "PATCH", path, body, Role.OUTREACH_OFFICER, snapshot
