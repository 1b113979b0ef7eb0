"""Check-in through the JSON API: the list with counts, checking in by booking or by the QR
code's check-in code, undo, and the same refusals as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.events.test_checkin import book, make_activity, make_event
from widen.accounts.models import Role
from widen.activities.models import Attendance, AttendanceStatus
from widen.events.checkin import checkin_code
from widen.events.models import Booking
from widen.testing.world import World

# Events start in an hour: at nine on a school morning, they end the same day.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("school_morning")]


def call(world: World, method: str, path: str, role: str = Role.OUTREACH_OFFICER) -> Any:
    headers = {"Authorization": f"Bearer {world.tokens[role]}"}
    client = Client()
    if method == "GET":
        return client.get(f"/api/v1/check-in{path}", headers=headers)
    return client.post(f"/api/v1/check-in{path}", headers=headers)


def test_list_check_in_by_booking_and_by_code_then_undo(world: World) -> None:
    event = make_event(world, activity=make_activity(world), capacity=2)
    asha = book(event, "Asha Patel")
    sami = book(event, "Sami Schoolman", learner=world.learner_school)
    book(event, "Dev Singh")  # waiting

    listed = call(world, "GET", f"/events/{event.pk}").json()
    assert (listed["booked"], listed["checked_in"], listed["waiting"]) == (2, 0, 1)
    assert [b["name"] for b in listed["bookings"]] == ["Asha Patel", "Sami Schoolman"]
    searched = call(world, "GET", f"/events/{event.pk}?q=singh").json()
    assert [(b["name"], b["status"]) for b in searched["bookings"]] == [("Dev Singh", "waiting")]

    done = call(world, "POST", f"/events/{event.pk}/bookings/{asha.pk}")
    assert done.status_code == 200
    body = done.json()
    assert body["changed"] is True
    assert body["booking"]["checked_in_at"] is not None
    again = call(world, "POST", f"/events/{event.pk}/bookings/{asha.pk}").json()
    assert again["changed"] is False  # a repeated scan does no harm

    by_code = call(world, "POST", f"/events/{event.pk}/codes/{checkin_code(sami)}").json()
    assert by_code["changed"] is True
    assert by_code["attendance_recorded"] is True
    row = Attendance.objects.get(learner=world.learner_school)
    assert row.status == AttendanceStatus.ATTENDED
    assert call(world, "GET", f"/events/{event.pk}").json()["checked_in"] == 2

    undone = call(world, "POST", f"/events/{event.pk}/bookings/{sami.pk}/undo").json()
    assert undone["changed"] is True
    assert undone["booking"]["checked_in_at"] is None
    row.refresh_from_db()
    assert row.status == AttendanceStatus.REGISTERED


def test_waiting_is_refused_with_the_reason(world: World) -> None:
    event = make_event(world, capacity=1)
    book(event, "Asha Patel")
    waiting = book(event, "Dev Singh")
    response = call(world, "POST", f"/events/{event.pk}/bookings/{waiting.pk}")
    assert response.status_code == 422
    assert "Dev Singh is on the waiting list" in response.json()["detail"]
    assert Booking.objects.get(pk=waiting.pk).checked_in_at is None


def test_only_the_organisers_reach_it_and_wrong_codes_are_missing(world: World) -> None:
    event = make_event(world)
    asha = book(event, "Asha Patel")
    for role in (Role.SCHOOL_STAFF, Role.EVALUATOR, Role.READ_ONLY):
        assert call(world, "GET", f"/events/{event.pk}", role).status_code == 404
        response = call(world, "POST", f"/events/{event.pk}/bookings/{asha.pk}", role)
        assert response.status_code == 404
    assert Client().get(f"/api/v1/check-in/events/{event.pk}").status_code == 401
    wrong = checkin_code(asha)[:-3] + "abc"
    assert call(world, "POST", f"/events/{event.pk}/codes/{wrong}").status_code == 404
    assert Booking.objects.get(pk=asha.pk).checked_in_at is None


def test_the_door_list_comes_a_page_at_a_time_by_name(world: World) -> None:
    event = make_event(world, capacity=10)
    for name in ("Cara Jones", "Asha Patel", "Ben Okafor"):
        book(event, name)
    first = call(world, "GET", f"/events/{event.pk}?limit=2").json()
    rest = call(world, "GET", f"/events/{event.pk}?limit=2&offset=2").json()
    assert first["count"] == rest["count"] == 3
    names = [b["name"] for b in first["bookings"] + rest["bookings"]]
    assert names == ["Asha Patel", "Ben Okafor", "Cara Jones"]
    assert call(world, "GET", f"/events/{event.pk}?limit=0").status_code == 422
