"""Checking people in on the day: who may, which bookings can be, and attendance that flows into
the learner's activity record through the activities app's own services."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.events.conftest import booked
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Membership, Role, User
from widen.activities.models import Activity, Attendance, AttendanceStatus, Session
from widen.activities.services import contact_hours
from widen.audit.models import AuditEvent
from widen.core.exceptions import ApplicationError, NotFound
from widen.events.checkin import (
    NO_ACTIVITY,
    booking_check_in,
    booking_check_in_undo,
    booking_for_checkin_code,
    checkin_code,
    checkin_counts,
    checkin_list,
    event_for_checkin,
    may_check_in,
)
from widen.events.models import AttendeeType, Booking, BookingStatus, Event, EventKind
from widen.events.services import BookingDetails, booking_cancel, booking_create
from widen.learners.models import Learner
from widen.programmes.models import ActivitySubType
from widen.reporting.models import LearnerEngagement
from widen.testing.world import World

# At nine on a school morning, an event starting in an hour ends the same day.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("school_morning")]
LONDON = ZoneInfo("Europe/London")


def make_event(world: World, *, activity: Activity | None = None, **changes: Any) -> Event:
    starts = timezone.now() + timedelta(hours=1)
    values: dict[str, Any] = {
        "partnership": world.north,
        "organiser": world.alpha,
        "title": "Open day for Year 10",
        "kind": EventKind.CAMPUS,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "venue": "Alpha University, Main Hall",
        "capacity": 3,
        "activity": activity,
    }
    values.update(changes)
    return Event.objects.create(**values)


def make_activity(world: World) -> Activity:
    return Activity.objects.create(
        partnership=world.north,
        delivered_by=world.alpha,
        name="Open days",
        sub_type=ActivitySubType.objects.filter(partnership=None).first(),
    )


def book(event: Event, name: str, *, learner: Learner | None = None) -> Booking:
    return booked(event, name, actor=system_actor("test"), learner=learner).booking


def officer(world: World) -> User:
    return world.users[Role.OUTREACH_OFFICER]


def test_only_the_organising_organisations_deliverers_organise(world: World) -> None:
    event = make_event(world)
    for role in (Role.PARTNERSHIP_ADMIN, Role.ORGANISATION_ADMIN, Role.OUTREACH_OFFICER):
        assert may_check_in(world.users[role], event)
        assert event_for_checkin(actor=world.users[role], event_id=event.pk) == event
    for role in (Role.SCHOOL_STAFF, Role.EVALUATOR, Role.READ_ONLY):
        assert not may_check_in(world.users[role], event)
        with pytest.raises(NotFound):
            event_for_checkin(actor=world.users[role], event_id=event.pk)
    beta_officer = User.objects.create_user(username="beta.officer", password="x" * 20)
    Membership.objects.create(
        user=beta_officer, organisation=world.beta, role=Role.OUTREACH_OFFICER
    )
    assert not may_check_in(beta_officer, event)
    with pytest.raises(NotFound):
        event_for_checkin(actor=beta_officer, event_id=event.pk)


def test_checking_in_counts_and_can_be_undone(world: World) -> None:
    event = make_event(world)
    asha = book(event, "Asha Patel")
    book(event, "Ben Okafor")
    assert checkin_counts(event=event).checked_in == 0
    outcome = booking_check_in(actor=officer(world), booking=asha)
    assert not outcome.attendance_note  # not a learner's record: nothing more to record
    counts = checkin_counts(event=event)
    assert (counts.checked_in, counts.booked) == (1, 2)
    assert Booking.objects.get(pk=asha.pk).checked_in_at is not None
    changes = AuditEvent.objects.filter(object_id=str(asha.pk)).values_list(
        "changed_fields", flat=True
    )
    assert any("checked_in_at" in fields for fields in changes)

    with pytest.raises(ApplicationError, match="Asha Patel is already checked in"):
        booking_check_in(actor=officer(world), booking=asha)

    booking_check_in_undo(actor=officer(world), booking=asha)
    assert Booking.objects.get(pk=asha.pk).checked_in_at is None
    assert checkin_counts(event=event).checked_in == 0
    with pytest.raises(ApplicationError, match="not checked in"):
        booking_check_in_undo(actor=officer(world), booking=asha)


def test_waiting_and_cancelled_bookings_cannot_be_checked_in(world: World) -> None:
    event = make_event(world, capacity=1)
    first = book(event, "Asha Patel")
    waiting = book(event, "Ben Okafor")
    third = book(event, "Cara Jones")
    assert waiting.status == BookingStatus.WAITING
    with pytest.raises(ApplicationError, match="Ben Okafor is on the waiting list"):
        booking_check_in(actor=officer(world), booking=waiting)
    booking_cancel(booking=first)  # Ben gets the place; Cara still waits
    with pytest.raises(ApplicationError, match="Asha Patel's booking is cancelled"):
        booking_check_in(actor=officer(world), booking=first)
    assert not Booking.objects.filter(event=event, checked_in_at__isnull=False).exists()
    booking_check_in(actor=officer(world), booking=Booking.objects.get(pk=waiting.pk))
    assert third.checked_in_at is None


def test_someone_who_does_not_organise_cannot_check_in(world: World) -> None:
    event = make_event(world)
    asha = book(event, "Asha Patel")
    for role in (Role.SCHOOL_STAFF, Role.EVALUATOR, Role.READ_ONLY):
        with pytest.raises(NotFound):
            booking_check_in(actor=world.users[role], booking=asha)
    assert Booking.objects.get(pk=asha.pk).checked_in_at is None


def test_a_learners_check_in_is_their_attendance_with_hours_and_summaries(world: World) -> None:
    activity = make_activity(world)
    event = make_event(world, activity=activity)
    learner = world.learner_school
    booking = book(event, "Sami Schoolman", learner=learner)
    assert not Session.objects.filter(activity=activity).exists()

    outcome = booking_check_in(actor=officer(world), booking=booking)

    assert outcome.attendance_recorded
    session = Session.objects.get(activity=activity)  # made for the day, through the service
    assert session.date == timezone.localdate(event.starts_at)
    assert session.venue == "Alpha University, Main Hall"
    assert session.contact_hours == Decimal(3)
    row = Attendance.objects.get(session=session, learner=learner)
    assert row.status == AttendanceStatus.ATTENDED
    assert contact_hours([learner.pk])[learner.pk] == Decimal(3)
    summary = LearnerEngagement.objects.get(learner_id=learner.pk, partnership=world.north)
    assert summary.hours == Decimal(3)
    assert AuditEvent.objects.filter(object_id=str(row.pk), learner_id=learner.pk).exists()

    booking_check_in_undo(actor=officer(world), booking=booking)
    row.refresh_from_db()
    assert row.status == AttendanceStatus.REGISTERED
    assert contact_hours([learner.pk]).get(learner.pk, Decimal(0)) == Decimal(0)
    assert not LearnerEngagement.objects.filter(learner_id=learner.pk, hours__gt=0).exists()


def test_an_existing_session_that_day_is_used(world: World) -> None:
    activity = make_activity(world)
    event = make_event(world, activity=activity)
    day = timezone.localdate(event.starts_at)
    session = Session.objects.create(
        activity=activity,
        date=day,
        starts_at=timezone.localtime(event.starts_at).time(),
        ends_at=timezone.localtime(event.ends_at).time(),
        contact_hours=Decimal("2.5"),
        venue="Main Hall",
    )
    booking = book(event, "Amara Alphason", learner=world.learner_alpha)
    booking_check_in(actor=officer(world), booking=booking)
    assert Session.objects.filter(activity=activity).count() == 1
    assert contact_hours([world.learner_alpha.pk])[world.learner_alpha.pk] == Decimal("2.5")
    assert session.register.get().status == AttendanceStatus.ATTENDED


def test_without_an_activity_the_person_is_checked_in_and_told_why_no_attendance(
    world: World,
) -> None:
    event = make_event(world, activity=None)
    booking = book(event, "Sami Schoolman", learner=world.learner_school)
    outcome = booking_check_in(actor=officer(world), booking=booking)
    assert outcome.attendance_note == NO_ACTIVITY
    assert not outcome.attendance_recorded
    assert Booking.objects.get(pk=booking.pk).checked_in_at is not None
    assert not Attendance.objects.filter(learner=world.learner_school).exists()


def test_an_activities_rule_refusing_keeps_the_check_in_and_says_so(world: World) -> None:
    # The event's activity is delivered by Beta: Alpha's organisers do not take its registers.
    activity = Activity.objects.create(
        partnership=world.north,
        delivered_by=world.beta,
        name="Beta open days",
        sub_type=ActivitySubType.objects.filter(partnership=None).first(),
    )
    event = make_event(world, activity=activity)
    booking = book(event, "Sami Schoolman", learner=world.learner_school)
    outcome = booking_check_in(actor=officer(world), booking=booking)
    assert outcome.attendance_note.startswith("Attendance was not recorded:")
    assert Booking.objects.get(pk=booking.pk).checked_in_at is not None
    assert not Session.objects.filter(activity=activity).exists()  # rolled back, nothing half-made


def test_a_two_day_event_records_the_day_of_check_in(world: World) -> None:
    activity = make_activity(world)
    starts = datetime(2026, 6, 10, 9, 30, tzinfo=LONDON)
    event = make_event(
        world, activity=activity, starts_at=starts, ends_at=starts + timedelta(days=1, hours=7)
    )
    booking = Booking.objects.create(
        event=event,
        organisation=world.alpha,
        name="Amara Alphason",
        email="amara@example.org",
        attendee_type=AttendeeType.LEARNER,
        learner=world.learner_alpha,
        requested_at=starts - timedelta(days=3),
        token_digest="0" * 64,
    )
    second_day = datetime(2026, 6, 11, 10, 0, tzinfo=LONDON)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: second_day)
        booking_check_in(actor=officer(world), booking=booking)
    session = Session.objects.get(activity=activity)
    assert str(session.date) == "2026-06-11"
    assert (session.starts_at.hour, session.ends_at.hour) == (9, 16)

    # Undone the day after: the mark on the day of check-in is the one taken back.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: second_day + timedelta(days=1))
        outcome = booking_check_in_undo(actor=officer(world), booking=booking)
    assert outcome.attendance_recorded
    assert session.register.get().status == AttendanceStatus.REGISTERED


def test_search_finds_by_any_part_of_the_name(world: World) -> None:
    event = make_event(world, capacity=None)
    for name in ("Asha Patel", "Ben Okafor", "Cara Patel-Jones", "Dev Singh"):
        book(event, name)
    found = list(checkin_list(event=event, search="patel").values_list("name", flat=True))
    assert found == ["Asha Patel", "Cara Patel-Jones"]
    assert list(checkin_list(event=event, search="cara jones").values_list("name", flat=True)) == [
        "Cara Patel-Jones"
    ]
    assert checkin_list(event=event, search="'; DROP TABLE --").count() == 0
    assert checkin_list(event=event).count() == 4
    booking_cancel(booking=Booking.objects.get(event=event, name="Dev Singh"))
    assert checkin_list(event=event).count() == 3  # the list: people with a place
    assert [b.status for b in checkin_list(event=event, search="singh")] == ["cancelled"]


def test_the_check_in_code_names_one_booking_of_one_event_and_is_not_the_link(
    world: World,
) -> None:
    event = make_event(world)
    other = make_event(world, title="Another event")
    made = booking_create(
        event=event,
        details=BookingDetails(
            name="Asha Patel", email="asha@example.org", attendee_type=AttendeeType.PARENT_CARER
        ),
    )
    code = checkin_code(made.booking)
    assert made.token not in code
    assert booking_for_checkin_code(actor=officer(world), event=event, code=code) == made.booking
    with pytest.raises(NotFound):
        booking_for_checkin_code(actor=officer(world), event=other, code=code)
    tampered = code[:-1] + ("0" if code[-1] != "0" else "1")
    for wrong in (tampered, made.booking.pk.hex, "", "x" * 500, f"{made.booking.pk.hex}-"):
        with pytest.raises(NotFound):
            booking_for_checkin_code(actor=officer(world), event=event, code=wrong)
