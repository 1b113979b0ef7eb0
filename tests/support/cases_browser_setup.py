"""A student's 1-2-1 support case and appointments, for the browser tests.

Run as `python -m tests.support.cases_browser_setup USERNAME EMAIL` with the server's
environment: at USERNAME's provider (USERNAME is one of its student support advisers), makes a
student whose contact address is EMAIL with an accommodation case assigned to USERNAME: a private
note and a shared one (both with markup in them, to be shown as text), a referral with consent
and a booked appointment; and another student's appointment request. Prints, as JSON, the ids.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Any


def make(username: str, email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.models import Membership, User  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.students.models import Student  # noqa: PLC0415
    from widen.support.models import (  # noqa: PLC0415
        Appointment,
        AppointmentMode,
        CaseTopic,
        ReferralService,
    )
    from widen.support.services.appointments import appointment_book  # noqa: PLC0415
    from widen.support.services.casework import (  # noqa: PLC0415
        case_open,
        note_add,
        referral_make,
    )

    adviser = User.objects.get(username=username)
    provider = Membership.objects.select_related("organisation").get(user=adviser).organisation
    with request_context.bind(source="cli", actor=adviser):
        student = Student.objects.create(
            organisation=provider,
            student_number="CASE-B1",
            first_name="Jade",
            last_name="Okonkwo",
            email=email,
            course="BSc Biology",
            care_experienced=True,
        )
        other = Student.objects.create(
            organisation=provider,
            student_number="CASE-B2",
            first_name="Farah",
            last_name="Haddad",
            course="BA English",
        )
        case = case_open(
            actor=adviser,
            organisation=provider,
            student=student,
            topic=CaseTopic.ACCOMMODATION,
            summary="Somewhere to live over the summer",
            assignee=adviser,
            follow_up_on=timezone.localdate() + timedelta(days=7),
        )
        note_add(
            actor=adviser,
            case=case,
            body="Private: her landlord <b>kept the deposit</b> & will not answer.",
        )
        note_add(
            actor=adviser,
            case=case,
            body=(
                "We agreed: you ask halls for a 365-day place <i>this week</i>; "
                "I chase the deposit."
            ),
            shared_with_student=True,
        )
        referral_make(
            actor=adviser,
            case=case,
            service=ReferralService.ACCOMMODATION,
            service_name="Residences team",
            consent_given_on=timezone.localdate(),
            consent_how="in person at the appointment",
        )
        asked = Appointment.objects.create(
            organisation=provider,
            student=student,
            case=case,
            topic=CaseTopic.ACCOMMODATION,
            request="My halls contract ends in June",
            preferred_times="Tuesday afternoons",
            mode=AppointmentMode.IN_PERSON,
        )
        appointment_book(
            actor=adviser,
            appointment=asked,
            starts_at=timezone.now() + timedelta(days=3),
            where="Student Centre, room 2.14",
            adviser=adviser,
        )
        request = Appointment.objects.create(
            organisation=provider,
            student=other,
            topic=CaseTopic.FUNDING,
            request="My student loan is late and rent is due",
            preferred_times="Any morning",
            mode=AppointmentMode.ONLINE,
        )
    return {"case_id": str(case.pk), "appointment_id": str(request.pk)}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1], sys.argv[2])))
