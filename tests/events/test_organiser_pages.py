"""The organisers' pages: adding and changing events, the invitation link shown once, the
programme, the bookings list with cancel, and booking a whole group of learners."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import signed_in_client
from tests.events.conftest import booked, make_event
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.events.models import AttendeeType, Booking, BookingStatus, Event
from widen.events.services import BookingDetails, booking_create
from widen.learners.models import Learner, SavedSearch
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db


def _event_form(**changes: str) -> dict[str, str]:
    starts = (timezone.localtime() + timedelta(days=21)).replace(hour=17, minute=30)
    form = {
        "title": "Apprenticeships evening",
        "kind": "alternative_pathways",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue": "Sixth Form School, main hall",
        "audiences": ["parents_carers", "learners"],
        "year_groups": ["11", "12"],
        "capacity": "60",
        "is_public": "yes",
        "co_created_with": "care-experienced learners",
    }
    form.update(changes)
    return form


def _book(event: Event, name: str) -> Booking:
    return booked(event, name).booking


def test_an_officer_adds_an_invitation_only_event_and_sees_its_link_once(world: World) -> None:
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    page = officer.get(f"/events/partnerships/{world.north.pk}/new/")
    assert page.status_code == 200
    assert 'name="title"' in page.content.decode()
    response = officer.post(
        f"/events/partnerships/{world.north.pk}/new/",
        _event_form(is_public="no", organiser=str(world.alpha.pk)),
    )
    assert response.status_code == 302
    event = Event.objects.get(title="Apprenticeships evening")
    assert not event.is_public
    assert event.year_groups == [11, 12]
    assert event.co_created_with == "care-experienced learners"
    first = officer.get(response["Location"]).content.decode()
    assert "The invitation link" in first
    link = first.split('id="invitation-link" readonly value="')[1].split('"')[0]
    assert "/events/invitation/" in link
    # The link works for anyone, and is not shown again.
    assert Client().get(link.split("testserver")[1]).status_code == 200
    again = officer.get(response["Location"]).content.decode()
    assert link not in again
    # A new link replaces it.
    officer.post(f"/events/{event.pk}/invitation/")
    renewed = officer.get(f"/events/{event.pk}/").content.decode()
    new_link = renewed.split('id="invitation-link" readonly value="')[1].split('"')[0]
    assert new_link != link
    assert Client().get(link.split("testserver")[1]).status_code == 404
    assert Client().get(new_link.split("testserver")[1]).status_code == 200


def test_a_refused_event_form_says_why_by_field_and_saves_nothing(world: World) -> None:
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    form = _event_form(organiser=str(world.alpha.pk), venue="")
    form["ends_at"] = form["starts_at"]
    page = officer.post(f"/events/partnerships/{world.north.pk}/new/", form)
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_ends_at"' in html
    assert "The event must end after it starts." in html
    assert not Event.objects.exists()


def test_an_event_is_changed_from_its_edit_page(world: World) -> None:
    event = make_event(world).event
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    assert officer.get(f"/events/{event.pk}/edit/").status_code == 200
    response = officer.post(
        f"/events/{event.pk}/edit/", _event_form(title="Changed title", capacity="")
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Changed title"
    assert event.capacity is None


def test_the_programme_page_adds_strands_talks_and_presenters(world: World) -> None:
    event = make_event(world, kind="conference", title="Our voices").event
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    url = f"/events/{event.pk}/talks/"
    assert (
        officer.post(url, {"action": "strand", "strand-title": "Student voice"}).status_code == 302
    )
    strand = event.strands.get()
    starts = timezone.localtime(event.starts_at)
    response = officer.post(
        url,
        {
            "action": "talk",
            "talk-title": "Getting in",
            "talk-strand": str(strand.pk),
            "talk-starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "talk-ends_at": (starts + timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    talk = event.talks.get()
    response = officer.post(
        url,
        {
            "action": "presenter",
            "presenter-talk": str(talk.pk),
            "presenter-name": "Jordan Lee",
            "presenter-role": "student",
            "presenter-job_title": "BA History",
        },
    )
    assert response.status_code == 302
    html = officer.get(url).content.decode()
    assert "Jordan Lee (student, BA History)" in html
    # A talk outside the event's times is refused on the form.
    late = starts + timedelta(hours=5)
    page = officer.post(
        url,
        {
            "action": "talk",
            "talk-title": "After hours",
            "talk-starts_at": late.strftime("%Y-%m-%dT%H:%M"),
            "talk-ends_at": (late + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert page.status_code == 200
    assert "within the event&#x27;s times" in page.content.decode()
    assert event.talks.count() == 1


def test_the_bookings_list_counts_and_cancelling_promotes_the_first_waiting(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(world, capacity=2).event
    asha, ben, cara, dev = (
        _book(event, name) for name in ("Asha Patel", "Ben Okafor", "Cara Jones", "Dev Singh")
    )
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    html = officer.get(f"/events/{event.pk}/bookings/").content.decode()
    assert "2 booked of 2 places, 2 on the waiting list, 0 cancelled" in html
    # "Cancel" asks first; only the confirm button cancels.
    asking = officer.get(f"/events/{event.pk}/bookings/?cancel={ben.pk}").content.decode()
    assert "Cancel Ben Okafor's booking?" in asking
    ben.refresh_from_db()
    assert ben.status == BookingStatus.BOOKED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(f"/events/{event.pk}/bookings/", {"booking": str(ben.pk)})
    assert response.status_code == 302
    ben.refresh_from_db()
    cara.refresh_from_db()
    dev.refresh_from_db()
    assert ben.status == BookingStatus.CANCELLED
    assert cara.status == BookingStatus.BOOKED
    assert dev.status == BookingStatus.WAITING
    # Ben is told his booking was cancelled; Cara that she has a place.
    assert [m.to for m in mail.outbox] == [["ben@example.org"], ["cara@example.org"]]
    assert "have cancelled your booking" in mail.outbox[0].body
    html = officer.get(f"/events/{event.pk}/bookings/").content.decode()
    assert "Cara Jones moved from the waiting list to a place" in html
    assert "2 booked of 2 places, 1 on the waiting list, 1 cancelled" in html
    # A booking of another event cannot be cancelled from here.
    other = make_event(world, title="Another").event
    stranger = _book(other, "Eve Adams")
    officer.post(f"/events/{event.pk}/bookings/", {"booking": str(stranger.pk)})
    stranger.refresh_from_db()
    assert stranger.status == BookingStatus.BOOKED
    assert asha.pk


def _pupils(world: World, count: int, *, year_group: int = 10) -> list[Learner]:
    """Alpha's records of pupils at the school: Alpha's officers book them."""
    return [
        Learner.objects.create(
            organisation=world.alpha,
            school=world.school,
            first_name=f"Pupil{index:02d}",
            last_name="Groupson",
            date_of_birth=year_group_birthday(year_group),
            home_postcode="E15 4LZ",
        )
        for index in range(count)
    ]


def test_booking_a_schools_pupils_fills_places_then_the_waiting_list(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # Alpha's officer books Alpha's records of the school's pupils; the school's and Beta's own
    # records, seen by name under the agreement, are theirs to book.
    _pupils(world, 4)
    event = make_event(world, capacity=4).event
    _book(event, "Pat Parent")
    already = booking_create(
        actor=system_actor("test"),
        event=event,
        details=BookingDetails(
            name="Sami Schoolman", email="t@example.org", attendee_type=AttendeeType.LEARNER
        ),
        learner=world.learner_school,
    ).booking
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            f"/events/{event.pk}/bookings/group/",
            {
                "source": "school",
                "school": str(world.school.pk),
                "contact_email": "trips@example.org",
            },
            follow=True,
        )
    html = response.content.decode()
    # At the school: Amara (Alpha's record), Bea (Beta's), Sami (the school's, already booked)
    # and four pupils (Alpha's records).
    assert (
        "2 booked, 3 on the waiting list, 2 left out: their records are held by another "
        "organisation, which books its own learners."
    ) in html
    assert "Betterton" not in html  # left out, never named
    learner_bookings = event.bookings.filter(learner__isnull=False).exclude(pk=already.pk)
    assert learner_bookings.count() == 5
    assert not learner_bookings.filter(learner=world.learner_beta).exists()
    assert set(learner_bookings.values_list("attendee_type", flat=True)) == {"learner"}
    assert set(learner_bookings.values_list("email", flat=True)) == {"trips@example.org"}
    # One e-mail for the group, with each learner's own link.
    (sent,) = mail.outbox
    assert sent.to == ["trips@example.org"]
    assert sent.body.count("/events/booking/") == 5
    assert "Amara Alphason: booked" in sent.body
    # Booked again: everyone is already booked.
    response = officer.post(
        f"/events/{event.pk}/bookings/group/",
        {"source": "school", "school": str(world.school.pk), "contact_email": "trips@example.org"},
        follow=True,
    )
    assert "0 booked, 0 on the waiting list, 5 already booked, 2 left out" in (
        response.content.decode()
    )


def test_a_group_is_only_learners_the_person_may_see_by_name(world: World) -> None:
    # Gamma's learner is at the same school but held by a stranger partnership's member.
    Learner.objects.filter(pk=world.learner_gamma.pk).update(school=world.school)
    event = make_event(world, capacity=None).event
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    officer.post(
        f"/events/{event.pk}/bookings/group/",
        {"source": "school", "school": str(world.school.pk), "contact_email": "trips@example.org"},
    )
    booked = set(event.bookings.values_list("learner_id", flat=True))
    assert world.learner_gamma.pk not in booked
    assert world.learner_alpha.pk in booked


def test_a_group_from_a_saved_search_and_by_year_group(world: World) -> None:
    year12 = _pupils(world, 2, year_group=12)
    _pupils(world, 3, year_group=10)
    event = make_event(world, capacity=None).event
    officer_user = world.users[Role.OUTREACH_OFFICER]
    search = SavedSearch.objects.create(
        owner=officer_user, name="Groupsons", filters={"q": "Groupson"}
    )
    officer = signed_in_client(officer_user)
    page = officer.get(f"/events/{event.pk}/bookings/group/")
    assert "Groupsons" in page.content.decode()
    response = officer.post(
        f"/events/{event.pk}/bookings/group/",
        {"source": "search", "search": str(search.pk), "contact_email": "me@example.org"},
        follow=True,
    )
    assert "5 booked, 0 on the waiting list." in response.content.decode()
    other = make_event(world, capacity=None, title="Year 12 taster").event
    officer.post(
        f"/events/{other.pk}/bookings/group/",
        {
            "source": "school",
            "school": str(world.school.pk),
            "year_group": "12",
            "contact_email": "me@example.org",
        },
    )
    assert set(other.bookings.values_list("learner_id", flat=True)) == {p.pk for p in year12}
    # Someone else's saved search is not offered and not used.
    theirs = SavedSearch.objects.create(
        owner=world.users[Role.ORGANISATION_ADMIN], name="Theirs", filters={"q": "Groupson"}
    )
    page = officer.post(
        f"/events/{other.pk}/bookings/group/",
        {"source": "search", "search": str(theirs.pk), "contact_email": "me@example.org"},
    )
    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()


def test_a_groups_waiting_list_keeps_its_order_and_bookings_are_audited(world: World) -> None:
    from widen.audit.models import AuditAction, AuditEvent  # noqa: PLC0415
    from widen.events.services import booking_cancel, group_booking_create  # noqa: PLC0415

    pupils = _pupils(world, 5)
    event = make_event(world, capacity=2).event
    outcome = group_booking_create(
        actor=world.users[Role.OUTREACH_OFFICER],
        event=event,
        learners=pupils,
        contact_email="trips@example.org",
    )
    assert [b.learner for b in outcome.booked] == pupils[:2]
    assert [b.learner for b in outcome.waiting] == pupils[2:]
    created = AuditEvent.objects.filter(object_type="events.booking", action=AuditAction.CREATE)
    assert set(created.values_list("learner_id", flat=True)) == {p.pk for p in pupils}
    # Places freed go to the group's waiting learners in the order they were given.
    for booking in outcome.booked:
        booking_cancel(booking=Booking.objects.get(pk=booking.pk))
    placed = event.bookings.filter(status=BookingStatus.BOOKED).order_by("promoted_at")
    assert [b.learner_id for b in placed] == [pupils[2].pk, pupils[3].pk]


def test_booking_a_bigger_group_takes_no_more_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    from widen.events.services import group_booking_create  # noqa: PLC0415

    small, big = _pupils(world, 3), _pupils(world, 60, year_group=11)
    officer = world.users[Role.OUTREACH_OFFICER]
    first = make_event(world, capacity=None, title="First").event
    second = make_event(world, capacity=None, title="Second").event
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as few:
        group_booking_create(actor=officer, event=first, learners=small, contact_email="a@b.org")
    # Twenty times the learners: only the inserts' batches add statements (SQLite batches of
    # a few dozen rows), never one per learner.
    with django_assert_max_num_queries(len(few.captured_queries) + 4):
        group_booking_create(actor=officer, event=second, learners=big, contact_email="a@b.org")
    assert second.bookings.count() == 60
