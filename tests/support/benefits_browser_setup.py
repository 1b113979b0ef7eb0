"""A provider's support scheme with benefits and members, for the browser tests.

Run as `python -m tests.support.benefits_browser_setup USERNAME EMAIL` with the server's
environment: at USERNAME's organisation (a demo university whose schemes USERNAME manages), a
"Care leavers network" scheme whose members are a student with contact address EMAIL and
eleven more; an opportunity from the careers service (members first for a fortnight), a
members-only CV workshop of the provider's, and take-up by some members. Prints, as JSON, the
ids and names.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import timedelta
from typing import Any


def make(username: str, email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.events.models import EventKind  # noqa: PLC0415
    from widen.events.services import EventDetails, event_create  # noqa: PLC0415
    from widen.organisations.models import Partnership  # noqa: PLC0415
    from widen.students.models import IncomeBand, Student  # noqa: PLC0415
    from widen.support.models import (  # noqa: PLC0415
        BenefitKind,
        BenefitUse,
        MembershipSource,
        MembershipStatus,
        SchemeMembership,
    )
    from widen.support.services.benefits import BenefitDetails, benefit_add  # noqa: PLC0415
    from widen.support.services.schemes import scheme_create  # noqa: PLC0415

    provider = (
        Membership.objects.select_related("organisation").get(user__username=username).organisation
    )
    system = system_actor("browser tests")
    now = timezone.now()
    starts = (now + timedelta(days=10)).replace(hour=17, minute=0, second=0, microsecond=0)
    with request_context.bind(source="cli"):
        scheme = scheme_create(
            actor=system,
            organisation=provider,
            name="Care leavers network " + secrets.token_hex(2),
            purpose="Support and opportunities for students who were in care.",
            definition={"any": [{"all": [{"criterion": "first_in_family"}]}]},
        )
        students = []
        for number in range(12):
            students.append(
                Student.objects.create(
                    organisation=provider,
                    student_number="B" + secrets.token_hex(4),
                    first_name="Kemi" if number == 0 else f"Member{number}",
                    last_name="Adebayo" if number == 0 else "Student",
                    email=email if number == 0 else "",
                    first_in_family=number < 2,
                    household_income_band=IncomeBand.UP_TO_25000 if number % 2 else "",
                )
            )
            SchemeMembership.objects.create(
                scheme=scheme,
                student=students[-1],
                status=MembershipStatus.MEMBER,
                source=MembershipSource.RECORDS,
                reason="eligible: first in family",
                invited_at=now,
                joined_at=now,
                status_changed_at=now,
            )
        partnership = Partnership.objects.filter(members=provider).first()
        workshop = event_create(
            actor=system,
            partnership=partnership,
            organiser=provider,
            details=EventDetails(
                title="CV workshop for members",
                kind=EventKind.SEMINAR,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                venue="Mile End campus, Bancroft Building",
                capacity=20,
            ),
        ).event
        internships = benefit_add(
            actor=system,
            scheme=scheme,
            details=BenefitDetails(
                kind=BenefitKind.OPPORTUNITY,
                title="Paid summer internships",
                description="Ten-week paid internships with London employers.",
                offered_by="Careers service",
                link="https://careers.example.ac.uk/internships",
                members_first_until=timezone.localdate() + timedelta(days=14),
            ),
        )
        event_benefit = benefit_add(
            actor=system,
            scheme=scheme,
            details=BenefitDetails(kind=BenefitKind.EVENT, title="", event_id=workshop.pk),
        )
        for member in students[1:9]:
            BenefitUse.objects.create(benefit=internships, student=member)
    return {
        "scheme_id": str(scheme.pk),
        "scheme_name": scheme.name,
        "benefit_id": str(internships.pk),
        "benefit_title": internships.title,
        "event_benefit_id": str(event_benefit.pk),
        "event_title": workshop.title,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1], sys.argv[2])))
