"""Shifts for the browser tests, made in the server's database.

Run as `python -m tests.partners.shifts_browser_setup USERNAME EMAIL` with the server's
environment: at USERNAME's organisation (a demo university, which USERNAME coordinates), a role,
two partners (one whose contact e-mail is EMAIL) with plans, and shifts far from the demo's
dates: one offered to the student with a place open, one booked by them, and one booked by the
other partner who asked the student to take it over. Prints, as JSON, the ids the pages need.
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

    from tests.partners.factories import make_partner  # noqa: PLC0415
    from widen.accounts.models import Membership, User  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.partners.models import (  # noqa: PLC0415
        CheckKind,
        Role,
        RoleKind,
        Shift,
        ShiftAssignment,
        ShiftOffer,
    )

    coordinator = User.objects.get(username=username)
    provider = Membership.objects.get(user=coordinator).organisation
    zone = timezone.get_default_timezone()
    # A Monday years ahead, a different week for each run.
    monday = date(2032, 1, 5) + timedelta(weeks=secrets.randbelow(400))
    with request_context.bind(source="cli"):
        role = Role.objects.create(
            organisation=provider,
            kind=RoleKind.AMBASSADOR,
            title="Student ambassador",
            work_involved="Campus tours and question panels.",
            hourly_rate_pence=1600,
            coordinator=coordinator,
        )
        partners = []
        for first_name, last_name, address in (
            ("Samira", "Okafor", email),
            ("Tom", "Barker", f"tom.{secrets.token_hex(3)}@students.example.ac.uk"),
        ):
            partner = make_partner(
                provider,
                "S" + secrets.token_hex(4),
                email=address,
                first_name=first_name,
                last_name=last_name,
                date_of_birth=date(2004, 6, 1),
                roles=(role,),
                checks=(CheckKind.RIGHT_TO_WORK, CheckKind.TRAINING),
            )
            partners.append(partner)
        samira, tom = partners

        def shift(day: int, title: str, places: int = 1) -> Any:
            starts_at = datetime.combine(monday + timedelta(days=day), time(10), tzinfo=zone)
            return Shift.objects.create(
                organisation=provider,
                role=role,
                title=title,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                place="Main hall",
                places=places,
                costs_covered=day == 0,
            )

        offered = shift(0, "Open day tours", places=2)
        ShiftOffer.objects.create(shift=offered, partner=samira)
        mine = ShiftAssignment.objects.create(shift=shift(1, "Library tour"), partner=samira)
        asked = ShiftAssignment.objects.create(
            shift=shift(2, "Question panel"), partner=tom, swap_offered_to=samira
        )
    return {
        "email": email,
        "week": monday.isoformat(),
        "offered_id": str(offered.pk),
        "booking_id": str(mine.pk),
        "swap_id": str(asked.pk),
    }


if __name__ == "__main__":
    print(json.dumps(make(sys.argv[1], sys.argv[2])))  # noqa: T201
