"""A student partner's "My work": open shifts that fit, their shifts, hours, pay and what they
are owed, and when it will arrive; their own only. "/" leads a student to it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from freezegun import freeze_time

from tests.partners.factories import UK, make_partner, make_role, make_shift, signed_in_partner
from widen.core import request_context
from widen.partners.models import (
    AssignmentStatus,
    ClaimKind,
    ClaimStatus,
    ExpenseClaim,
    PayPeriod,
    ShiftAssignment,
    ShiftOffer,
    Timesheet,
    TimesheetStatus,
)
from widen.testing.world import World

pytestmark = [pytest.mark.django_db]

NOW = datetime(2026, 11, 4, 9, 0, tzinfo=UK)


@pytest.fixture
def at_nine() -> Any:
    with freeze_time(NOW):
        yield


def test_a_partner_sees_their_shifts_pay_and_what_they_are_owed(
    world: World, django_capture_on_commit_callbacks: Any, at_nine: Any
) -> None:
    role = make_role(world.alpha, world.users["outreach_officer"], hourly_rate_pence=1400)
    partner = make_partner(world.alpha, "W1", first_name="Aisha", roles=(role,))
    other = make_partner(world.alpha, "W2", first_name="Ben", roles=(role,))
    offered = make_shift(role, date(2026, 11, 10), title="Open day tour", costs_covered=True)
    booked = make_shift(role, date(2026, 11, 12), title="Parents' evening")
    full = make_shift(role, date(2026, 11, 13), title="Already taken")
    only_other = make_shift(role, date(2026, 11, 14), title="Offered to Ben only")
    period = PayPeriod.objects.create(
        organisation=world.alpha,
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
        pay_date=date(2026, 12, 18),
    )
    with request_context.bind(source="test"):
        for shift in (offered, booked, full):
            ShiftOffer.objects.create(shift=shift, partner=partner)
        ShiftOffer.objects.create(shift=only_other, partner=other)
        ShiftAssignment.objects.create(shift=booked, partner=partner)
        ShiftAssignment.objects.create(shift=full, partner=other)
        Timesheet.objects.create(
            partner=partner,
            pay_period=period,
            status=TimesheetStatus.CONFIRMED,
            total_minutes=210,
            total_pence=4900,
        )
        ExpenseClaim.objects.create(
            organisation=world.alpha,
            partner=partner,
            kind=ClaimKind.EXPENSES,
            status=ClaimStatus.SUBMITTED,
            purpose="Bus fares to the school",
            total_pence=640,
            spent_on=date(2026, 11, 3),
            submitted_at=timezone.now() - timedelta(days=1),
        )
    client = signed_in_partner(partner, django_capture_on_commit_callbacks)

    assert client.get("/")["Location"] == "/partners/my-work/"
    page = client.get("/partners/my-work/").content.decode()

    assert "Open day tour" in page
    assert "Costs covered" in page
    assert "Parents&#x27; evening" in page
    assert "Already taken" not in page  # no place left
    assert "Offered to Ben only" not in page
    assert "3 hours 30 minutes" in page
    assert "£49.00" in page
    assert "18 December 2026" in page
    assert "once approved" in page
    assert "Bus fares to the school" in page
    assert "£6.40" in page
    # Submitted on 3 November, five working days promised by default.
    assert "10 November 2026" in page


def test_someone_who_is_not_a_partner_is_told_how_to_become_one(
    world: World, client_for: Any, at_nine: Any
) -> None:
    page = client_for(world.users["outreach_officer"]).get("/partners/my-work/")
    assert page.status_code == 200
    assert "You are not a student partner yet" in page.content.decode()


def test_a_booked_shift_of_another_partner_never_shows(
    world: World, django_capture_on_commit_callbacks: Any, at_nine: Any
) -> None:
    role = make_role(world.alpha, world.users["outreach_officer"])
    partner = make_partner(world.alpha, "W3", roles=(role,))
    other = make_partner(world.alpha, "W4", roles=(role,))
    shift = make_shift(role, date(2026, 11, 10), title="Ben's own shift")
    with request_context.bind(source="test"):
        ShiftAssignment.objects.create(shift=shift, partner=other, status=AssignmentStatus.BOOKED)
    client = signed_in_partner(partner, django_capture_on_commit_callbacks)
    assert "Ben&#x27;s own shift" not in client.get("/partners/my-work/").content.decode()


def _menu(page: str) -> str:
    return page[page.index("<nav") : page.index("</nav>")]


def test_the_menu_offers_a_partner_their_own_pages_and_a_coordinator_the_scheme(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any, at_nine: Any
) -> None:
    partner = make_partner(world.alpha, "W5")
    student_menu = _menu(
        signed_in_partner(partner, django_capture_on_commit_callbacks)
        .get("/partners/my-work/")
        .content.decode()
    )
    for label in ("My work", "My plan", "My pay", "My expenses", "Paid roles"):
        assert label in student_menu
    assert "Days out of pocket" not in student_menu
    assert "Learners" not in student_menu

    officer_menu = _menu(
        client_for(world.users["outreach_officer"]).get("/partners/my-work/").content.decode()
    )
    assert "Student partners" in officer_menu
    assert "Days out of pocket" in officer_menu
    assert "My plan" not in officer_menu
    school_menu = _menu(
        client_for(world.users["school_staff"]).get("/partners/my-work/").content.decode()
    )
    assert "Student partners" not in school_menu
