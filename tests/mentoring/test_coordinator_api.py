"""The coordinator's JSON API: programmes set up and changed, the cohort listed a page at a time,
a matching run from the database read with its reasons and left-out mentees, and published;
anyone else is answered as if nothing were there."""

from __future__ import annotations

import pytest

from conftest import api_call
from tests.mentoring.coordinator_factories import make_mentee, make_mentor, make_programme
from widen.accounts.models import Role
from widen.mentoring.models import MentoringProgramme, Relationship, RelationshipStatus
from widen.testing.world import World

pytestmark = pytest.mark.django_db

WEIGHTS = {
    "industry": 50,
    "career_path": 20,
    "shared_background": 10,
    "location_and_mode": 10,
    "availability": 5,
    "languages": 5,
}


def test_a_programme_is_set_up_read_and_changed(world: World) -> None:
    token = world.tokens[Role.OUTREACH_OFFICER]
    created = api_call(
        token,
        "POST",
        "/api/v1/mentoring/programmes",
        {"organisation_id": str(world.alpha.pk), "name": "Law mentoring", "weights": WEIGHTS},
    )
    assert created.status_code == 201, created.content
    programme_id = created.json()["id"]
    assert created.json()["weights"]["industry"] == 50
    too_many = api_call(
        token,
        "PATCH",
        f"/api/v1/mentoring/programmes/{programme_id}",
        {"weights": {**WEIGHTS, "industry": 101}},
    )
    assert too_many.status_code == 422
    changed = api_call(
        token,
        "PATCH",
        f"/api/v1/mentoring/programmes/{programme_id}",
        {"quiet_after_weeks": 8, "mentees_are": "pupils", "partnership_id": str(world.north.pk)},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["partnership_id"] == str(world.north.pk)
    assert MentoringProgramme.objects.get(pk=programme_id).quiet_after_weeks == 8
    listed = api_call(token, "GET", "/api/v1/mentoring/programmes").json()
    assert [p["name"] for p in listed["results"]] == ["Law mentoring"]


def test_a_run_is_made_read_and_published(world: World) -> None:
    token = world.tokens[Role.OUTREACH_OFFICER]
    programme = make_programme(world.alpha)
    make_mentor(programme, "api.mentor", industries=["law"], dbs=True)
    make_mentee(programme, "API1", "Ama", industries=["law"])
    make_mentee(programme, "API2", "Abe", industries=["law"])
    base = f"/api/v1/mentoring/programmes/{programme.pk}"
    mentors = api_call(token, "GET", f"{base}/mentors").json()
    assert mentors["results"][0]["dbs_checked"] is True
    assert api_call(token, "GET", f"{base}/mentees?limit=1").json()["count"] == 2
    run = api_call(token, "POST", f"{base}/runs")
    assert run.status_code == 201, run.content
    run_id = run.json()["id"]
    assert run.json()["matched"] == 1
    assert run.json()["left_out"] == 1
    pairs = api_call(token, "GET", f"/api/v1/mentoring/runs/{run_id}/pairs").json()
    assert pairs["results"][0]["reasons"][0]["words"] == "both in law"
    left = api_call(token, "GET", f"/api/v1/mentoring/runs/{run_id}/unmatched").json()
    assert "every mentor in law" in left["results"][0]["reason"]
    published = api_call(token, "POST", f"/api/v1/mentoring/runs/{run_id}/publish")
    assert published.json()["status"] == "published"
    assert Relationship.objects.get(programme=programme).status == RelationshipStatus.INTRODUCED


def test_others_are_answered_404(world: World) -> None:
    programme = make_programme(world.gamma)
    token = world.tokens[Role.OUTREACH_OFFICER]
    for method, path in [
        ("GET", f"/api/v1/mentoring/programmes/{programme.pk}"),
        ("PATCH", f"/api/v1/mentoring/programmes/{programme.pk}"),
        ("POST", f"/api/v1/mentoring/programmes/{programme.pk}/runs"),
        ("GET", f"/api/v1/mentoring/programmes/{programme.pk}/mentees"),
    ]:
        assert api_call(token, method, path, {} if method == "PATCH" else None).status_code == 404
    school = world.tokens[Role.SCHOOL_STAFF]
    assert api_call(school, "GET", "/api/v1/mentoring/programmes").status_code == 404
