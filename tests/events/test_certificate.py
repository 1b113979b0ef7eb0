"""CPD attendance certificates: a PDF read back with pypdf, for checked-in bookings at CPD
events only, from the holder's link and for organisers; hostile names cannot break it."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from tests.events.test_checkin import make_event
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.events.certificates import certificate_pdf
from widen.events.checkin import booking_check_in
from widen.events.models import AttendeeType, Booking, Event, EventKind
from widen.events.services import BookingDetails, BookingMade, booking_create
from widen.testing.world import World

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def cpd_event(world: World, **changes: object) -> Event:
    starts = datetime(2027, 3, 3, 9, 30, tzinfo=LONDON)
    values: dict[str, object] = {
        "title": "Supporting care-experienced learners into higher education",
        "kind": EventKind.CPD,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=6, minutes=15),
        "capacity": None,
    }
    values.update(changes)
    return make_event(world, **values)


def teacher(event: Event, name: str) -> BookingMade:
    return booking_create(
        event=event,
        details=BookingDetails(
            name=name, email="teacher@example.org", attendee_type=AttendeeType.TEACHER
        ),
    )


def check_in(world: World, booking: Booking) -> None:
    # Booking closes when the event starts; the check-in itself happens on the day.
    booking_check_in(actor=world.users[Role.OUTREACH_OFFICER], booking=booking)


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_the_certificate_names_person_event_date_hours_and_organiser(world: World) -> None:
    event = cpd_event(world)
    made = teacher(event, "Ms Siobhán O’Neill")
    check_in(world, made.booking)
    response = Client().get(reverse("checkin:certificate", kwargs={"token": made.token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="certificate-')
    text = pdf_text(response.content)
    assert "Certificate of attendance" in text
    assert "Ms Siobhán O'Neill" in text
    assert "Supporting care-experienced learners into higher education" in text
    assert "Wednesday 3 March 2027" in text
    assert "CPD hours: 6.25 hours" in text
    assert "Organised by Alpha University" in text


def test_organisers_download_it_from_the_check_in_list(world: World) -> None:
    event = cpd_event(world)
    made = teacher(event, "Tom Teacher")
    check_in(world, made.booking)
    url = reverse(
        "checkin:organiser_certificate",
        kwargs={"event_id": event.pk, "booking_id": made.booking.pk},
    )
    assert not AccessLogEntry.objects.filter(subject_id=str(made.booking.pk)).exists()
    response = signed_in_client(world.users[Role.OUTREACH_OFFICER]).get(url)
    assert response.status_code == 200
    assert "Tom Teacher" in pdf_text(response.content)
    # The organiser's download of a named certificate is written to the access log.
    (logged,) = AccessLogEntry.objects.filter(subject_id=str(made.booking.pk))
    assert logged.actor_id == world.users[Role.OUTREACH_OFFICER].pk
    assert signed_in_client(world.users[Role.EVALUATOR]).get(url).status_code == 404


def test_refused_clearly_before_check_in(world: World) -> None:
    event = cpd_event(world)
    made = teacher(event, "Tom Teacher")
    response = Client().get(reverse("checkin:certificate", kwargs={"token": made.token}))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert "available once you have been checked in" in response.content.decode()
    agenda = Client().get(reverse("checkin:agenda", kwargs={"token": made.token}))
    assert "available once you have been checked in" in agenda.content.decode()


def test_refused_clearly_for_an_event_that_is_not_cpd(world: World) -> None:
    event = cpd_event(world, kind=EventKind.SEMINAR, title="Widening participation seminar")
    made = teacher(event, "Tom Teacher")
    check_in(world, made.booking)
    response = Client().get(reverse("checkin:certificate", kwargs={"token": made.token}))
    assert response.status_code == 409
    assert (
        "Certificates are for CPD events; Widening participation seminar is not one."
        in response.content.decode()
    )


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Amira \u202eevil\u202c Khan", "Amira evil Khan"),
        ("Jo 😀🎓 Bloggs", "Jo ?? Bloggs"),
        ("Łucja Nowak-Żak", "?ucja Nowak-Zak"),
        ("محمد علي", "??? ???"),
        ("Zoë\tSmith\r\nJones", "Zoë Smith Jones"),
        ("<script>alert(1)</script> %PDF-1.4 \\) Tj", "<script>alert(1)</script> %PDF-1.4 \\) Tj"),
    ],
)
def test_hostile_names_do_not_break_it(world: World, name: str, shown: str) -> None:
    event = cpd_event(world, title="CPD 🎓 \u202eday\u202c – with a very long title " + "y" * 150)
    booking = Booking.objects.create(
        event=event,
        organisation=world.alpha,
        name=name,
        email="x@example.org",
        attendee_type=AttendeeType.TEACHER,
        requested_at=event.starts_at - timedelta(days=2),
        token_digest="2" * 64,
    )
    check_in(world, booking)
    url = reverse(
        "checkin:organiser_certificate", kwargs={"event_id": event.pk, "booking_id": booking.pk}
    )
    response = signed_in_client(world.users[Role.OUTREACH_OFFICER]).get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert shown in text.replace("\n", "")
    assert "\u202e" not in text
    assert "CPD ? day - with a very long title" in text


def test_a_name_of_ten_thousand_characters_is_cut_not_broken(world: World) -> None:
    """Bookings keep names to 160 characters; the certificate copes with longer anyway."""
    event = cpd_event(world)
    booking = Booking(
        event=event,
        name="Wolfeschlegelsteinhausenbergerdorff " * 300,
        status="booked",
        checked_in_at=event.starts_at,
    )
    certificate = certificate_pdf(booking)
    text = pdf_text(certificate.content).replace("\n", "")
    assert "Wolfeschlegelsteinhausenbergerdorff Wolfeschlegel" in text
    assert len(text) < 2_000
    assert "Organised by Alpha University" in text
