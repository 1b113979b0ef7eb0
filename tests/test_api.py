"""The JSON API used as a partner's system would use it."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import api_call
from widen.audit.models import AuditEvent
from widen.learners.models import Learner
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db


def call(world: World, role: str, method: str, path: str, body: Any = None) -> Any:
    return api_call(world.tokens[role], method, path, body)


def test_create_read_update_and_list_a_learner(world: World) -> None:
    created = call(
        world,
        "outreach_officer",
        "POST",
        "/api/v1/learners",
        {
            "organisation_id": str(world.alpha.id),
            "school_id": str(world.school.id),
            "first_name": "Kofi",
            "last_name": "Mensah",
            "date_of_birth": year_group_birthday(12).isoformat(),
            "home_postcode": "e15 4lz",
            "free_school_meals": True,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["home_postcode"] == "E15 4LZ"
    assert body["year_group"] == 12
    learner_id = body["id"]
    fetched = call(world, "outreach_officer", "GET", f"/api/v1/learners/{learner_id}").json()
    assert fetched["first_name"] == "Kofi"
    updated = call(
        world,
        "outreach_officer",
        "PATCH",
        f"/api/v1/learners/{learner_id}",
        {"preferred_name": "K"},
    )
    assert updated.status_code == 200
    assert updated.json()["preferred_name"] == "K"
    assert Learner.objects.get(pk=learner_id).preferred_name == "K"
    assert AuditEvent.objects.filter(object_id=learner_id, source="api").count() == 2
    listed = call(world, "outreach_officer", "GET", "/api/v1/learners?q=mensah").json()
    assert listed["count"] == 1
    assert listed["results"][0]["id"] == learner_id


def test_list_pages_and_limits(world: World) -> None:
    first = call(world, "outreach_officer", "GET", "/api/v1/learners?limit=2").json()
    second = call(world, "outreach_officer", "GET", "/api/v1/learners?limit=2&offset=2").json()
    assert first["count"] == second["count"] == 3
    assert len(first["results"]) == 2
    assert len(second["results"]) == 1
    largest = call(world, "outreach_officer", "GET", "/api/v1/learners?limit=200").json()
    assert len(largest["results"]) == 3
    # Beyond the largest page, the caller is told the bounds instead of getting another size.
    huge = call(world, "outreach_officer", "GET", "/api/v1/learners?limit=100000")
    assert huge.status_code == 422
    assert huge.json()["detail"][0]["loc"] == ["query", "limit"]


def test_organisations_are_those_of_the_partnership(world: World) -> None:
    listed = call(world, "read_only", "GET", "/api/v1/organisations").json()
    names = {row["name"] for row in listed["results"]}
    assert names == {"Alpha University", "Beta University", "Sixth Form School"}
    assert listed["count"] == 3
    schools = call(world, "read_only", "GET", "/api/v1/organisations?organisation_type=school")
    assert [row["urn"] for row in schools.json()["results"]] == ["100001"]


def test_learner_list_query_count_does_not_grow_with_rows(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        Learner.objects.create(
            organisation=world.alpha,
            first_name=f"Many{n}",
            last_name="Learners",
            date_of_birth=year_group_birthday(9),
        )
    with django_assert_max_num_queries(12):
        assert (
            call(world, "outreach_officer", "GET", "/api/v1/learners?limit=50").status_code == 200
        )


@pytest.mark.parametrize("holder", ["beta", "gamma", "unknown"])
def test_a_learner_cannot_be_added_to_an_organisation_not_theirs_to_add_to(
    world: World, holder: str
) -> None:
    """A partner's organisation, another partnership's and an unknown one answer alike: 404."""
    organisation_id = (
        "00000000-0000-4000-8000-000000000001"
        if holder == "unknown"
        else str(getattr(world, holder).pk)
    )
    response = call(
        world,
        "outreach_officer",
        "POST",
        "/api/v1/learners",
        {
            "organisation_id": organisation_id,
            "first_name": "Ama",
            "last_name": "Owusu",
            "date_of_birth": year_group_birthday(10).isoformat(),
        },
    )

    assert response.status_code == 404
    assert not Learner.objects.filter(first_name="Ama").exists()


def test_a_field_the_api_does_not_know_is_refused_naming_it(world: World) -> None:
    response = call(
        world,
        "outreach_officer",
        "POST",
        "/api/v1/learners",
        {
            "organisation_id": str(world.alpha.pk),
            "first_name": "Nia",
            "last_name": "Mensah",
            "date_of_birth": "2011-05-04",
            "care_experienced_since": "2020-01-01",
        },
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "care_experienced_since"
    assert response.json()["detail"][0]["type"] == "extra_forbidden"
    assert not Learner.objects.filter(first_name="Nia").exists()


def test_every_page_of_a_list_has_the_same_shape(world: World) -> None:
    for path in ("/api/v1/learners", "/api/v1/organisations"):
        first = call(world, "read_only", "GET", f"{path}?limit=1").json()
        rest = call(world, "read_only", "GET", f"{path}?limit=1&offset=1").json()
        beyond = call(world, "read_only", "GET", f"{path}?limit=1&offset=1000").json()
        assert set(first) == set(rest) == set(beyond) == {"count", "results"}, path
        assert first["count"] == rest["count"] == beyond["count"], path
        assert beyond["results"] == []
    organisations = call(world, "read_only", "GET", "/api/v1/organisations?limit=2").json()
    assert organisations["count"] == 3
    assert len(organisations["results"]) == 2
