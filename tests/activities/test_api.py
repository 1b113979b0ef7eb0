"""The activities and programmes API: what an outreach officer's integration does with it."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from widen.accounts.models import Role
from widen.activities.models import Attendance
from widen.activities.progress import year_elapsed
from widen.programmes.models import ActivitySubType, ActivityType, Programme
from widen.targeting.models import RuleSet
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


def _masterclass(world: World, **more: str) -> dict[str, str]:
    """A new activity as the API takes it: Alpha's maths masterclass in the North partnership."""
    sub_type = ActivitySubType.objects.get(name="Subject masterclass", partnership=None)
    return {
        "partnership_id": str(world.north.pk),
        "delivered_by_id": str(world.alpha.pk),
        "name": "Maths masterclass",
        "sub_type_id": str(sub_type.pk),
        **more,
    }


def test_an_activity_its_session_and_register_through_the_api(world: World) -> None:
    created = _call(world, "POST", "/activities", _masterclass(world))
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
    assert refused.status_code == 422
    assert "end after it starts" in refused.content.decode()
    path = f"/sessions/{session.json()['id']}/register"
    learner = str(world.learner_alpha.pk)
    added = _call(world, "POST", path, {"add": [learner], "marks": {learner: "attended"}})
    assert added.json() == {"count": 1, "results": [{"learner_id": learner, "status": "attended"}]}
    assert Attendance.objects.get(learner=world.learner_alpha).status == "attended"
    wrong = _call(world, "POST", path, {"marks": {learner: "late"}})
    assert wrong.status_code == 422


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
    progress = _call(world, "GET", f"/programmes/{programme.pk}/progress").json()["results"]
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
    assert shown["sustained_engagement"] == {
        "hours": "10.00",
        "activities": 3,
        "academic_years": 2,
    }
    assert progress[0]["organisation_id"] == str(world.learner_alpha.organisation_id)


def _design(world: World, role: str = Role.PARTNERSHIP_ADMIN, **changes: Any) -> Any:
    body = {
        "partnership_id": str(world.north.pk),
        "name": "Aimhigher Learner Progression Programme",
        "stages": [
            {"year_group": 9, "target_hours": "4", "required_types": ["campus_visits"]},
            {
                "year_group": 10,
                "target_hours": "6.5",
                "required_types": ["iag"],
                "optional_types": ["mentoring", "masterclasses"],
            },
        ],
        "sustained_hours": "12",
        "sustained_activities": 4,
        "sustained_years": 2,
        **changes,
    }
    return _call(world, "POST", "/programmes", body, role=role)


def test_a_partnership_admin_designs_a_programme_through_the_api(world: World) -> None:
    designed = _design(world)
    assert designed.status_code == 201, designed.content
    programme = designed.json()
    assert programme["stages"] == [
        {
            "year_group": 9,
            "target_hours": "4.00",
            "required_types": ["campus_visits"],
            "optional_types": [],
        },
        {
            "year_group": 10,
            "target_hours": "6.50",
            "required_types": ["iag"],
            "optional_types": ["mentoring", "masterclasses"],
        },
    ]
    assert programme["sustained_engagement"] == {
        "hours": "12.00",
        "activities": 4,
        "academic_years": 2,
    }
    # The designed programme is the one the pages and the progress measure use.
    saved = Programme.objects.get(pk=programme["id"])
    assert saved.partnership == world.north
    assert [stage.year_group for stage in saved.stages.all()] == [9, 10]
    listed = _call(world, "GET", "/programmes", role=Role.OUTREACH_OFFICER).json()["results"]
    assert programme["id"] in [row["id"] for row in listed]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"stages": [{"year_group": 10, "target_hours": "6", "required_types": ["juggling"]}]},
            "Year 10: there is no activity type juggling.",
        ),
        (
            {"stages": [{"year_group": 8, "target_hours": "6"}]},
            "Stages run from Year 9 to Year 13 (8 is not one).",
        ),
        (
            {
                "stages": [
                    {"year_group": 11, "target_hours": "6"},
                    {"year_group": 11, "target_hours": "3"},
                ]
            },
            "Year 11 has more than one stage.",
        ),
        (
            {"stages": [{"year_group": 12, "target_hours": "0"}]},
            "Year 12: target hours must be more than 0 and at most 500.",
        ),
        (
            {
                "stages": [
                    {
                        "year_group": 12,
                        "target_hours": "5",
                        "required_types": ["iag"],
                        "optional_types": ["iag"],
                    }
                ]
            },
            "Year 12: an activity type is either required or optional.",
        ),
        ({"stages": []}, "Plan at least one stage (a year group)."),
        ({"name": "   "}, "Give the programme a name."),
    ],
)
def test_a_badly_designed_programme_is_refused_with_its_reason(
    world: World, changes: dict[str, Any], message: str
) -> None:
    refused = _design(world, **changes)
    assert refused.status_code == 422
    assert message in refused.content.decode()
    assert not Programme.objects.exists()


