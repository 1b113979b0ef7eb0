"""A scheme's outcomes: its members' continuation and completion beside similar students who never
joined, with small groups never shown as rates and the comparison never called causal."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from tests.students.records import make_student
from tests.support.schemes import FIRST_IN_FAMILY, make_scheme
from widen.accounts.models import Role
from widen.students.models import StudentStatusChange
from widen.support.models import MembershipSource, MembershipStatus, SchemeMembership
from widen.support.outcomes import (
    changes_frame,
    scheme_outcomes,
    status_on_days,
    students_frame,
)
from widen.testing.world import World

TODAY = date(2026, 12, 4)
STARTED = date(2024, 9, 23)  # more than a year and 15 days before TODAY


def student(number: int, *, member: bool, status: str = "enrolled", **more: Any) -> dict[str, Any]:
    return {
        "student_id": f"s{number}",
        "member": member,
        "status": status,
        "starts_on": STARTED,
        "expected_end_on": date(2027, 6, 30),
        "level": "undergraduate",
        "mode": "full_time",
        "first_in_family": number % 4 < 2,
        "household_income_band": "up_to_25000",
        **more,
    }


def change(number: int, on: date, status: str, previous: str) -> dict[str, Any]:
    return {
        "student_id": f"s{number}",
        "changed_on": on,
        "status": status,
        "previous_status": previous,
    }


def test_a_students_status_on_a_day_comes_from_their_history() -> None:
    students = students_frame(
        [
            student(1, member=True, status="withdrawn"),
            student(2, member=True, status="enrolled"),
            student(3, member=True, status="interrupted"),
        ]
    ).with_columns(day=date(2025, 6, 1))
    changes = changes_frame(
        [
            change(1, date(2025, 9, 1), "withdrawn", "enrolled"),  # after the day: was enrolled
            change(3, date(2025, 1, 10), "interrupted", "enrolled"),  # before it: interrupted
        ]
    )
    statuses = dict(status_on_days(students, changes).iter_rows())
    assert statuses == {"s1": "enrolled", "s2": "enrolled", "s3": "interrupted"}


def test_a_student_who_interrupted_and_came_back_within_the_year_continued() -> None:
    rows = [student(n, member=n < 30) for n in range(60)]
    history = [
        change(0, STARTED + timedelta(days=100), "interrupted", "enrolled"),
        change(0, STARTED + timedelta(days=300), "enrolled", "interrupted"),
        # withdrew within the year: not continuing, although the record says enrolled again
        change(1, STARTED + timedelta(days=200), "withdrawn", "enrolled"),
        change(1, STARTED + timedelta(days=400), "enrolled", "withdrawn"),
    ]
    continuation, _ = scheme_outcomes(students_frame(rows), changes_frame(history), today=TODAY)
    assert continuation.members.students == 30
    assert continuation.members.with_outcome == 29


def test_members_are_compared_with_matched_non_members_and_never_called_causal() -> None:
    rows = [student(n, member=n % 2 == 0) for n in range(120)]
    # a fifth of the non-members withdrew in their first year; one member did
    withdrew = [n for n in range(120) if n % 2 == 1 and n % 10 == 1] + [0]
    history = [change(n, STARTED + timedelta(days=150), "withdrawn", "enrolled") for n in withdrew]
    for row in rows:
        if int(row["student_id"][1:]) in withdrew:
            row["status"] = "withdrawn"
    continuation, completion = scheme_outcomes(
        students_frame(rows), changes_frame(history), today=TODAY
    )
    assert continuation.matched_members.students == 60
    assert continuation.matched_members.rate_text == "98%"
    assert continuation.comparison.rate_text == "80%"
    assert continuation.difference_text.startswith("+18 percentage points (95% confidence")
    assert continuation.evidence_label == "Type 2: empirical enquiry"
    assert "matched exactly on level, mode, entry year, first in family" in continuation.evidence
    assert "does not show that the scheme caused the difference" in continuation.evidence
    # nobody's course was expected to end yet
    assert completion.members.students == 0
    assert completion.evidence_type == 0


def test_small_groups_show_no_rate_and_no_difference() -> None:
    rows = [student(n, member=n < 10) for n in range(20)]
    history = [change(0, STARTED + timedelta(days=150), "withdrawn", "enrolled")]
    continuation, _ = scheme_outcomes(students_frame(rows), changes_frame(history), today=TODAY)
    assert continuation.members.students_text == "10"
    assert continuation.members.rate is None
    assert continuation.members.rate_text == "not shown (too few)"
    assert continuation.difference is None
    assert continuation.evidence_type == 0
    assert "too small to show a rate" in continuation.evidence


def test_a_scheme_with_no_members_says_so() -> None:
    rows = [student(n, member=False) for n in range(30)]
    continuation, _ = scheme_outcomes(students_frame(rows), changes_frame([]), today=TODAY)
    assert continuation.evidence == "no members yet"
    assert continuation.members.rate_text == "no students yet"


@pytest.mark.django_db
def test_the_outcomes_page_shows_the_comparison_of_the_providers_own_students(
    world: World,
) -> None:
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="Outcomes bursary")
    now = timezone.now()
    for number in range(56):
        withdrew = number % 2 == 1 and number % 7 == 1
        record = make_student(
            world.alpha,
            f"OC{number}",
            starts_on=date(2024, 9, 23),
            expected_end_on=date(2027, 6, 30),
            level="undergraduate",
            mode="full_time",
            first_in_family=True,
            status="withdrawn" if withdrew else "enrolled",
            status_since=date(2025, 2, 1) if withdrew else date(2024, 9, 23),
        )
        if withdrew:
            StudentStatusChange.objects.create(
                student=record,
                status="withdrawn",
                previous_status="enrolled",
                changed_on=date(2025, 2, 1),
                source="test",
            )
        if number % 2 == 0:
            SchemeMembership.objects.create(
                scheme=scheme,
                student=record,
                status=MembershipStatus.MEMBER,
                source=MembershipSource.RECORDS,
                joined_at=now,
            )
    # Another provider's students never count, whatever they are like.
    make_student(world.beta, "OB1", starts_on=date(2024, 9, 23), first_in_family=True)

    page = signed_in_client(world.users[Role.OUTREACH_OFFICER]).get(
        reverse("support:scheme_outcomes", args=[scheme.pk])
    )
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert "<td>All members</td><td>28</td><td>100%</td>" in text
    assert "<td>Similar students who were not members</td><td>28</td><td>86%</td>" in text
    assert "Type 2: empirical enquiry" in text
    assert "Graduate outcomes are not part of the student records held here" in text
