"""What the benefits tests share: a scheme of Alpha's with members (made as joining would)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.students.mine.support import student_at
from widen.core import request_context
from widen.students.models import Student
from widen.support.models import MembershipSource, MembershipStatus, Scheme, SchemeMembership


def member_of(scheme: Scheme, student: Student, **changes: Any) -> SchemeMembership:
    """`student` a member of `scheme` since now (invited from their records, then joined)."""
    now = timezone.now()
    with request_context.bind(source="test"):
        return SchemeMembership.objects.create(
            scheme=scheme,
            student=student,
            status=MembershipStatus.MEMBER,
            source=MembershipSource.RECORDS,
            reason="eligible: first in family",
            invited_at=now,
            joined_at=now,
            status_changed_at=now,
            **changes,
        )


def student(scheme: Scheme, number: str, first_name: str, **fields: Any) -> Student:
    return student_at(
        scheme.organisation,
        number,
        f"{first_name.lower()}.{number.lower()}@students.example.ac.uk",
        first_name=first_name,
        **fields,
    )
