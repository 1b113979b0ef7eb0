"""The student partners' JSON API, called with tokens as a student's or a coordinator's own
system would: a student sees and changes only their own shifts (another's answers 404 as if it
did not exist), a coordinator only their own provider's; a full shift or an hour cap is refused
with the reason (422)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from freezegun import freeze_time

from conftest import api_call
from tests.partners.factories import (
    UK,
    autumn_term,
    make_partner,
    make_role,
    make_shift,
    partner_account,
)
from widen.accounts.models import Membership, User
from widen.accounts.models import Role as MemberRole
from widen.accounts.services import api_token_create
from widen.partners.models import AssignmentStatus, Partner, Role, Shift, ShiftAssignment
from widen.partners.services.shifts import shift_allocate, shift_offer_open_places
from widen.testing.world import World

pytestmark = [pytest.mark.django_db]

NOW = datetime(2026, 11, 4, 9, 0, tzinfo=UK)
MONDAY = date(2026, 11, 9)
API = "/api/v1/partners"


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


def token_of(partner: Partner) -> str:
    """A token the student made for their own account."""
    return api_token_create(user=partner_account(partner), name="My phone")[1]


def coordinator_token(world: World) -> str:
    return world.tokens["outreach_officer"]


def other_provider_coordinator_token(world: World) -> str:
    user = User.objects.create_user(username="coordinator.beta")
    Membership.objects.create(user=user, organisation=world.beta, role=MemberRole.OUTREACH_OFFICER)
    return api_token_create(user=user, name="Beta rota")[1]


def offered(coordinator: User, shift: Shift) -> Shift:
    shift_offer_open_places(actor=coordinator, shifts=Shift.objects.filter(pk=shift.pk))
    return shift


def call(token: str, method: str, path: str, body: Any = None) -> Any:
    return api_call(token, method, f"{API}{path}", body)


def test_a_student_claims_an_open_shift_first_come_and_sees_it_in_my_work(
    world: World, role: Role, coordinator: User
) -> None:
    aisha = make_partner(world.alpha, "A1", first_name="Aisha", roles=(role,))
    ben = make_partner(world.alpha, "A2", first_name="Ben", roles=(role,))
    aisha_token, ben_token = token_of(aisha), token_of(ben)
    shift = offered(coordinator, make_shift(role, MONDAY, title="Open day tour"))

    [listed] = call(aisha_token, "GET", "/shifts/open").json()["results"]
    assert (listed["id"], listed["title"]) == (str(shift.pk), "Open day tour")

    claimed = call(aisha_token, "POST", f"/shifts/{shift.pk}/claim")
    assert claimed.status_code == 201, claimed.content
    booking_id = claimed.json()["id"]
    assert claimed.json()["status"] == AssignmentStatus.BOOKED

    full = call(ben_token, "POST", f"/shifts/{shift.pk}/claim")
    assert full.status_code == 422
    assert "every place on this shift has been taken" in full.json()["detail"]
    assert call(ben_token, "GET", "/shifts/open").json()["results"] == []

    [work] = call(aisha_token, "GET", "/my-work").json()["results"]
    assert [one["id"] for one in work["booked"]] == [booking_id]
    assert work["organisation_id"] == str(world.alpha.pk)
    assert [one["id"] for one in call(aisha_token, "GET", "/bookings").json()["results"]] == [
        booking_id
    ]
    # Another student's booking is not there for Ben: neither to see nor to drop.
    assert call(ben_token, "GET", "/bookings").json()["results"] == []
    assert call(ben_token, "POST", f"/bookings/{booking_id}/drop").status_code == 404
    assert call(ben_token, "GET", f"/bookings/{booking_id}/colleagues").status_code == 404
    # A staff member is no partner: no work of their own, no claiming.
    assert call(coordinator_token(world), "GET", "/my-work").json()["results"] == []
    assert call(coordinator_token(world), "POST", f"/shifts/{shift.pk}/claim").status_code == 404


def test_a_dropped_shift_is_open_again_and_a_colleague_takes_it(
    world: World, role: Role, coordinator: User
) -> None:
    aisha = make_partner(world.alpha, "A1", first_name="Aisha", roles=(role,))
    ben = make_partner(world.alpha, "A2", first_name="Ben", roles=(role,))
    aisha_token, ben_token = token_of(aisha), token_of(ben)
    shift = offered(coordinator, make_shift(role, MONDAY))
    booking_id = call(aisha_token, "POST", f"/shifts/{shift.pk}/claim").json()["id"]

    dropped = call(aisha_token, "POST", f"/bookings/{booking_id}/drop")
    assert dropped.status_code == 200, dropped.content
    assert dropped.json()["status"] == AssignmentStatus.DROPPED
    assert [one["id"] for one in call(ben_token, "GET", "/shifts/open").json()["results"]] == [
        str(shift.pk)
    ]
    assert call(ben_token, "POST", f"/shifts/{shift.pk}/claim").status_code == 201
    assert call(aisha_token, "GET", "/bookings").json()["results"] == []


def test_a_student_asks_a_colleague_to_swap_who_takes_it_over(
    world: World, role: Role, coordinator: User
) -> None:
    aisha = make_partner(world.alpha, "A1", first_name="Aisha", last_name="Khan", roles=(role,))
    ben = make_partner(world.alpha, "A2", first_name="Ben", last_name="Ode", roles=(role,))
    aisha_token, ben_token = token_of(aisha), token_of(ben)
    shift = make_shift(role, MONDAY)
    booking = shift_allocate(actor=coordinator, shift=shift, partner=aisha)

    colleagues = call(aisha_token, "GET", f"/bookings/{booking.pk}/colleagues").json()["results"]
    assert [one["partner_id"] for one in colleagues] == [str(ben.pk)]
    asked = call(aisha_token, "POST", f"/bookings/{booking.pk}/swap", {"colleague_id": str(ben.pk)})
    assert asked.status_code == 200, asked.content
    assert asked.json()["swap_offered_to"] == "Ben Ode"
    [waiting] = call(ben_token, "GET", "/swaps").json()["results"]
    assert (waiting["id"], waiting["asked_by"]) == (str(booking.pk), "Aisha Khan")
    # Only Ben may take it over; Aisha cannot accept her own request.
    assert call(aisha_token, "POST", f"/swaps/{booking.pk}/accept").status_code == 404

    taken = call(ben_token, "POST", f"/swaps/{booking.pk}/accept")
    assert taken.status_code == 200, taken.content
    assert taken.json()["shift"]["id"] == str(shift.pk)
    assert call(aisha_token, "GET", "/bookings").json()["results"] == []
    assert ShiftAssignment.objects.get(pk=taken.json()["id"]).partner == ben


def test_asking_someone_not_eligible_to_swap_is_refused_with_no_reasons_of_theirs(
    world: World, role: Role, coordinator: User
) -> None:
    aisha = make_partner(world.alpha, "A1", roles=(role,))
    elsewhere = make_partner(world.beta, "B1", roles=(make_role(world.beta, coordinator),))
    booking = shift_allocate(actor=coordinator, shift=make_shift(role, MONDAY), partner=aisha)
    token = token_of(aisha)
    refused = call(
        token, "POST", f"/bookings/{booking.pk}/swap", {"colleague_id": str(elsewhere.pk)}
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "colleague_id"
    assert call(token, "POST", f"/bookings/{booking.pk}/swap/cancel").status_code == 422


def test_a_coordinator_creates_a_shift_sees_the_week_and_records_it_worked(
    world: World, role: Role, coordinator: User
) -> None:
    aisha = make_partner(world.alpha, "A1", first_name="Aisha", last_name="Khan", roles=(role,))
    token = coordinator_token(world)
    created = call(
        token,
        "POST",
        "/shifts",
        {
            "role_id": str(role.pk),
            "title": "Evening talk",
            "starts_at": datetime.combine(MONDAY, time(17), tzinfo=UK).isoformat(),
            "ends_at": datetime.combine(MONDAY, time(19), tzinfo=UK).isoformat(),
            "places": 2,
        },
    )
    assert created.status_code == 201, created.content
    shift_id = created.json()["id"]
    # Offered at once to the partner it fits.
    assert [
        one["id"] for one in call(token_of(aisha), "GET", "/shifts/open").json()["results"]
    ] == [shift_id]

    allocated = call(token, "POST", f"/shifts/{shift_id}/allocate", {"partner_id": str(aisha.pk)})
    assert allocated.status_code == 201, allocated.content
    assert allocated.json()["name"] == "Aisha Khan"
    week = call(token, "GET", f"/rota?week={(MONDAY + timedelta(days=2)).isoformat()}").json()[
        "results"
    ]
    assert [day["day"] for day in week][0] == MONDAY.isoformat()
    [on_monday] = week[0]["shifts"]
    assert [one["name"] for one in on_monday["booked"]] == ["Aisha Khan"]

    booking_id = allocated.json()["booking_id"]
    early = call(token, "POST", f"/bookings/{booking_id}/worked", {})
    assert early.status_code == 422
    assert "not started" in early.json()["detail"]
    with freeze_time(datetime.combine(MONDAY, time(20), tzinfo=UK)):
        worked = call(token, "POST", f"/bookings/{booking_id}/worked", {"minutes": 100})
    assert worked.status_code == 200, worked.content
    assert ShiftAssignment.objects.get(pk=booking_id).worked_minutes == 100

    cancelled = call(token, "POST", f"/shifts/{shift_id}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["cancelled"] is True


def test_another_provider_and_students_get_404_for_a_coordinators_shifts(
    world: World, role: Role, coordinator: User
) -> None:
    aisha = make_partner(world.alpha, "A1", roles=(role,))
    shift = make_shift(role, MONDAY, places=2)
    booking = shift_allocate(actor=coordinator, shift=shift, partner=aisha)
    beta = other_provider_coordinator_token(world)
    student = token_of(aisha)
    for token in (beta, student):
        assert call(token, "POST", f"/shifts/{shift.pk}/cancel").status_code == 404
        assert call(token, "GET", f"/shifts/{shift.pk}/booked").status_code == 404
        assert call(token, "POST", f"/bookings/{booking.pk}/worked", {}).status_code == 404
        body = {"partner_id": str(aisha.pk)}
        assert call(token, "POST", f"/shifts/{shift.pk}/allocate", body).status_code == 404
    assert call(student, "GET", "/rota").status_code == 404
    assert (
        call(beta, "GET", f"/rota?week={MONDAY.isoformat()}").json()["results"][0]["shifts"] == []
    )
    assert Shift.objects.get(pk=shift.pk).cancelled_at is None


def test_a_student_visa_holder_is_never_given_a_shift_past_20_hours_in_a_term_week(
    world: World, role: Role, coordinator: User
) -> None:
    visa = make_partner(
        world.alpha, "U1", first_name="Vi", last_name="Visa", roles=(role,), student_visa=True
    )
    for day in range(3):
        shift_allocate(
            actor=coordinator,
            shift=make_shift(role, MONDAY + timedelta(days=day), time(9), 6, title=f"Day {day}"),
            partner=visa,
        )
    thursday = make_shift(role, MONDAY + timedelta(days=3), time(9), 3, title="Thursday")
    refused = call(
        coordinator_token(world),
        "POST",
        f"/shifts/{thursday.pk}/allocate",
        {"partner_id": str(visa.pk)},
    )
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("Vi Visa cannot be given this shift:")
    assert "20 hours" in refused.json()["detail"]
    assert not thursday.assignments.exists()
