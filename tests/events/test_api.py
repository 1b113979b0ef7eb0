"""The events API: the same rules as the pages, bearer tokens only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.events.conftest import make_event
from widen.accounts.models import Role
from widen.audit.models import AuditEvent
from widen.core.links import link_token_digest
from widen.events.models import Event
from widen.events.selectors import invited_event
from widen.events.services import BookingDetails, booking_create
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _api(world: World, role: str, method: str, path: str, body: Any = None) -> Any:
    client = Client()
    headers = {"Authorization": f"Bearer {world.tokens[role]}"}
    if method == "GET":
        return client.get(f"/api/v1{path}", headers=headers)
    return client.post(f"/api/v1{path}", body, content_type="application/json", headers=headers)


def _body(world: World, **changes: Any) -> dict[str, Any]:
    starts = (timezone.now() + timedelta(days=12)).replace(microsecond=0)
    body = {
        "partnership_id": str(world.north.pk),
        "organiser_id": str(world.alpha.pk),
        "title": "Degree apprenticeships fair",
        "kind": "alternative_pathways",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "venue": "Docklands campus",
        "audiences": ["learners", "parents_carers"],
        "year_groups": [12, 13],
        "capacity": 150,
    }
    body.update(changes)
    return body


def test_an_organiser_creates_an_invitation_only_event_and_gets_its_link_once(
    world: World,
) -> None:
    response = _api(world, Role.OUTREACH_OFFICER, "POST", "/events", _body(world, is_public=False))
    assert response.status_code == 201
    data = response.json()
    event = Event.objects.get(pk=data["id"])
    token = data["invitation_link"].rstrip("/").rsplit("/", 1)[1]
    assert event.invitation_token_digest == link_token_digest(token)
    assert invited_event(token) == event
    assert AuditEvent.objects.filter(object_type="events.event", source="api").count() == 1
    again = _api(world, Role.OUTREACH_OFFICER, "GET", f"/events/{event.pk}").json()
    assert "invitation_link" not in again
    assert token not in str(again)


def test_bad_event_details_get_a_clear_422_naming_the_field(world: World) -> None:
    body = _body(world)
    body["ends_at"] = body["starts_at"]
    response = _api(world, Role.OUTREACH_OFFICER, "POST", "/events", body)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "The event must end after it starts.",
        "field": "ends_at",
    }
    assert not Event.objects.exists()


@pytest.mark.parametrize("role", [Role.SCHOOL_STAFF, Role.EVALUATOR, Role.READ_ONLY])
def test_only_those_who_deliver_create_events(world: World, role: str) -> None:
    response = _api(world, role, "POST", "/events", _body(world))
    assert response.status_code == 404
    assert not Event.objects.exists()


def test_lists_and_details_are_scoped_to_the_callers_partnerships(world: World) -> None:
    north = make_event(world).event
    south = make_event(world, organiser=world.gamma, title="Gamma open day").event
    listed = _api(world, Role.SCHOOL_STAFF, "GET", "/events").json()
    assert listed["count"] == 1
    assert [row["id"] for row in listed["results"]] == [str(north.pk)]
    assert _api(world, Role.OUTREACH_OFFICER, "GET", f"/events/{south.pk}").status_code == 404
    assert _api(world, Role.SCHOOL_STAFF, "GET", f"/events/{north.pk}").status_code == 404
    booking_create(
        event=north,
        details=BookingDetails(name="Pat", email="pat@example.org", attendee_type="parent_carer"),
    )
    detail = _api(world, Role.OUTREACH_OFFICER, "GET", f"/events/{north.pk}").json()
    assert (detail["booked"], detail["waiting"], detail["cancelled"]) == (1, 0, 0)
    assert Client().get("/api/v1/events").status_code == 401


def test_the_event_list_comes_a_page_at_a_time(world: World) -> None:
    made = [make_event(world, title=f"Open day {n}", days=10 + n).event for n in range(3)]
    first = _api(world, Role.SCHOOL_STAFF, "GET", "/events?limit=2").json()
    second = _api(world, Role.SCHOOL_STAFF, "GET", "/events?limit=2&offset=2").json()
    assert first["count"] == second["count"] == 3
    latest_first = [str(event.pk) for event in reversed(made)]
    assert [row["id"] for row in first["results"] + second["results"]] == latest_first
    too_many = _api(world, Role.SCHOOL_STAFF, "GET", "/events?limit=100000")
    assert too_many.status_code == 422


def test_an_event_with_a_field_the_api_does_not_know_is_refused_and_not_made(
    world: World,
) -> None:
    response = _api(
        world, Role.OUTREACH_OFFICER, "POST", "/events", _body(world, organiser="Beta University")
    )
    assert response.status_code == 422
    assert "organiser" in str(response.json())
    assert not Event.objects.exists()
