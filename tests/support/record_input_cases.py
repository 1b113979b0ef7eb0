"""Valid bodies of the support records API's writes, for the bad-input campaign
(tests/test_api_inputs.py): each case is (method, path, body, role sending it, a snapshot of
what the call would change)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from tests.students.records import make_student
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.core import request_context
from widen.support.models import LocalAuthorityBursary, SupportRecord
from widen.support.services.records import bursary_expect, record_open
from widen.testing.world import World

RECORD_OPERATIONS = {
    "support_record_update",
    "support_record_identification_add",
    "support_record_bursary_add",
    "support_record_bursary_receive",
}
SYSTEM = system_actor("tests")


def support_record_case(
    world: World, operation_id: str
) -> tuple[str, str, dict[str, Any], str, Callable[[], Any]]:
    with request_context.bind(source="test"):
        student = make_student(world.alpha, "INPUTSR", "Ria", "Record", care_experienced=True)
        record = record_open(actor=SYSTEM, student=student)
    path = f"/api/v1/support/records/{record.pk}"
    adviser = Role.STUDENT_SUPPORT_ADVISER
    if operation_id == "support_record_update":
        body = {
            "pathway_review_due": "2026-03-01",
            "halls_from": "2025-09-20",
            "halls_until": "2026-09-19",
        }
        return "PATCH", path, body, adviser, SupportRecord.objects.filter(pk=record.pk).values().get
    if operation_id == "support_record_identification_add":
        body = {"characteristic": "estranged", "stage": "adviser", "identified_on": "2025-10-01"}
        return "POST", f"{path}/identifications", body, adviser, record.identifications.count
    if operation_id == "support_record_bursary_add":
        body = {"local_authority": "Newham", "amount_pence": 200_000, "expected_on": "2026-01-05"}
        return "POST", f"{path}/bursaries", body, adviser, LocalAuthorityBursary.objects.count
    with request_context.bind(source="test"):
        bursary = bursary_expect(
            actor=SYSTEM, record=record, local_authority="Newham", expected_on=date(2026, 1, 5)
        )
    return (
        "POST",
        f"{path}/bursaries/{bursary.pk}/received",
        {"received_on": "2025-12-01"},
        adviser,
        LocalAuthorityBursary.objects.filter(pk=bursary.pk).values().get,
    )
