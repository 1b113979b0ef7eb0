"""1-2-1 casework and appointments: the cells of their pages and API.

Rules:
  cases_keep            the lists of cases (mine, follow-ups, overdue, every case), the caseload,
                        opening a case and the appointments list (no object in the URL): student
                        support advisers (`support.casework`) only; an organisation admin or an
                        outreach officer is answered as if nothing were there
  case_keep             an open case (its page, notes, handover, referrals, follow-up, closing):
                        own (Alpha University's student) for its advisers; a partner (Beta) or
                        unrelated (Gamma) provider's student's case answers as missing
  case_closed_keep      re-opening a closed case: as case_keep
  referral_keep         closing a referral of a case: as case_keep
  appointment_keep      an appointment a student asked for (its page, booking it, opening a case
                        from it, cancelling it): as case_keep
  appointment_booked    marking a booked appointment held: as case_keep
  cases_mine            a student's own cases and asking for an appointment: no staff role has a
                        student record (404); a student's own sight is proved in
                        tests/support/pages/test_case_pages.py
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.authz.rules import C, Rule, own, person
from tests.students.records import make_student
from tests.support.matrix.schemes import _provider
from widen.accounts.models import Role
from widen.organisations.models import Organisation
from widen.students.models import Student
from widen.support.models import (
    Appointment,
    AppointmentStatus,
    Case,
    CaseStatus,
    CaseTopic,
    Referral,
    ReferralService,
)
from widen.testing.world import World

RULES = {
    "cases_keep": person(C.SUPPORT_CASEWORK),
    "case_keep": own(C.SUPPORT_CASEWORK),
    "case_closed_keep": own(C.SUPPORT_CASEWORK),
    "referral_keep": own(C.SUPPORT_CASEWORK),
    "appointment_keep": own(C.SUPPORT_CASEWORK),
    "appointment_booked": own(C.SUPPORT_CASEWORK),
    "cases_mine": Rule({}),
}


def _student(provider: Organisation) -> Student:
    found = Student.objects.filter(organisation=provider, student_number="MXC1").first()
    return found or make_student(provider, "MXC1", "Cas", "Matrix")


def _case(world: World, relation: str, status: str = CaseStatus.OPEN) -> Case:
    provider = _provider(world, relation)
    found = Case.objects.filter(organisation=provider, status=status).first()
    if found is not None:
        return found
    return Case.objects.create(
        organisation=provider,
        student=_student(provider),
        topic=CaseTopic.FUNDING,
        summary="Matrix case",
        status=status,
        outcome="Sorted" if status == CaseStatus.CLOSED else "",
    )


def _referral(world: World, relation: str) -> Referral:
    case = _case(world, relation)
    found = case.referrals.filter(closed_at__isnull=True).first()
    return found or Referral.objects.create(
        case=case,
        service=ReferralService.MONEY_ADVICE,
        consent_given_on=timezone.localdate(),
        consent_how="in person",
    )


def _appointment(world: World, relation: str, status: str) -> Appointment:
    provider = _provider(world, relation)
    found = Appointment.objects.filter(organisation=provider, status=status).first()
    if found is not None:
        return found
    booked = status == AppointmentStatus.BOOKED
    return Appointment.objects.create(
        organisation=provider,
        student=_student(provider),
        topic=CaseTopic.ACCOMMODATION,
        request="Somewhere to live over the summer",
        status=status,
        starts_at=timezone.now() + timedelta(days=1) if booked else None,
        where="Room 1" if booked else "",
    )


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "case_keep":
        return {"case_id": _case(world, relation).pk}
    if rule == "case_closed_keep":
        return {"case_id": _case(world, relation, CaseStatus.CLOSED).pk}
    if rule == "referral_keep":
        referral = _referral(world, relation)
        return {"case_id": referral.case_id, "referral_id": referral.pk}
    if rule == "appointment_keep":
        return {"appointment_id": _appointment(world, relation, AppointmentStatus.REQUESTED).pk}
    if rule == "appointment_booked":
        return {"appointment_id": _appointment(world, relation, AppointmentStatus.BOOKED).pk}
    return {}


def _adviser(world: World) -> str:
    return str(world.users[Role.STUDENT_SUPPORT_ADVISER].pk)


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    today = timezone.localdate().isoformat()
    soon = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    bodies: dict[str, Any] = {
        "support:case_note": {"body": f"Matrix note {counter}"},
        "support:case_handover": lambda: {"to_adviser": _adviser(world), "note": ""},
        "support:case_referral": {
            "service": ReferralService.MONEY_ADVICE,
            "consent_given_on": today,
            "consent_how": "in person",
        },
        "support:case_referral_close": {"outcome": "Budget agreed"},
        "support:case_close": {"outcome": "Sorted"},
        "support:case_reopen": {"reason": "Came back"},
        "support:case_follow_up": {"follow_up_on": today, "reviewer": ""},
        "support:appointment_book": lambda: {
            "starts_at": soon,
            "where": "Room 1",
            "adviser": _adviser(world),
        },
        "support:appointment_open_case": {"summary": f"From the request {counter}"},
        "support:appointment_hold": {},
        "support:appointment_cancel": {"reason": ""},
        "support:cases_mine_appointment": {
            "topic": CaseTopic.FUNDING,
            "request": "Help with money",
            "mode": "in_person",
        },
        "support:case_create": lambda: {
            "organisation": str(world.alpha.pk),
            "student_number": _student(world.alpha).student_number,
            "topic": CaseTopic.FUNDING,
            "summary": f"Matrix case {counter}",
        },
        "api:support_case_open_api": lambda: {
            "student_id": str(_student(world.alpha).pk),
            "topic": CaseTopic.FUNDING,
            "summary": f"Matrix case {counter}",
        },
        "api:support_case_note_api": {"body": f"Matrix note {counter}"},
        "api:support_case_handover_api": lambda: {"to_adviser_id": _adviser(world)},
        "api:support_case_referral_api": {
            "service": ReferralService.MONEY_ADVICE,
            "consent_given_on": today,
            "consent_how": "in person",
        },
        "api:support_case_referral_close_api": {"outcome": "Budget agreed"},
        "api:support_case_close_api": {"outcome": "Sorted"},
        "api:support_case_reopen_api": {"reason": "Came back"},
        "api:support_appointment_book_api": lambda: {
            "starts_at": soon,
            "where": "Room 1",
            "adviser_id": _adviser(world),
        },
        "api:support_appointment_open_case_api": {"summary": f"From the request {counter}"},
        "api:support_appointment_hold_api": {},
        "api:support_appointment_cancel_api": {"reason": ""},
        "api:support_my_appointment_request_api": {
            "topic": CaseTopic.FUNDING,
            "request": "Help with money",
        },
    }
    found = bodies.get(name)
    if found is None:
        return None
    return dict(found() if callable(found) else found)
