"""Students in the JSON API: the same policy and categories as the pages, and status changes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import api_call
from tests.students.records import make_student
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.students.models import (
    CHARACTERISTIC_FIELDS,
    IDENTITY_FIELDS,
    SPECIAL_CATEGORY_FIELDS,
    TermDates,
)
from widen.testing.world import World

pytestmark = pytest.mark.django_db
ALWAYS = {
    "id",
    "pseudonym",
    "organisation_id",
    "course",
    "level",
    "mode",
    "entry_route",
    "year_of_study",
    "starts_on",
    "expected_end_on",
    "status",
    "status_since",
}


def get(world: World, role: str, path: str) -> Any:
    return api_call(world.tokens[role], "GET", path)


def test_fields_follow_the_callers_categories(world: World) -> None:
    student = make_student(world.alpha, "A1", "Kerry", "Adams", care_experienced=True)
    identity, characteristics, special = (
        set(IDENTITY_FIELDS),
        set(CHARACTERISTIC_FIELDS),
        set(SPECIAL_CATEGORY_FIELDS),
    )
    listed = get(world, Role.OUTREACH_OFFICER, "/api/v1/students").json()
    assert listed["count"] == 1
    assert set(listed["results"][0]) == ALWAYS | identity | characteristics | special
    read_only = get(world, Role.READ_ONLY, f"/api/v1/students/{student.id}").json()
    assert set(read_only) - {"status_history", "declarations"} == (
        ALWAYS | identity | characteristics
    )
    assert {row["characteristic"] for row in read_only["declarations"]} <= characteristics
    evaluator = get(world, Role.EVALUATOR, f"/api/v1/students/{student.id}").json()
    assert "first_name" not in evaluator
    assert evaluator["care_experienced"] is True
    assert [row["characteristic"] for row in evaluator["declarations"]] == ["care_experienced"]


def test_a_detail_read_is_in_the_access_log_with_its_history(world: World) -> None:
    student = make_student(world.alpha, "A1", status_since=date(2025, 9, 22))
    answer = get(world, Role.OUTREACH_OFFICER, f"/api/v1/students/{student.id}").json()
    assert answer["status_history"] == [
        {
            "status": "enrolled",
            "previous_status": "",
            "changed_on": "2025-09-22",
            "recorded_by": "",
            "source": "test",
            "recorded_at": answer["status_history"][0]["recorded_at"],
        }
    ]
    assert AccessLogEntry.objects.filter(
        subject_type="students.student",
        subject_id=str(student.id),
        purpose="API student record read",
    ).exists()


def test_partners_read_only_under_an_agreement_covering_students(world: World) -> None:
    student = make_student(world.beta, "B1", "Bea", "Beta")
    path = f"/api/v1/students/{student.id}"
    assert get(world, Role.OUTREACH_OFFICER, path).status_code == 404
    assert get(world, Role.OUTREACH_OFFICER, "/api/v1/students").json()["count"] == 0
    world.agreement.covers_students = True
    world.agreement.save()
    assert get(world, Role.OUTREACH_OFFICER, path).json()["first_name"] == "Bea"
    refused = api_call(
        world.tokens[Role.OUTREACH_OFFICER],
        "POST",
        f"{path}/status",
        {"status": "withdrawn", "changed_on": "2025-10-01"},
    )
    assert refused.status_code == 404
    student.refresh_from_db()
    assert student.status == "enrolled"


def test_a_status_change_through_the_api(world: World) -> None:
    student = make_student(world.alpha, "A1", status_since=date(2025, 9, 22))
    token = world.tokens[Role.OUTREACH_OFFICER]
    path = f"/api/v1/students/{student.id}/status"
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = api_call(token, "POST", path, {"status": "withdrawn", "changed_on": future})
    assert refused.status_code == 422
    assert "The date the status took effect cannot be in the future." in refused.content.decode()
    unknown = api_call(token, "POST", path, {"status": "expelled", "changed_on": "2025-10-01"})
    assert unknown.status_code == 422
    answer = api_call(token, "POST", path, {"status": "withdrawn", "changed_on": "2025-10-01"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "withdrawn"
    assert answer.json()["status_since"] == "2025-10-01"
    assert [row["status"] for row in answer.json()["status_history"]] == ["withdrawn", "enrolled"]


def test_the_list_filters_on_a_characteristic_only_with_its_category(world: World) -> None:
    make_student(world.alpha, "A1", care_experienced=True)
    path = "/api/v1/students?characteristic=care_experienced"
    assert get(world, Role.OUTREACH_OFFICER, path).json()["count"] == 1
    assert get(world, Role.READ_ONLY, path).json()["count"] == 0


def test_term_dates_in_the_api(world: World) -> None:
    TermDates.objects.create(
        organisation=world.alpha,
        academic_year="2025/26",
        name="Autumn term",
        starts_on=date(2025, 9, 22),
        ends_on=date(2025, 12, 12),
    )
    answer = get(world, Role.READ_ONLY, f"/api/v1/students/providers/{world.alpha.id}/terms")
    assert answer.json()["count"] == 1
    assert answer.json()["results"][0]["starts_on"] == "2025-09-22"
    stranger = get(world, Role.READ_ONLY, f"/api/v1/students/providers/{world.gamma.id}/terms")
    assert stranger.status_code == 404
