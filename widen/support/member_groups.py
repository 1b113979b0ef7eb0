"""Student support's schemes as groups other areas may ask about (`widen.students.member_groups`):
a student belongs to a scheme while they are a member of it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from widen.students.member_groups import MemberGroups
from widen.students.models import Student
from widen.support.models import MembershipStatus, Scheme, SchemeMembership

PREFIX = "support.scheme:"


def _schemes_at(organisation: Any) -> list[tuple[str, str]]:
    schemes = Scheme.objects.filter(organisation=organisation, is_active=True)
    return [(f"{PREFIX}{scheme.pk}", f"Members of {scheme.name}") for scheme in schemes]


def _is_member(student: Student, key: str) -> bool:
    try:
        scheme_id = UUID(key.removeprefix(PREFIX))
    except ValueError:  # not a scheme's id
        return False
    return SchemeMembership.objects.filter(
        scheme_id=scheme_id, student=student, status=MembershipStatus.MEMBER
    ).exists()


SCHEMES = MemberGroups(prefix=PREFIX, groups_at=_schemes_at, is_member=_is_member)
