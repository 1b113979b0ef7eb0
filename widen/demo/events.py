"""The demo partnership's events: a public information session for parents and carers, a
conference co-created with disabled and care-experienced learners (two strands, talks by students
and staff), and CPD for teachers, with a few bookings (one stating an access requirement), made
through the same services as the pages."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.test.utils import override_settings
from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.events.models import AttendeeType, Event, EventKind, PresenterRole
from widen.events.services import (
    BookingDetails,
    EventDetails,
    booking_create,
    event_create,
    presenter_add,
    strand_create,
    talk_create,
)
from widen.organisations.models import Organisation, Partnership

PARENTS_EVENT = "Finding out about university: an evening for parents and carers"
CONFERENCE = "Our voices: a conference co-created with disabled and care-experienced learners"
CPD_EVENT = "Supporting care-experienced learners towards higher education: CPD for teachers"
DEMO = system_actor("the demo partnership's events")


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def demo_events_create(*, partnership: Partnership, organiser: Organisation) -> list[Event]:
    """The three demo events, run by `organiser` (QMUL), and their bookings."""

    def create(details: EventDetails) -> Event:
        """An event made as its organiser makes one on the page."""
        return event_create(
            actor=DEMO, partnership=partnership, organiser=organiser, details=details
        ).event

    parents = create(
        EventDetails(
            title=PARENTS_EVENT,
            kind=EventKind.PARENTS_CARERS,
            starts_at=_at(21, 18),
            ends_at=_at(21, 19, 30),
            description=(
                "What university is like, how student finance works and how to support your "
                "child's choices. Talk to current students and staff over tea."
            ),
            venue="Mile End campus, Queens' Building",
            audiences=["parents_carers"],
            year_groups=[10, 11, 12],
            capacity=80,
        )
    )
    conference = create(
        EventDetails(
            title=CONFERENCE,
            kind=EventKind.CONFERENCE,
            starts_at=_at(35, 9, 30),
            ends_at=_at(35, 15, 30),
            description="Learners, students and staff on what makes university work for them.",
            venue="Mile End campus, Great Hall",
            audiences=["learners", "students", "staff", "practitioners"],
            year_groups=[11, 12, 13],
            capacity=120,
            co_created_with="disabled and care-experienced learners",
        )
    )
    voice = strand_create(actor=DEMO, event=conference, title="Student voice")
    practice = strand_create(actor=DEMO, event=conference, title="Staff practice")
    for strand, title, hour, presenters in (
        (
            voice,
            "Getting in: what helped me apply",
            10,
            [
                ("Jordan Lee", PresenterRole.STUDENT, "BSc Social Work, second year"),
                ("Dr Priya Shah", PresenterRole.STAFF, "Widening participation lead"),
            ],
        ),
        (
            practice,
            "Reasonable adjustments that work from day one",
            10,
            [
                ("Sam Okoro", PresenterRole.STUDENT, "BA History, third year"),
                ("Helen Marsh", PresenterRole.STAFF, "Disability and dyslexia service"),
            ],
        ),
        (
            voice,
            "Care leavers at university: a panel",
            13,
            [("Aaliyah Begum", PresenterRole.STUDENT, "LLB Law, first year")],
        ),
    ):
        talk = talk_create(
            actor=DEMO,
            event=conference,
            strand=strand,
            title=title,
            starts_at=_at(35, hour),
            ends_at=_at(35, hour, 50),
            room="Great Hall" if strand == voice else "Room 2.14",
        )
        for name, role, job_title in presenters:
            presenter_add(actor=DEMO, talk=talk, name=name, role=role, job_title=job_title)
    cpd = create(
        EventDetails(
            title=CPD_EVENT,
            kind=EventKind.CPD,
            starts_at=_at(28, 16),
            ends_at=_at(28, 18),
            description="For designated teachers, careers leads and virtual school staff.",
            online_link="https://meet.example.org/widen-cpd",
            audiences=["teachers", "practitioners"],
            capacity=40,
        )
    )
    # The demo's people are invented (example.org): their confirmation e-mails go nowhere.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _demo_bookings(parents, conference, cpd)
    return [parents, conference, cpd]


def _demo_bookings(parents: Event, conference: Event, cpd: Event) -> None:
    for event, name, email, attendee_type, needs in (
        (parents, "Farah Ahmed", "farah.ahmed@example.org", AttendeeType.PARENT_CARER, ""),
        (
            parents,
            "Kwame Boateng",
            "kwame.boateng@example.org",
            AttendeeType.PARENT_CARER,
            "Step-free access and a seat near the front",
        ),
        (conference, "Ella Murphy", "ella.murphy@example.org", AttendeeType.LEARNER, ""),
        (cpd, "Ms Rachel Green", "r.green@example.org", AttendeeType.TEACHER, ""),
    ):
        booking_create(
            event=event,
            details=BookingDetails(
                name=name, email=email, attendee_type=attendee_type, access_requirements=needs
            ),
        )
