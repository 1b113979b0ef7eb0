"""Groups a student may belong to at their provider, named by the app that keeps them, so that
an area which must not import that app can still ask "is this student a member?".

Student support registers its schemes (`support.scheme:<id>`, "members of the scheme"); mentoring
asks whether an applicant belongs to the group a programme names. The registry is filled when
Django starts (each app's `ready`); a key nobody answers for belongs to nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from widen.students.models import Student


@dataclass(frozen=True)
class MemberGroups:
    """One app's groups: `prefix` starts every key it answers for (`support.scheme:`)."""

    prefix: str
    groups_at: Callable[[Any], list[tuple[str, str]]]  # organisation → [(key, name)]
    is_member: Callable[[Student, str], bool]  # (student, key) → member now?


_SOURCES: dict[str, MemberGroups] = {}


def member_groups_register(source: MemberGroups) -> None:
    _SOURCES[source.prefix] = source


def member_groups_at(organisation: Any) -> list[tuple[str, str]]:
    """Every group of `organisation` a student may belong to, as (key, name), by name."""
    groups = [group for source in _SOURCES.values() for group in source.groups_at(organisation)]
    return sorted(groups, key=lambda group: group[1].casefold())


def member_group_name(organisation: Any, key: str) -> str:
    """The name of the group `key` at `organisation`, or "" when there is none."""
    return dict(member_groups_at(organisation)).get(key, "") if key else ""


def belongs_to(student: Student, key: str) -> bool:
    """Whether `student` is a member of the group `key` now (no key: everyone belongs)."""
    if not key:
        return True
    for prefix, source in _SOURCES.items():
        if key.startswith(prefix):
            return source.is_member(student, key)
    return False
