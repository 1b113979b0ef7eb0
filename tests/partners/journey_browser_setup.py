"""What a student partner's journey in the browser starts from, made in the server's database.

Run as `python -m tests.partners.journey_browser_setup USERNAME SAMIRA_EMAIL LEON_EMAIL` with the
server's environment: at USERNAME's organisation (a demo university, whose partners USERNAME
coordinates), a role taking applications, coordinated by USERNAME; a student, Samira, whose
e-mail is SAMIRA_EMAIL, with no application yet; a partner in the role, Leon, whose e-mail is
LEON_EMAIL, free every day with his right to work checked; and three shifts of the role, offered
to nobody yet: two that fit a plan without Monday mornings (tomorrow afternoon and the day after)
and one on a Monday morning. Prints, as JSON, the ids, names and days the journey needs.

Run as `python -m tests.partners.journey_browser_setup worked USERNAME SHIFT_ID` once Samira is
booked on the shift: the shift is moved into the past (its times of day kept), as if it had been
worked then: the Tuesday of the week before the demo's pay period (the four weeks before this
week), so that a pay period the coordinator adds for that week overlaps none of the provider's.
Prints the day worked and the first day, last day and pay date of that pay period.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date, datetime, time, timedelta
from typing import Any

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _provider(username: str) -> tuple[Any, Any]:
    from widen.accounts.models import Membership  # noqa: PLC0415

    membership = Membership.objects.select_related("organisation", "user").get(
        user__username=username
    )
    return membership.organisation, membership.user


def make(username: str, samira_email: str, leon_email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.core import request_context  # noqa: PLC0415
    from widen.partners.models import (  # noqa: PLC0415
        CheckKind,
        FlexibilityPlan,
        OnboardingCheck,
        Partner,
        PlanPattern,
        Role,
        RoleKind,
        Shift,
        WorkMode,
    )
    from widen.students.models import Student  # noqa: PLC0415

    provider, coordinator = _provider(username)
    zone = timezone.get_default_timezone()
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    after = today + timedelta(days=2)
    monday = today + timedelta(days=7 - today.weekday())
    mark = secrets.token_hex(2)
    with request_context.bind(source="cli"):
        role = Role.objects.create(
            organisation=provider,
            kind=RoleKind.AMBASSADOR,
            title=f"Open day ambassador {mark}",
            work_involved="Leading campus tours and answering questions on open days.",
            hourly_rate_pence=1450,
            coordinator=coordinator,
            decision_working_days=10,
            needs_training=False,
        )
        Student.objects.create(
            organisation=provider,
            student_number="J" + secrets.token_hex(4),
            first_name="Samira",
            last_name="Haddad",
            email=samira_email,
            date_of_birth=date(2004, 3, 14),
        )
        leon = Student.objects.create(
            organisation=provider,
            student_number="J" + secrets.token_hex(4),
            first_name="Leon",
            last_name="Carter",
            email=leon_email,
            date_of_birth=date(2003, 11, 2),
        )
        partner = Partner.objects.create(organisation=provider, student=leon)
        partner.roles.set([role])
        plan = FlexibilityPlan.objects.create(
            partner=partner, organisation=provider, modes=list(WorkMode.values)
        )
        for weekday in range(7):
            PlanPattern.objects.create(
                plan=plan,
                organisation=provider,
                weekday=weekday,
                starts_at=time(8),
                ends_at=time(21),
            )
        OnboardingCheck.objects.create(
            partner=partner, kind=CheckKind.RIGHT_TO_WORK, completed_on=date(2025, 9, 1)
        )

        def shift(day: date, title: str, starts: int, ends: int) -> Any:
            return Shift.objects.create(
                organisation=provider,
                role=role,
                title=title,
                starts_at=datetime.combine(day, time(starts), tzinfo=zone),
                ends_at=datetime.combine(day, time(ends), tzinfo=zone),
                place="Mile End, Queens' Building",
                places=1,
            )

        dropped = shift(tomorrow, "Open day campus tours", 14, 16)
        worked = shift(after, "Library tour for Year 12", 14, 17)
        breakfast = shift(monday, "Breakfast talk for parents", 9, 11)
    return {
        "samira_email": samira_email,
        "samira_name": "Samira Haddad",
        "leon_email": leon_email,
        "leon_name": "Leon Carter",
        "role_id": str(role.pk),
        "role_title": role.title,
        "dropped_id": str(dropped.pk),
        "dropped_title": dropped.title,
        "worked_id": str(worked.pk),
        "worked_title": worked.title,
        "monday_id": str(breakfast.pk),
        "monday_title": breakfast.title,
        # The weekdays her plan needs after Monday afternoons: the two shifts' days.
        "days": sorted({WEEKDAY_NAMES[d.weekday()] for d in (tomorrow, after)} - {"Monday"}),
    }


def worked(username: str, shift_id: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.core import request_context  # noqa: PLC0415
    from widen.partners.models import Shift  # noqa: PLC0415

    provider, _ = _provider(username)
    shift = Shift.objects.get(pk=shift_id, organisation=provider)
    today = timezone.localdate()
    first = today - timedelta(days=today.weekday() + 35)
    day = first + timedelta(days=1)
    zone = timezone.get_default_timezone()
    starts, ends = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    with request_context.bind(source="cli"):
        shift.starts_at = datetime.combine(day, starts.time(), tzinfo=zone)
        shift.ends_at = datetime.combine(day, ends.time(), tzinfo=zone)
        shift.save(update_fields=["starts_at", "ends_at", "updated_at"])
    last = first + timedelta(days=6)
    return {
        "worked_on": day.isoformat(),
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "pay_date": (last + timedelta(days=7)).isoformat(),
        "pay_period": f"{first:%-d %b} to {last:%-d %b %Y}",
    }


if __name__ == "__main__":
    if sys.argv[1] == "worked":
        print(json.dumps(worked(sys.argv[2], sys.argv[3])))  # noqa: T201
    else:
        print(json.dumps(make(sys.argv[1], sys.argv[2], sys.argv[3])))  # noqa: T201
