"""An event for the check-in, programme and agenda browser tests, made in the server's database.

Run as `python -m tests.browser.checkin_setup USERNAME` with the server's environment: makes a
CPD conference organised by USERNAME's organisation, starting within the hour, with strands,
talks and presenters, linked to one of the organisation's activities, and books people onto it
through the booking service (one of them a learner's record, as a staff group booking). Prints,
as JSON, what the tests need: the event's id, the bookings' names, one-time link tokens and
check-in codes.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import timedelta
from typing import Any


def make(username: str) -> dict[str, Any]:
    from django.utils import timezone  # noqa: PLC0415

    from widen.activities.models import Activity  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.events.checkin import checkin_code  # noqa: PLC0415
    from widen.events.models import (  # noqa: PLC0415
        AttendeeType,
        Event,
        EventKind,
        Presenter,
        PresenterRole,
        Strand,
        Talk,
    )
    from widen.events.services import BookingDetails, booking_create  # noqa: PLC0415
    from widen.learners.permissions import learner_policy  # noqa: PLC0415
    from widen.organisations.models import DataCategory  # noqa: PLC0415
    from widen.testing.builders import member_where  # noqa: PLC0415

    user, organisation, partnership = member_where(username)
    activity = Activity.objects.filter(delivered_by=organisation, partnership=partnership).first()
    learner = (
        learner_policy.visible_to(user, needing=DataCategory.IDENTITY)
        .filter(organisation=organisation)
        .order_by("last_name", "first_name")
        .first()
    )
    suffix = secrets.token_hex(2)
    starts = (timezone.now() + timedelta(minutes=50)).replace(second=0, microsecond=0)
    with request_context.bind(source="cli"):
        event = Event.objects.create(
            partnership=partnership,
            organiser=organisation,
            title=f"Belonging in higher education: CPD conference {suffix}",
            description="For teachers, careers leads and staff: what helps learners belong.",
            kind=EventKind.CPD,
            starts_at=starts,
            ends_at=starts + timedelta(hours=5),
            venue="Mile End campus, Great Hall",
            co_created_with="co-created with disabled and care-experienced students",
            activity=activity,
        )
        access = Strand.objects.create(event=event, title="Access")
        success = Strand.objects.create(event=event, title="Student success")
        Talk.objects.create(
            event=event,
            title="Welcome",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            room="Great Hall",
        )
        mentoring = Talk.objects.create(
            event=event,
            strand=access,
            title="Peer mentoring that works",
            starts_at=starts + timedelta(hours=1),
            ends_at=starts + timedelta(hours=2),
            room="Room A",
        )
        neurodiverse = Talk.objects.create(
            event=event,
            strand=success,
            title="Neurodiverse students' first term",
            starts_at=starts + timedelta(hours=1, minutes=30),
            ends_at=starts + timedelta(hours=2, minutes=30),
            room="Room B",
        )
        Presenter.objects.create(
            talk=mentoring,
            name="Priya Shah",
            role=PresenterRole.STUDENT,
            job_title="BSc Psychology",
        )
        Presenter.objects.create(
            talk=mentoring, name="Dr Alan Reed", role=PresenterRole.STAFF, job_title="WP manager"
        )
        Presenter.objects.create(talk=neurodiverse, name="Kai Morgan", role=PresenterRole.STUDENT)
        bookings = []
        for name, kind in (
            (f"Olivia Okonkwo-{suffix}", AttendeeType.TEACHER),
            (f"Harry Whitfield-{suffix}", AttendeeType.TEACHER),
            (f"Grace Adeyemi-{suffix}", AttendeeType.PRACTITIONER),
        ):
            made = booking_create(
                event=event,
                details=BookingDetails(
                    name=name,
                    email=f"{name.split()[0].lower()}@example.org",
                    attendee_type=kind,
                    access_requirements="Step-free access" if name.startswith("Harry") else "",
                ),
            )
            bookings.append(
                {
                    "name": name,
                    "token": made.token,
                    "code": checkin_code(made.booking),
                    "id": str(made.booking.pk),
                }
            )
        learner_booking = None
        if learner is not None:
            made = booking_create(
                event=event,
                details=BookingDetails(
                    name=learner.display_name,
                    email="group.booking@example.org",
                    attendee_type=AttendeeType.LEARNER,
                ),
                actor=user,
                learner=learner,
            )
            learner_booking = {"name": learner.display_name, "id": str(made.booking.pk)}
    return {
        "event_id": str(event.pk),
        "title": event.title,
        "bookings": bookings,
        "learner_booking": learner_booking,
        "talks": {"mentoring": mentoring.title, "neurodiverse": neurodiverse.title},
    }


def main(argv: list[str]) -> None:
    import django  # noqa: PLC0415

    django.setup()
    if len(argv) == 1:
        sys.stdout.write(json.dumps(make(argv[0])))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
