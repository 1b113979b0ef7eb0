"""Access requirements and adjustments are special category data: only the organising
organisation's admins and outreach officers see them, every view is in the access log with the
booking as its subject, and once purged after the event there is nothing left to show."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conftest import signed_in_client
from tests.events.conftest import make_event
from tests.test_audit import who_accessed
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.events.models import AttendeeType, Booking, Event
from widen.events.selectors import BOOKING_SUBJECT
from widen.events.services import BookingDetails, booking_create
from widen.testing.world import World

pytestmark = pytest.mark.django_db

CANARY_ACCESS = "Needs a ramp: wheelchair user 7Q3Z"
CANARY_DIET = "Coeliac 9KXW"


def _book_with_adjustments(event: Event) -> Booking:
    return booking_create(
        event=event,
        details=BookingDetails(
            name="Pat Parent",
            email="pat@example.org",
            attendee_type=AttendeeType.PARENT_CARER,
            access_requirements=CANARY_ACCESS,
            dietary_needs=CANARY_DIET,
            disabled=True,
        ),
    ).booking


def _plain_booking(event: Event) -> Booking:
    return booking_create(
        event=event,
        details=BookingDetails(
            name="Sam Smith", email="sam@example.org", attendee_type=AttendeeType.TEACHER
        ),
    ).booking


@pytest.mark.parametrize(
    "role", [Role.PARTNERSHIP_ADMIN, Role.ORGANISATION_ADMIN, Role.OUTREACH_OFFICER]
)
def test_the_organising_organisations_admins_and_officers_see_and_are_logged(
    world: World, role: str
) -> None:
    event = make_event(world).event
    with_needs = _book_with_adjustments(event)
    _plain_booking(event)
    page = signed_in_client(world.users[role]).get(f"/events/{event.pk}/bookings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert CANARY_ACCESS in html
    assert CANARY_DIET in html
    assert "Attending as a disabled learner" in html
    entries = list(AccessLogEntry.objects.all())
    # One entry, for the booking that states adjustments; none for the one that states none.
    assert [(e.subject_type, e.subject_id, e.learner_id) for e in entries] == [
        (BOOKING_SUBJECT, str(with_needs.pk), None)
    ]
    entry = entries[0]
    assert entry.actor_id == world.users[role].pk
    assert entry.actor_organisation_id == world.alpha.pk
    assert entry.data_categories == ["special_category"]
    assert entry.source == "web"
    assert event.title in entry.purpose


@pytest.mark.parametrize("role", [Role.SCHOOL_STAFF, Role.EVALUATOR, Role.READ_ONLY])
def test_other_members_do_not_reach_the_bookings_at_all(world: World, role: str) -> None:
    event = make_event(world).event
    _book_with_adjustments(event)
    page = signed_in_client(world.users[role]).get(f"/events/{event.pk}/bookings/")
    assert page.status_code == 404
    assert CANARY_ACCESS not in page.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_another_member_organisation_sees_the_event_but_not_who_booked(world: World) -> None:
    # Beta runs the event; Alpha's officer, in the same partnership, may see the event and book
    # Alpha's learners onto it, but not who booked, nor change the event.
    event = make_event(world, organiser=world.beta, title="Beta University open evening").event
    _book_with_adjustments(event)
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    detail = officer.get(f"/events/{event.pk}/")
    assert detail.status_code == 200
    assert "Pat Parent" not in detail.content.decode()
    assert f'href="/events/{event.pk}/bookings/"' not in detail.content.decode()
    assert officer.get(f"/events/{event.pk}/bookings/group/").status_code == 200
    for path in ("bookings/", "edit/", "talks/"):
        page = officer.get(f"/events/{event.pk}/{path}")
        assert page.status_code == 404, path
        assert "Pat Parent" not in page.content.decode()
    api = Client().get(
        f"/api/v1/events/{event.pk}/bookings",
        headers={"Authorization": f"Bearer {world.tokens[Role.OUTREACH_OFFICER]}"},
    )
    assert api.status_code == 404
    assert "Pat Parent" not in api.content.decode()
    assert CANARY_ACCESS not in api.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_the_api_gives_adjustments_to_the_organiser_and_logs_each(world: World) -> None:
    event = make_event(world).event
    booking = _book_with_adjustments(event)
    response = Client().get(
        f"/api/v1/events/{event.pk}/bookings",
        headers={"Authorization": f"Bearer {world.tokens[Role.ORGANISATION_ADMIN]}"},
    )
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["adjustments"]["access_requirements"] == CANARY_ACCESS
    assert row["adjustments"]["disabled"] is True
    entry = AccessLogEntry.objects.get()
    assert (entry.subject_type, entry.subject_id) == (BOOKING_SUBJECT, str(booking.pk))
    assert entry.source == "api"


def test_a_group_booked_learners_adjustments_view_shows_on_their_access_page(
    world: World,
) -> None:
    event = make_event(world).event
    booking = booking_create(
        actor=system_actor("test"),
        event=event,
        details=BookingDetails(
            name="Amara Alphason",
            email="trips@example.org",
            attendee_type=AttendeeType.LEARNER,
            reasonable_adjustments="Extra time to move between rooms",
        ),
        learner=world.learner_alpha,
    ).booking
    admin = signed_in_client(world.users[Role.ORGANISATION_ADMIN])
    admin.get(f"/events/{event.pk}/bookings/")
    entry = AccessLogEntry.objects.get()
    assert (entry.subject_type, entry.subject_id) == (BOOKING_SUBJECT, str(booking.pk))
    assert entry.learner_id == world.learner_alpha.pk
    # The learner's own access page lists the view.
    page = admin.get(f"/learners/{world.learner_alpha.pk}/access/")
    assert page.status_code == 200
    assert event.title in page.content.decode()


def test_who_accessed_traces_a_bookings_views_and_changes(world: World) -> None:
    event = make_event(world).event
    booking = _book_with_adjustments(event)
    other = _book_with_adjustments(event)
    starts = timezone.now()
    signed_in_client(world.users[Role.OUTREACH_OFFICER]).get(f"/events/{event.pk}/bookings/")
    ends = timezone.now()
    rows = who_accessed(
        "--bookings", str(booking.pk), "--from", starts.isoformat(), "--to", ends.isoformat()
    )
    assert [(row["what"], row["actor"], row["subject"]) for row in rows] == [
        ("viewed", "outreach_officer.alpha", f"{BOOKING_SUBJECT} {booking.pk}")
    ]
    assert str(other.pk) not in str(rows)
    # The booking's creation is in the audit trail too, over the whole day.
    today = timezone.localdate().isoformat()
    whats = [
        row["what"]
        for row in who_accessed("--bookings", str(booking.pk), "--from", today, "--to", today)
    ]
    assert whats == ["create events.booking", "viewed"]


def test_after_the_purge_nothing_remains_to_show_or_log(world: World) -> None:
    event = make_event(world).event
    _book_with_adjustments(event)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    call_command("events", "purge-adjustments", stdout=StringIO())
    admin = signed_in_client(world.users[Role.ORGANISATION_ADMIN])
    page = admin.get(f"/events/{event.pk}/bookings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Pat Parent" in html
    assert CANARY_ACCESS not in html
    assert CANARY_DIET not in html
    assert "Attending as a disabled learner" not in html
    assert "removed after the event" in html
    api = Client().get(
        f"/api/v1/events/{event.pk}/bookings",
        headers={"Authorization": f"Bearer {world.tokens[Role.ORGANISATION_ADMIN]}"},
    )
    assert CANARY_ACCESS not in json.dumps(api.json())
    assert not AccessLogEntry.objects.exists()


def test_a_member_without_an_agreement_sees_a_group_booked_learner_unnamed(
    world: World,
) -> None:
    from widen.accounts.services import api_token_create  # noqa: PLC0415
    from widen.organisations.models import Organisation, PartnershipMember  # noqa: PLC0415
    from widen.testing.world import make_user  # noqa: PLC0415

    charity = Organisation.objects.create(name="Delta Futures", organisation_type="charity")
    PartnershipMember.objects.create(partnership=world.north, organisation=charity)
    officer = make_user("officer.delta", charity, Role.OUTREACH_OFFICER)
    # Delta runs the event; Alpha booked one of its learners onto it.
    event = make_event(world, organiser=charity).event
    booking_create(
        actor=system_actor("test"),
        event=event,
        details=BookingDetails(
            name="Amara Alphason", email="trips@alpha.example.org", attendee_type="learner"
        ),
        learner=world.learner_alpha,
    )
    _plain_booking(event)
    html = signed_in_client(officer).get(f"/events/{event.pk}/bookings/").content.decode()
    assert "Alphason" not in html
    assert "trips@alpha.example.org" not in html
    assert "A learner booked by another organisation" in html
    assert "Sam Smith" in html  # booked without an account: not a learner record
    token = api_token_create(user=officer, name="test")[1]
    rows = (
        Client()
        .get(f"/api/v1/events/{event.pk}/bookings", headers={"Authorization": f"Bearer {token}"})
        .json()["results"]
    )
    assert sorted((row["name"] or "") for row in rows) == ["", "Sam Smith"]
    assert "Alphason" not in json.dumps(rows)
    # Alpha, which booked its learner, does not run the event: its bookings list is Delta's.
    own = signed_in_client(world.users[Role.OUTREACH_OFFICER]).get(f"/events/{event.pk}/bookings/")
    assert own.status_code == 404


def test_who_accessed_says_clearly_what_is_wrong_with_its_arguments(world: World) -> None:
    from django.core.management import CommandError  # noqa: PLC0415

    with pytest.raises(CommandError, match="'B-12' is not a booking id"):
        call_command(
            "who_accessed", "--bookings", "B-12", "--from", "2026-01-01", "--to", "2026-01-02"
        )
    with pytest.raises(CommandError, match="Name the learners"):
        call_command("who_accessed", "--from", "2026-01-01", "--to", "2026-01-02")
