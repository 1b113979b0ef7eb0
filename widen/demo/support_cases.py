"""The demo's 1-2-1 casework at its lead university, by its student support adviser
(`support.adviser`, Nadia Okafor): an accommodation case opened from a student's appointment
request, with a note shared with him and a referral to his personal adviser (he agreed, and his
support record keeps his consent to contact them); a funding case closed with its outcome; and
a case whose follow-up day has passed. Called by `widen.demo.support`, through the same services
as the casework pages."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from widen.accounts.models import User
from widen.organisations.models import Organisation
from widen.students.models import Student
from widen.support.models import AppointmentMode, Case, CaseTopic, ReferralService
from widen.support.services.appointments import (
    appointment_book,
    appointment_request,
    case_open_from_appointment,
)
from widen.support.services.casework import case_close, case_open, note_add, referral_make


def _student(provider: Organisation, first: str, last: str) -> Student:
    return Student.objects.select_related("user").get(
        organisation=provider, first_name=first, last_name=last
    )


def demo_cases_create(*, provider: Organisation, adviser: User) -> list[Case]:
    """Callum's accommodation case (from his request), Leah's closed funding case, and Kwame's
    case with a follow-up overdue."""
    today = timezone.localdate()
    callum = _student(provider, "Callum", "Hughes")
    request = appointment_request(
        actor=callum.user,  # he signed in to accept his award
        topic=CaseTopic.ACCOMMODATION,
        request=(
            "I lost my flat when I interrupted and I am sofa-surfing at a friend's. I want to "
            "come back in September and need somewhere to live all year."
        ),
        preferred_times="Weekday mornings",
        mode=AppointmentMode.IN_PERSON,
        organisation_id=provider.pk,
    )
    housing = case_open_from_appointment(
        actor=adviser,
        appointment=request,
        summary="Somewhere to live all year round from September",
        assignee=adviser,
        follow_up_on=today + timedelta(days=7),
    )
    appointment_book(
        actor=adviser,
        appointment=request,
        starts_at=timezone.make_aware(datetime.combine(today + timedelta(days=2), time(10, 30))),
        where="Advice and Counselling Service, Geography Building, Mile End",
        adviser=adviser,
    )
    note_add(
        actor=adviser,
        case=housing,
        body=(
            "What we agreed on the phone: Nadia asks the accommodation office about a 365-day "
            "place in halls from September; Callum asks Marcus, his personal adviser, about "
            "staying put funding until then."
        ),
        shared_with_student=True,
    )
    note_add(
        actor=adviser,
        case=housing,
        body="Sounded low on the phone: offer the wellbeing service at the appointment.",
    )
    referral_make(
        actor=adviser,
        case=housing,
        service=ReferralService.PERSONAL_ADVISER,
        service_name="Marcus Bell, Tower Hamlets leaving care team",
        consent_given_on=today,
        consent_how="Said yes on the phone, when we talked about his request",
        details="Asked Marcus about emergency accommodation until September.",
    )

    funding = case_open(
        actor=adviser,
        organisation=provider,
        student=_student(provider, "Leah", "Morgan"),
        topic=CaseTopic.FUNDING,
        summary="A hardship fund application for a laptop",
        assignee=adviser,
    )
    note_add(
        actor=adviser,
        case=funding,
        body="Helped Leah fill in the hardship fund form; quotes attached by her.",
    )
    case_close(
        actor=adviser,
        case=funding,
        outcome="The hardship fund paid £450 for a laptop; nothing more to do.",
    )

    overdue = case_open(
        actor=adviser,
        organisation=provider,
        student=_student(provider, "Kwame", "Boateng"),
        topic=CaseTopic.ACCOMMODATION,
        summary="A guarantor for a private let next year",
        assignee=adviser,
        follow_up_on=today - timedelta(days=5),
    )
    return [housing, funding, overdue]
