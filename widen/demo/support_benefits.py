"""What the demo's support schemes offer their members: a budgeting workshop only the First in
family scheme's members see and book (run by the outreach officer, `outreach.officer`), and the
careers service's paid summer internships, which the care-experienced and estranged students'
scheme offers its members first (its manager, `support.adviser`); a member counts herself in
for the internships (the workshop is left for members to book: the events' demo counts its
bookings). Called by `widen.demo.support`, through the
same services as the Benefits pages."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from widen.accounts.models import User
from widen.events.models import Audience, EventKind
from widen.events.services import EventDetails, event_create
from widen.organisations.models import Organisation, Partnership
from widen.students.models import Student
from widen.support.models import Benefit, BenefitKind, Scheme
from widen.support.services.benefits import (
    BenefitDetails,
    benefit_add,
    benefit_take_up,
)

WORKSHOP = "Budgeting for your first year: a workshop for First in family members"
INTERNSHIPS = "Summer internships in London, through the Careers and Enterprise Centre"


def _user(provider: Organisation, first: str, last: str) -> User | None:
    return (
        Student.objects.select_related("user")
        .get(organisation=provider, first_name=first, last_name=last)
        .user
    )


def demo_benefits_create(
    *,
    provider: Organisation,
    partnership: Partnership,
    care: Scheme,
    first: Scheme,
    adviser: User,
    officer: User,
) -> list[Benefit]:
    """The workshop and the internships (Leah counts herself in)."""
    day = timezone.localdate() + timedelta(days=16)
    zone = timezone.get_current_timezone()
    event = event_create(
        actor=officer,
        partnership=partnership,
        organiser=provider,
        details=EventDetails(
            title=WORKSHOP,
            kind=EventKind.OTHER,
            starts_at=datetime.combine(day, time(13), tzinfo=zone),
            ends_at=datetime.combine(day, time(14, 30), tzinfo=zone),
            description="Making your loan and bursary last the term: rent, food, travel and "
            "the apps that help. Bring your questions; lunch provided.",
            venue="Mile End campus, Bancroft Building, room 3.26",
            audiences=[Audience.STUDENTS],
            capacity=30,
            is_public=False,
        ),
    ).event
    workshop = benefit_add(
        actor=officer,
        scheme=first,
        details=BenefitDetails(kind=BenefitKind.EVENT, title=WORKSHOP, event_id=event.pk),
    )
    internships = benefit_add(
        actor=adviser,
        scheme=care,
        details=BenefitDetails(
            kind=BenefitKind.OPPORTUNITY,
            title=INTERNSHIPS,
            description="Eight weeks' paid work over the summer in a London employer; the "
            "centre helps with applications and interviews.",
            offered_by="Careers and Enterprise Centre",
            link="https://www.qmul.ac.uk/careers/",
            members_first_until=timezone.localdate() + timedelta(days=28),
        ),
    )
    leah = _user(provider, "Leah", "Morgan")
    benefit_take_up(actor=leah, benefit=internships)
    return [workshop, internships]
