"""The shift pages as coordinators and students use them: a coordinator adds a shift and it is
offered to the partners it fits; a student claims it (the second to claim a one-place shift is
told it is full); dropping offers it again and tells the coordinator; a swap is asked and taken;
allocating lists an ineligible Student visa holder with the reason and refuses them even from a
forged form; nobody reaches another provider's shift or another student's booking."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from freezegun import freeze_time

from conftest import signed_in_client
from tests.partners.factories import (
    EVERY_DAY,
    UK,
    autumn_term,
    make_partner,
    make_role,
    make_shift,
    signed_in_partner,
)
from widen.accounts.models import Role as StaffRole
from widen.accounts.models import User
from widen.notifications.models import Notification
from widen.partners.models import (
    AssignmentStatus,
    Role,
    Shift,
    ShiftAllocation,
    ShiftAssignment,
    ShiftOffer,
)
from widen.partners.services.shifts import shift_allocate
from widen.testing.world import World, make_user

pytestmark = [pytest.mark.django_db]

NOW = datetime(2026, 11, 4, 9, 0, tzinfo=UK)
MONDAY = date(2026, 11, 9)


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with freeze_time(NOW):
        yield


@pytest.fixture
def coordinator(world: World) -> User:
    return world.users["outreach_officer"]


@pytest.fixture
def role(world: World, coordinator: User) -> Role:
    autumn_term(world.alpha)
    return make_role(world.alpha, coordinator)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def told(user: User | None, template: str) -> int:
    return Notification.objects.filter(user=user, template=template).count()


def test_a_coordinator_adds_a_shift_and_it_is_offered_to_the_partners_it_fits(
    world: World, role: Role, coordinator: User
) -> None:
    fits = make_partner(world.alpha, "P1", first_name="Aisha", roles=(role,))
    no_mondays = make_partner(world.alpha, "P2", roles=(role,), patterns=EVERY_DAY[1:])
    client = signed_in_client(coordinator)

    response = client.post(
        "/partners/shifts/new/",
        {
            "role": role.pk,
            "title": "Open day tours",
            "day": MONDAY.isoformat(),
            "starts": "10:00",
            "ends": "13:00",
            "kind": "work",
            "mode": "on_site",
            "place": "Main hall",
            "places": "2",
            "allocation": ShiftAllocation.FIRST_COME,
            "costs_covered": "on",
        },
        follow=True,
    )

    shift = Shift.objects.get(title="Open day tours")
    assert response.redirect_chain[-1][0] == f"/partners/shifts/{shift.pk}/"
    assert "It is offered to 1 partner it fits." in response.content.decode()
    assert ShiftOffer.objects.filter(shift=shift, partner=fits).exists()
    assert not ShiftOffer.objects.filter(shift=shift, partner=no_mondays).exists()
    rota = page(client, f"/partners/rota/?week={MONDAY.isoformat()}")
    assert "Open day tours" in rota
    assert "0 of 2" in rota
    assert "Costs covered" in rota
    assert f"?week={(MONDAY + timedelta(days=7)).isoformat()}" in rota


def test_a_shift_without_a_time_or_a_session_is_refused_with_the_reason(
    role: Role, coordinator: User
) -> None:
    response = signed_in_client(coordinator).post(
        "/partners/shifts/new/",
        {"role": role.pk, "title": "Tour", "kind": "work", "mode": "on_site", "places": "1"},
    )

    assert response.status_code == 200
    assert "Enter the day of the shift." in response.content.decode()
    assert not Shift.objects.exists()


def test_a_student_claims_an_open_shift_and_the_second_claimant_is_told_it_is_full(
    world: World, role: Role, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    first = make_partner(world.alpha, "P1", first_name="Aisha", roles=(role,))
    second = make_partner(world.alpha, "P2", first_name="Ben", roles=(role,))
    shift = make_shift(role, MONDAY, title="Library tour")
    for partner in (first, second):
        ShiftOffer.objects.create(shift=shift, partner=partner)
    aisha = signed_in_partner(first, django_capture_on_commit_callbacks)
    ben = signed_in_partner(second, django_capture_on_commit_callbacks)
    claim_url = f"/partners/my-work/open-shifts/{shift.pk}/"
    assert claim_url in page(aisha, "/partners/my-work/")
    assert "Claim this shift" in page(ben, claim_url)

    claimed = aisha.post(claim_url, follow=True)
    refused = ben.post(claim_url, follow=True)

    booking = ShiftAssignment.objects.get(shift=shift, status=AssignmentStatus.BOOKED)
    assert booking.partner == first
    assert claimed.redirect_chain[-1][0] == f"/partners/my-work/shifts/{booking.pk}/"
    assert "every place on this shift has been taken" in refused.content.decode()
    assert "Every place on this shift has been taken." in page(ben, claim_url)
    assert "Library tour" not in page(ben, "/partners/my-work/open-shifts/")


def test_dropping_asks_no_reason_offers_the_shift_again_and_tells_the_coordinator(
    world: World, role: Role, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    leaving = make_partner(world.alpha, "P1", first_name="Aisha", roles=(role,))
    other = make_partner(world.alpha, "P2", first_name="Ben", roles=(role,))
    shift = make_shift(role, MONDAY, title="Library tour")
    booking = shift_allocate(actor=coordinator, shift=shift, partner=leaving)
    client = signed_in_partner(leaving, django_capture_on_commit_callbacks)
    ben = signed_in_partner(other, django_capture_on_commit_callbacks)
    mine = f"/partners/my-work/shifts/{booking.pk}/"
    assert mine in page(client, "/partners/my-work/")

    confirm = page(client, f"{mine}drop/")
    assert "Nothing counts against you" in confirm
    assert "offered to others" in confirm
    assert "<textarea" not in confirm
    assert not re.findall(r'<input(?![^>]*type="hidden")', confirm.split("<main")[-1])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{mine}drop/", follow=True)

    booking.refresh_from_db()
    assert booking.status == AssignmentStatus.DROPPED
    assert "Nothing counts against you" in response.content.decode()
    assert ShiftOffer.objects.filter(shift=shift, partner=other).exists()
    other.student.refresh_from_db()
    assert told(other.student.user, "partners/shifts_offered") == 1
    assert told(coordinator, "partners/shift_dropped") == 1
    assert f"/partners/my-work/open-shifts/{shift.pk}/" in page(ben, "/partners/my-work/")
    shift_page = page(signed_in_client(coordinator), f"/partners/shifts/{shift.pk}/")
    assert "Freed the place" in shift_page
    assert client.get(f"{mine}drop/").status_code == 404


def test_a_swap_is_asked_of_a_colleague_who_takes_the_shift_over(
    world: World, role: Role, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    asking = make_partner(world.alpha, "P1", first_name="Aisha", roles=(role,))
    colleague = make_partner(world.alpha, "P2", first_name="Ben", last_name="Cole", roles=(role,))
    busy = make_partner(
        world.alpha, "P3", first_name="Cat", last_name="Busy", roles=(role,), patterns=()
    )
    shift = make_shift(role, MONDAY, title="Library tour")
    booking = shift_allocate(actor=coordinator, shift=shift, partner=asking)
    aisha = signed_in_partner(asking, django_capture_on_commit_callbacks)
    ben = signed_in_partner(colleague, django_capture_on_commit_callbacks)
    swap_url = f"/partners/my-work/shifts/{booking.pk}/swap/"
    choices = page(aisha, swap_url)
    assert "Ben Cole" in choices
    assert "Cat Busy" not in choices

    refused = aisha.post(swap_url, {"colleague": busy.pk})
    assert "Choose one of the colleagues listed." in refused.content.decode()
    aisha.post(swap_url, {"colleague": colleague.pk})
    booking.refresh_from_db()
    assert booking.swap_offered_to == colleague
    accept_url = f"/partners/my-work/swaps/{booking.pk}/"
    assert accept_url in page(ben, "/partners/my-work/")
    assert aisha.get(accept_url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = ben.post(accept_url, follow=True)

    taken = ShiftAssignment.objects.get(shift=shift, status=AssignmentStatus.BOOKED)
    assert taken.partner == colleague
    assert response.redirect_chain[-1][0] == f"/partners/my-work/shifts/{taken.pk}/"
    assert told(coordinator, "partners/swap_taken") == 1


def test_allocating_shows_a_visa_holder_past_20_hours_with_the_reason_and_refuses_a_forged_choice(
    world: World, role: Role, coordinator: User
) -> None:
    visa = make_partner(
        world.alpha, "U1", first_name="Vi", last_name="Visa", roles=(role,), student_visa=True
    )
    free = make_partner(world.alpha, "U2", first_name="Fay", last_name="Free", roles=(role,))
    for day in range(3):
        earlier = make_shift(role, MONDAY + timedelta(days=day), time(9), 5, title=f"Day {day}")
        shift_allocate(actor=coordinator, shift=earlier, partner=visa)  # 15 hours
    shift = make_shift(
        role, MONDAY + timedelta(days=3), time(9), 6, title="Thursday", allocation="allocated"
    )
    client = signed_in_client(coordinator)

    shown = page(client, f"/partners/shifts/{shift.pk}/")
    assert "Vi Visa" in shown
    assert "a Student visa allows at most 20 hours of work in any week in term time" in shown
    assert f'value="{visa.pk}"' not in shown
    assert f'value="{free.pk}"' in shown

    forged = client.post(f"/partners/shifts/{shift.pk}/allocate/", {"partner": visa.pk})
    assert forged.status_code == 400
    assert "Choose one of the partners who can work the shift." in forged.content.decode()
    assert not ShiftAssignment.objects.filter(shift=shift).exists()

    client.post(f"/partners/shifts/{shift.pk}/allocate/", {"partner": free.pk})
    assert ShiftAssignment.objects.get(shift=shift).partner == free


def test_the_coordinator_records_what_was_worked_after_the_shift(
    world: World, role: Role, coordinator: User
) -> None:
    worked = make_partner(world.alpha, "P1", first_name="Aisha", roles=(role,))
    absent = make_partner(world.alpha, "P2", first_name="Ben", roles=(role,))
    shift = make_shift(role, MONDAY, places=2)
    first = shift_allocate(actor=coordinator, shift=shift, partner=worked)
    second = shift_allocate(actor=coordinator, shift=shift, partner=absent)
    client = signed_in_client(coordinator)
    assert "Not started yet" in page(client, f"/partners/shifts/{shift.pk}/")

    with freeze_time(datetime.combine(MONDAY, time(15), tzinfo=UK)):
        client = signed_in_client(coordinator)
        client.post(f"/partners/bookings/{first.pk}/record/", {"outcome": "worked", "minutes": 150})
        client.post(f"/partners/bookings/{second.pk}/record/", {"outcome": "not_worked"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.worked_minutes) == (AssignmentStatus.WORKED, 150)
    assert second.status == AssignmentStatus.NOT_WORKED


def test_another_providers_coordinator_and_another_student_get_not_found(
    world: World, role: Role, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    mine = make_partner(world.alpha, "P1", roles=(role,))
    someone_else = make_partner(world.alpha, "P2", roles=(role,))
    shift = make_shift(role, MONDAY)
    booking = shift_allocate(actor=coordinator, shift=shift, partner=mine)
    beta_coordinator = signed_in_client(
        make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    )
    other = signed_in_partner(someone_else, django_capture_on_commit_callbacks)

    for url in (f"/partners/shifts/{shift.pk}/", f"/partners/shifts/{shift.pk}/edit/"):
        assert beta_coordinator.get(url).status_code == 404
    assert beta_coordinator.post(f"/partners/shifts/{shift.pk}/cancel/").status_code == 404
    assert "Campus tour" not in page(beta_coordinator, f"/partners/rota/?week={MONDAY}")
    for url in (
        f"/partners/my-work/shifts/{booking.pk}/",
        f"/partners/my-work/shifts/{booking.pk}/drop/",
        f"/partners/my-work/shifts/{booking.pk}/swap/",
        f"/partners/shifts/{shift.pk}/",
    ):
        assert other.get(url).status_code == 404
    assert other.post(f"/partners/my-work/shifts/{booking.pk}/drop/").status_code == 404
    booking.refresh_from_db()
    assert booking.is_booked
