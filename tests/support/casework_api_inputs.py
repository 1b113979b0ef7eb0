"""Valid bodies of the casework API's writes that read dates and times, for the bad-input
campaign (tests/test_api_inputs.py): each case is (method, path, body, role sending it, what
counts the rows a write adds or changes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.students.records import make_student
from widen.accounts.models import Role
from widen.support.models import Appointment, Case, CaseTopic, Referral
from widen.testing.world import World

CASEWORK_BODY_OPERATIONS = frozenset(
    {
        "support_case_open",
        "support_case_referral",
        "support_appointment_book",
        "support_appointment_open_case",
    }
)
Found = tuple[str, str, dict[str, Any], str, Callable[[], Any]]


def casework_input_case(world: World, operation_id: str) -> Found:
    student = make_student(world.alpha, "INPUTS-C1", "Ina", "Puts")
    adviser = world.users[Role.STUDENT_SUPPORT_ADVISER]
    role = Role.STUDENT_SUPPORT_ADVISER
    if operation_id == "support_case_open":
        body = {
            "student_id": str(student.pk),
            "topic": CaseTopic.FUNDING,
            "summary": "Rent due before the bursary",
            "follow_up_on": timezone.localdate().isoformat(),
        }
        return "POST", "/api/v1/support/cases", body, role, Case.objects.count
    if operation_id == "support_case_referral":
        case = Case.objects.create(
            organisation=world.alpha, student=student, topic=CaseTopic.FUNDING, summary="Rent"
        )
        body = {
            "service": "money_advice",
            "consent_given_on": timezone.localdate().isoformat(),
            "consent_how": "in person",
        }
        return (
            "POST",
            f"/api/v1/support/cases/{case.pk}/referrals",
            body,
            role,
            Referral.objects.count,
        )
    appointment = Appointment.objects.create(
        organisation=world.alpha, student=student, topic=CaseTopic.ACCOMMODATION, request="Halls"
    )
    if operation_id == "support_appointment_book":
        starts = (timezone.localtime() + timedelta(days=2)).replace(tzinfo=None, microsecond=0)
        body = {"starts_at": starts.isoformat(), "where": "Room 1", "adviser_id": str(adviser.pk)}
        path = f"/api/v1/support/appointments/{appointment.pk}/book"
        return "POST", path, body, role, lambda: list(Appointment.objects.values("status"))
    body = {"summary": "Somewhere to live", "follow_up_on": timezone.localdate().isoformat()}
    path = f"/api/v1/support/appointments/{appointment.pk}/open-case"
    return "POST", path, body, role, Case.objects.count
