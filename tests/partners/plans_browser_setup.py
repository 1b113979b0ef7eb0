"""A student partner with a plan, and a barriers register, for the browser tests.

Run as `python -m tests.partners.plans_browser_setup USERNAME EMAIL` with the server's
environment: at USERNAME's organisation (a demo university, whose partners USERNAME
coordinates), makes a student partner whose e-mail is EMAIL, with a plan (no Monday mornings),
a one-off change and a barrier with a response and a mitigation; prints, as JSON, their ids and
names.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date, time, timedelta
from typing import Any


def make(username: str, email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.partners.models import (  # noqa: PLC0415
        Barrier,
        BarrierSource,
        BarrierStatus,
        FlexibilityPlan,
        Mitigation,
        Partner,
        PlanChange,
        PlanPattern,
        WorkMode,
    )
    from widen.students.models import Student  # noqa: PLC0415

    membership = Membership.objects.select_related("organisation", "user").get(
        user__username=username
    )
    provider = membership.organisation
    with request_context.bind(source="cli"):
        student = Student.objects.create(
            organisation=provider,
            student_number="P" + secrets.token_hex(4),
            first_name="Amara",
            last_name="Osei",
            email=email,
        )
        partner = Partner.objects.create(organisation=provider, student=student)
        plan = FlexibilityPlan.objects.create(
            partner=partner,
            organisation=provider,
            modes=[WorkMode.ONLINE, WorkMode.HYBRID],
            max_weekly_minutes=12 * 60,
            what_helps="No early starts on Mondays",
            reasons="I take my mum to her appointments on Monday mornings.",
        )
        for weekday, starts_at, ends_at in ((0, time(13), time(18)), (2, time(9), time(17))):
            PlanPattern.objects.create(
                plan=plan,
                organisation=provider,
                weekday=weekday,
                starts_at=starts_at,
                ends_at=ends_at,
            )
        PlanChange.objects.create(
            plan=plan, organisation=provider, date=timezone.localdate() + timedelta(days=9)
        )
        barrier = Barrier.objects.create(
            organisation=provider,
            title="Shifts start before the first bus",
            description="Open-day shifts start at 08:00; the first bus from Leyton is at 08:10.",
            source=BarrierSource.WORKSHOP,
            status=BarrierStatus.ACTING,
            owner=membership.user,
            response="Open days now start at 09:30 for partners.",
        )
        mitigation = Mitigation.objects.create(
            barrier=barrier,
            description="Move the first tour to 09:30",
            owner=membership.user,
            status=BarrierStatus.DONE,
            done_on=date.today(),  # noqa: DTZ011
        )
    return {
        "organisation_id": str(provider.pk),
        "organisation_name": provider.name,
        "partner_id": str(partner.pk),
        "partner_name": student.display_name,
        "barrier_id": str(barrier.pk),
        "barrier_title": barrier.title,
        "mitigation_id": str(mitigation.pk),
        "email": email,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1], sys.argv[2])))
