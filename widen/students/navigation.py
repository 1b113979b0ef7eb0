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


def may_link_students(person: Any) -> bool:
    """Those who change a provider's students link them to learner records."""
    return student_policy.may_manage_any(person)


register(
    NavEntry(
        "Students' outreach past",
        "student_links:list",
        Journey.SUPPORT,
        ("student_links",),
        may_open=may_link_students,
        order=20,
    )
)


def may_import_students(person: Any) -> bool:
    """Those who change a provider's students import them from its student record system."""
    return student_policy.may_manage_any(person)


register(
    NavEntry(
        "Import students",
        "student_imports:upload",
        Journey.SUPPORT,
        ("student_imports",),
        may_open=may_import_students,
        order=30,
    )
)
