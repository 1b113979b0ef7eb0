"""Students' pages in the main navigation: for people who may see students by some route."""

from typing import Any

from widen.core.navigation import Journey, NavEntry, register
from widen.students.permissions import student_policy


def may_see_students(person: Any) -> bool:
    return any(scope.categories for scope in student_policy.scopes(person))


register(
    NavEntry(
        "Students",
        "students:list",
        Journey.SUPPORT,
        ("students",),
        may_open=may_see_students,
        order=10,
    )
)