def test_only_the_partnerships_admins_design_programmes(world: World) -> None:
    for role in (Role.OUTREACH_OFFICER, Role.SCHOOL_STAFF, Role.EVALUATOR):
        assert _design(world, role=role).status_code == 404
    stranger = _design(world, partnership_id=str(world.south.pk))
    assert stranger.status_code == 404
    assert not Programme.objects.exists()


def test_a_programme_cannot_use_another_partnerships_rule_set(world: World) -> None:
    foreign = RuleSet.objects.create(partnership=world.south, name="Their rule set")
    refused = _design(world, rule_set_id=str(foreign.pk))
    assert refused.status_code == 422
    assert "Choose one of the partnership's rule sets." in refused.content.decode()
    assert not Programme.objects.exists()


def test_the_same_programme_name_twice_is_refused(world: World) -> None:
    assert _design(world).status_code == 201
    again = _design(world, name="aimhigher learner progression programme")
    assert again.status_code == 422
    assert "There is already a programme called" in again.content.decode()
    assert Programme.objects.count() == 1


def test_leaving_and_rejoining_through_the_api_keeps_every_period(world: World) -> None:
    programme = Programme.objects.create(partnership=world.north, name="LPP")
    learner = str(world.learner_alpha.pk)
    path = f"/programmes/{programme.pk}/enrolments"
    assert _call(world, "POST", path, {"learner_ids": [learner]}).status_code == 201
    refused = _call(world, "POST", f"{path}/{learner}/leave", {"reason": "   "})
    assert refused.status_code == 422
    assert "Say why the learner is leaving." in refused.content.decode()
    too_early = (timezone.localdate() - timedelta(days=1)).isoformat()
    early = _call(world, "POST", f"{path}/{learner}/leave", {"reason": "x", "left_on": too_early})
    assert "A learner cannot leave before joining." in early.content.decode()
    today = timezone.localdate().isoformat()
    left = _call(world, "POST", f"{path}/{learner}/leave", {"reason": "Moved school"})
    assert left.status_code == 200, left.content
    assert left.json()["left_on"] == today
    # Leaving twice: there is no current period to end.
    assert _call(world, "POST", f"{path}/{learner}/leave", {"reason": "Again"}).status_code == 404
    assert _call(world, "POST", path, {"learner_ids": [learner]}).status_code == 201
    periods = _call(world, "GET", path).json()["results"]
    assert [(row["left_on"], row["leaving_reason"]) for row in periods] == [
        (None, ""),
        (today, "Moved school"),
    ]
    # A learner held by a stranger is never found, whatever the caller tries.
    stranger = str(world.learner_gamma.pk)
    assert _call(world, "POST", f"{path}/{stranger}/leave", {"reason": "x"}).status_code == 404
    # Evaluators see no named periods.
    assert _call(world, "GET", path, role=Role.EVALUATOR).json() == {"count": 0, "results": []}


def test_every_list_comes_a_page_at_a_time_and_an_unknown_field_is_refused(
    world: World,
) -> None:
    for name in ("Aimhigher", "Brighter futures", "Career paths"):
        Programme.objects.create(partnership=world.north, name=name)
    first = _call(world, "GET", "/programmes?limit=2").json()
    rest = _call(world, "GET", "/programmes?limit=2&offset=2").json()
    assert (first["count"], rest["count"]) == (3, 3)
    names = [row["name"] for row in first["results"] + rest["results"]]
    assert names == ["Aimhigher", "Brighter futures", "Career paths"]
    assert _call(world, "GET", "/programmes?limit=201").status_code == 422
    misspelt = _call(
        world, "POST", "/activities", _masterclass(world, descripton="Algebra for Year 10")
    )
    assert misspelt.status_code == 422
    assert "descripton" in misspelt.content.decode()
    assert _call(world, "GET", "/activities").json() == {"count": 0, "results": []}
