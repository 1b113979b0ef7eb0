"""`widen demo` includes events: a public parents' session, a co-created conference with two
strands and student and staff presenters, and CPD for teachers, with a few bookings."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from widen.demo.events import CONFERENCE, CPD_EVENT, PARENTS_EVENT
from widen.events.models import Booking, Event, PresenterRole
from widen.events.selectors import public_events

pytestmark = pytest.mark.django_db


def test_the_demo_has_events_to_show_and_rebuilds_them_cleanly() -> None:
    call_command("demo", learners=120, stdout=StringIO())
    parents = Event.objects.get(title=PARENTS_EVENT)
    conference = Event.objects.get(title=CONFERENCE)
    cpd = Event.objects.get(title=CPD_EVENT)
    assert {parents, conference, cpd} <= set(public_events())
    assert conference.co_created_with
    assert conference.strands.count() == 2
    roles = set(conference.talks.values_list("presenters__role", flat=True))
    assert roles == {PresenterRole.STUDENT, PresenterRole.STAFF}
    assert cpd.audiences == ["teachers", "practitioners"]
    assert Booking.objects.filter(event__in=[parents, conference, cpd]).count() == 4
    assert Booking.objects.exclude(access_requirements="").count() == 1
    call_command("demo", learners=120, reset=True, stdout=StringIO())
    assert Event.objects.filter(title=PARENTS_EVENT).count() == 1
    assert Booking.objects.count() == 4


def test_rebuilding_the_demo_records_the_deletion_of_each_booking() -> None:
    from widen.audit.models import AuditAction, AuditEvent  # noqa: PLC0415

    call_command("demo", learners=60, stdout=StringIO())
    booking_ids = {str(pk) for pk in Booking.objects.values_list("pk", flat=True)}
    call_command("demo", learners=60, reset=True, stdout=StringIO())
    deleted = set(
        AuditEvent.objects.filter(
            object_type="events.booking", action=AuditAction.DELETE
        ).values_list("object_id", flat=True)
    )
    assert deleted == booking_ids
