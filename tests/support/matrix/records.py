"""Support records of care-experienced and estranged students: the cells of their pages and API.

Rules:
  records_keep   the list of support records, students found in the records, bursaries to chase
                 and opening a record (no object in the URL): student support advisers
                 (`support.casework`) alone; admins and outreach officers answer as missing
  record_keep    a record and everything on it (changing it, identifications, bursaries): own
                 (Alpha University's) for its advisers; partner (Beta) and unrelated (Gamma)
                 providers' records answer as missing
  record_bursary_keep  chasing a record's bursary or saying it was received: as record_keep
  record_mine    a student's own support record: no staff role has a student record (404); a
                 student's own access is proved in tests/support/pages/test_record_pages.py
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.authz.rules import C, Rule, own, person
from tests.students.records import make_student
from tests.support.matrix.schemes import _provider
from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.support.models import LocalAuthorityBursary, SupportRecord
from widen.support.services.records import bursary_expect, record_open
from widen.testing.world import World

RULES = {
    "records_keep": person(C.SUPPORT_CASEWORK),
    "record_keep": own(C.SUPPORT_CASEWORK),
    "record_bursary_keep": own(C.SUPPORT_CASEWORK),
    "record_mine": Rule({}),
}
SYSTEM = system_actor("tests")


def _record(world: World, relation: str) -> SupportRecord:
    provider = _provider(world, relation)
    found = SupportRecord.objects.filter(organisation=provider).first()
    if found is not None:
        return found
    with request_context.bind(source="test"):
        student = make_student(provider, "RX1", "Rae", "Recorded", care_experienced=True)
        return record_open(actor=SYSTEM, student=student)


def _bursary(world: World, relation: str) -> LocalAuthorityBursary:
    record = _record(world, relation)
    found = record.local_authority_bursaries.filter(status="expected").first()
    if found is not None:
        return found
    with request_context.bind(source="test"):
        return bursary_expect(
            actor=SYSTEM, record=record, local_authority="Newham", expected_on=date(2026, 1, 5)
        )


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "record_bursary_keep":
        bursary = _bursary(world, relation)
        return {"record_id": bursary.record_id, "bursary_id": bursary.pk}
    if rule == "record_keep":
        return {"record_id": _record(world, relation).pk}
    return {}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "support:record_open":
        student = make_student(world.alpha, f"RO{counter}", "Oli", "Opened")
        return {"student_number": student.student_number}
    if name == "api:support_record_open_api":
        student = make_student(world.alpha, f"RA{counter}", "Ada", "Opened")
        return {"student_id": str(student.pk)}
    if name == "support:record_edit":
        return {"local_authority": "Newham", "care_status": "care_experienced"}
    if name == "api:support_record_update_api":
        return {"local_authority": "Newham"}
    if name in {"support:record_identification", "api:support_record_identification_add_api"}:
        return {
            "characteristic": "estranged",
            "stage": "adviser",
            "identified_on": "2025-10-01",
            "source": "Told an adviser",
        }
    if name == "support:record_bursary":
        return {"local_authority": "Newham", "amount": "2000", "expected_on": "2026-01-05"}
    if name == "api:support_record_bursary_add_api":
        return {"local_authority": "Newham", "expected_on": "2026-01-05"}
    if name in {"support:record_bursary_receive", "api:support_record_bursary_receive_api"}:
        return {"received_on": "2025-12-01"}
    if name in {
        "support:record_bursary_chase",
        "api:support_record_bursary_chase_api",
        "support:my_record_contact",
    }:
        return {}
    if name == "api:support_my_record_contact_api":
        return {"do_not_contact": True}
    return None
