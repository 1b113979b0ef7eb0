"""The activities and programmes API: what an outreach officer's integration does with it."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from widen.accounts.models import Role
from widen.activities.models import Attendance
from widen.activities.progress import year_elapsed
from widen.programmes.models import ActivitySubType, ActivityType, Programme
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _call(
    world: World, method: str, path: str, body: Any = None, role: str = Role.OUTREACH_OFFICER
) -> Any:
    headers = {"Authorization": f"Bearer {world.tokens[role]}"}
    client = Client()
    if method == "GET":
        return client.get(f"/api/v1{path}", headers=headers)
    return client.post(
        f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=headers
    )


def test_an_activity_its_session_and_register_through_the_api(world: World) -> None:
    sub_type = ActivitySubType.objects.get(name="Subject masterclass", partnership=None)
    created = _call(
        world,
        "POST",
        "/activities",
        {
            "partnership_id": str(world.north.pk),
            "delivered_by_id": str(world.alpha.pk),
            "name": "Maths masterclass",
            "sub_type_id": str(sub_type.pk),
        },
    )
    assert created.status_code == 201, created.content
    activity = created.json()
    assert activity["activity_type"] == "Masterclasses"
    session = _call(
        world,
        "POST",
        f"/activities/{activity['id']}/sessions",
        {"date": "2026-12-02", "starts_at": "13:00", "ends_at": "14:30", "venue": "Hall"},
    )
    assert session.status_code == 201, session.content
    assert Decimal(session.json()["contact_hours"]) == Decimal("1.5")
    refused = _call(
        world,
        "POST",
        f"/activities/{activity['id']}/sessions",
        {"date": "2026-12-02", "starts_at": "13:00", "ends_at": "12:00", "venue": "Hall"},
    )
    assert refused.status_code == 400
    assert "end after it starts" in refused.content.decode()
    path = f"/sessions/{session.json()['id']}/register"
    learner = str(world.learner_alpha.pk)
    added = _call(world, "POST", path, {"add": [learner], "marks": {learner: "attended"}})
    assert added.json() == [{"learner_id": learner, "status": "attended"}]
    assert Attendance.objects.get(learner=world.learner_alpha).status == "attended"
    wrong = _call(world, "POST", path, {"marks": {learner: "late"}})
    assert wrong.status_code == 400


def test_programme_enrolment_and_progress_through_the_api(world: World) -> None:
    programme = Programme.objects.create(partnership=world.north, name="LPP")
    stage = programme.stages.create(year_group=10, target_hours=Decimal("6"))
    stage.required_types.set([ActivityType.objects.get(key="iag")])
    enrolled = _call(
        world,
        "POST",
        f"/programmes/{programme.pk}/enrolments",
        {"learner_ids": [str(world.learner_alpha.pk)]},
    )
    assert enrolled.status_code == 201
    assert enrolled.json()["enrolled"] == [str(world.learner_alpha.pk)]
    progress = _call(world, "GET", f"/programmes/{programme.pk}/progress").json()
    # No hours yet: behind as soon as the teaching year has begun.
    expected = "on_track" if year_elapsed(timezone.localdate()) == 0 else "behind"
    assert [(row["status"], row["reason"]) for row in progress] == [
        (expected, "Year 10: no IAG yet, 0 of 6 hours")
    ]
    shown = _call(world, "GET", f"/programmes/{programme.pk}").json()
    assert shown["stages"] == [
        {"year_group": 10, "target_hours": "6.00", "required_types": ["iag"], "optional_types": []}
    ]
    assert shown["enrolled"] == 1
