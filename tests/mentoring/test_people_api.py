"""A mentor's and a student mentee's own mentoring through the JSON API: the same policy and
services as the pages, pages of lists, and 404 for anything not theirs."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import api_call
from tests.mentoring.people_factories import (
    introduced,
    mentor_record,
    open_programme,
    student_signed_in,
)
from tests.support.schemes import FIRST_IN_FAMILY, make_scheme
from widen.accounts.models import Role, User
from widen.accounts.services import api_token_create
from widen.mentoring.models import Mentee, RelationshipStatus
from widen.testing.world import World

pytestmark = pytest.mark.django_db

API = "/api/v1/mentoring"


def _token(user: User) -> str:
    return api_token_create(user=user, name="mine")[1]


def _world_pair(world: World, capture: Any) -> tuple[Any, str, str]:
    programme = open_programme(world)
    mentor = mentor_record(world.alpha, "mo@example.com", first_name="Mo")
    student, _ = student_signed_in(
        world.alpha, "A1", "pat@alpha.example", capture, first_name="Pat", last_name="Quinn"
    )
    pair = introduced(programme, mentor, student, goals="Law", shared_with_mentor=[])
    return pair, _token(mentor.user), _token(User.objects.get(email="pat@alpha.example"))


def test_each_side_lists_their_places_and_introductions_as_they_may_see_them(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pair, mentor_token, student_token = _world_pair(world, django_capture_on_commit_callbacks)
    places = api_call(mentor_token, "GET", f"{API}/mine/places").json()
    assert places["count"] == 1
    assert places["results"][0]["side"] == "mentor"
    assert places["results"][0]["capacity"] == 2

    seen = api_call(mentor_token, "GET", f"{API}/mine/introductions").json()["results"][0]
    assert seen["side"] == "mentor"
    assert seen["may_answer"] is True
    assert seen["other"]["first_name"] == "Pat"
    assert seen["other"]["shared"] == []
    assert "Quinn" not in str(seen)
    assert "pat@alpha.example" not in str(seen)

    mine = api_call(student_token, "GET", f"{API}/mine/introductions?limit=1").json()
    assert mine["count"] == 1
    assert mine["results"][0]["other"]["job_role"] == "Solicitor"
    assert mine["results"][0]["other"]["reasons"] == ["both in law", "Tuesday evenings overlap"]


def test_both_accept_through_the_api_and_the_pair_is_active(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pair, mentor_token, student_token = _world_pair(world, django_capture_on_commit_callbacks)
    first = api_call(mentor_token, "POST", f"{API}/mine/introductions/{pair.pk}/accept")
    assert first.status_code == 200
    assert first.json()["i_accepted"] is True
    assert first.json()["status"] == "introduced"
    second = api_call(student_token, "POST", f"{API}/mine/introductions/{pair.pk}/accept")
    assert second.json()["status"] == "active"
    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.ACTIVE


def test_declining_needs_a_reason_of_sensible_length(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pair, mentor_token, _ = _world_pair(world, django_capture_on_commit_callbacks)
    url = f"{API}/mine/introductions/{pair.pk}/decline"
    assert api_call(mentor_token, "POST", url, {"reason": ""}).status_code == 422
    assert api_call(mentor_token, "POST", url, {"reason": "x" * 2001}).status_code == 422
    assert api_call(mentor_token, "POST", url, {"reason": "No", "extra": 1}).status_code == 422
    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.INTRODUCED
    done = api_call(mentor_token, "POST", url, {"reason": "I know the family."})
    assert done.json()["declined_by_side"] == "mentor"
    assert done.json()["status"] == "declined"


def test_a_student_applies_once_through_the_api(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = open_programme(world)
    student, _ = student_signed_in(
        world.alpha, "A2", "ann@alpha.example", django_capture_on_commit_callbacks
    )
    token = _token(User.objects.get(email="ann@alpha.example"))
    url = f"{API}/mine/applications/{programme.pk}"
    body = {"goals": "Banking", "industries": ["finance"], "shared_with_mentor": ["young_carer"]}
    made = api_call(token, "POST", url, body)
    assert made.status_code == 201
    assert made.json()["side"] == "mentee"
    assert Mentee.objects.get(student=student).shared_with_mentor == ["young_carer"]
    again = api_call(token, "POST", url, body)
    assert again.status_code == 422
    assert Mentee.objects.filter(student=student).count() == 1
    unknown = api_call(token, "POST", url, {"shared_with_mentor": ["criminal_record"]})
    assert unknown.status_code == 422
    oversized = api_call(token, "POST", url, {"industries": ["x"] * 21})
    assert oversized.status_code == 422


def test_a_mentor_reads_and_changes_their_own_profile(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pair, mentor_token, student_token = _world_pair(world, django_capture_on_commit_callbacks)
    url = f"{API}/mine/mentor-profiles/{pair.mentor_id}"
    assert api_call(mentor_token, "GET", url).json()["job_role"] == "Solicitor"
    changed = api_call(
        mentor_token, "PATCH", url, {"job_role": "Partner", "availability": ["mon-morning"]}
    )
    assert changed.status_code == 200
    assert changed.json()["job_role"] == "Partner"
    assert changed.json()["industries"] == ["law"]  # unchanged: not given
    assert api_call(mentor_token, "PATCH", url, {"modes": ["by pigeon"]}).status_code == 422
    assert api_call(student_token, "GET", url).status_code == 404
    assert api_call(student_token, "PATCH", url, {"job_role": "x"}).status_code == 404


def test_staff_and_strangers_find_it_all_missing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pair, _, _ = _world_pair(world, django_capture_on_commit_callbacks)
    admin = world.tokens[Role.ORGANISATION_ADMIN]
    for method, path in [
        ("GET", f"{API}/mine/places"),
        ("GET", f"{API}/mine/introductions"),
        ("POST", f"{API}/mine/introductions/{pair.pk}/accept"),
        ("GET", f"{API}/mine/mentor-profiles/{pair.mentor_id}"),
        ("POST", f"{API}/mine/applications/{pair.programme_id}"),
    ]:
        assert api_call(admin, method, path, {} if method == "POST" else None).status_code == 404
    pair.refresh_from_db()
    assert pair.mentor_accepted_at is None


def test_an_application_to_a_programme_for_a_group_says_which_group(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="Stepping Up")
    programme = open_programme(world, mentees_must_belong_to=f"support.scheme:{scheme.pk}")
    student_signed_in(world.alpha, "A3", "out@alpha.example", django_capture_on_commit_callbacks)
    token = _token(User.objects.get(email="out@alpha.example"))
    refused = api_call(token, "POST", f"{API}/mine/applications/{programme.pk}", {})
    assert refused.status_code == 422
    assert "Members of Stepping Up" in refused.content.decode()
    assert not Mentee.objects.exists()
