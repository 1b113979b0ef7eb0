"""Timesheets for the browser tests, made in the server's database.

Run as `python -m tests.partners.timesheets_browser_setup USERNAME EMAIL` with the server's
environment: at USERNAME's organisation (a demo university, which USERNAME coordinates), a role,
a pay period far from the demo's dates, and two partners who each worked a shift in it: one, whose
contact e-mail is EMAIL, with a drafted timesheet (their pages); the other with a confirmed one
(the coordinator's approvals). Prints, as JSON, the ids the pages need.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date, datetime, time, timedelta
from typing import Any


def make(username: str, email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.accounts.models import Membership, User  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.partners.models import (  # noqa: PLC0415
        TIMESHEET_WORKFLOW,
        AssignmentStatus,
        Partner,
        PayPeriod,
        Role,
        RoleKind,
        Shift,
        ShiftAssignment,
        Timesheet,
    )
    from widen.partners.services.timesheets import timesheets_draft  # noqa: PLC0415
    from widen.students.models import Student  # noqa: PLC0415

    coordinator = User.objects.get(username=username)
    provider = Membership.objects.get(user=coordinator).organisation
    widen = system_actor("browser tests: timesheets")
    zone = timezone.get_default_timezone()
    with request_context.bind(source="cli"):
        latest = PayPeriod.objects.filter(organisation=provider).order_by("-ends_on").first()
        starts_on = max(date(2031, 3, 1), (latest.ends_on if latest else date.min) + timedelta(1))
        period = PayPeriod.objects.create(
            organisation=provider,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=27),
            pay_date=starts_on + timedelta(days=35),
        )
        role = Role.objects.create(
            organisation=provider,
            kind=RoleKind.AMBASSADOR,
            title="Student ambassador",
            work_involved="Campus tours and question panels.",
            hourly_rate_pence=1400,
            coordinator=coordinator,
        )
        partners = []
        for first_name, last_name, address in (
            ("Samira", "Okafor", email),
            ("Tom", "Barker", f"tom.{secrets.token_hex(3)}@students.example.ac.uk"),
        ):
            student = Student.objects.create(
                organisation=provider,
                student_number="T" + secrets.token_hex(4),
                first_name=first_name,
                last_name=last_name,
                email=address,
                date_of_birth=date(2004, 6, 1),
            )
            partner = Partner.objects.create(organisation=provider, student=student)
            partner.roles.set([role])
            starts_at = datetime.combine(starts_on + timedelta(days=2), time(10), tzinfo=zone)
            shift = Shift.objects.create(
                organisation=provider,
                role=role,
                title="Campus tour",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
            )
            ShiftAssignment.objects.create(
                shift=shift, partner=partner, status=AssignmentStatus.WORKED, worked_minutes=180
            )
            partners.append(partner)
        timesheets_draft(actor=widen, pay_period=period)
        mine = Timesheet.objects.get(partner=partners[0], pay_period=period)
        theirs = Timesheet.objects.get(partner=partners[1], pay_period=period)
        TIMESHEET_WORKFLOW.apply(
            theirs, "confirm", actor=widen, changes={"confirmed_at": timezone.now()}
        )
    return {
        "email": email,
        "pay_period_id": str(period.pk),
        "pay_period": str(period),
        "timesheet_id": str(mine.pk),
        "line_id": str(mine.lines.get().pk),
        "confirmed_id": str(theirs.pk),
        "confirmed_name": str(partners[1].student),
    }


if __name__ == "__main__":
    print(json.dumps(make(sys.argv[1], sys.argv[2])))  # noqa: T201
