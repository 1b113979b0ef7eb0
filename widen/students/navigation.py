"""Students' pages in the main navigation: for people who may see students by some route."""

from typing import Any

from widen.accounts.capabilities import is_person
from widen.core.navigation import Journey, NavEntry, register, works_somewhere
from widen.learners.permissions import OWN, learner_policy
from widen.students.mine.selectors import my_students
from widen.students.permissions import student_policy


def may_see_students(person: Any) -> bool:
    """Whether `person` sees students by some route (the policy's scopes). A route of their own
    organisation is one (read from the scopes the request has already worked out); only someone
    with none asks which agreements cover students."""
    if not is_person(person):
        return False
    if any(scope.relation == OWN and scope.categories for scope in learner_policy.scopes(person)):
        return True
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


def may_manage_students(person: Any) -> bool:
    """Those who change a provider's students link them to learner records and import them from
    its student record system (one right: the menu asks it once for both pages)."""
    return student_policy.may_manage_any(person)


register(
    NavEntry(
        "Students' outreach past",
        "student_links:list",
        Journey.SUPPORT,
        ("student_links",),
        may_open=may_manage_students,
        order=20,
    )
)


register(
    NavEntry(
        "Import students",
        "student_imports:upload",
        Journey.SUPPORT,
        ("student_imports",),
        may_open=may_manage_students,
        order=30,
    )
)


def has_own_record(person: Any) -> bool:
    """A student without a staff role, whose own records Widen holds."""
    return not works_somewhere(person) and my_students(actor=person).exists()


register(
    NavEntry(
        "My record",
        "my_student:record",
        Journey.SUPPORT,
        ("my_student",),
        may_open=has_own_record,
        order=5,
    )
)
