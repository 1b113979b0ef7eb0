"""A student's own records, as they see them once signed in: never anyone else's.

A person's records are those linked to their account (`Student.user`) and those, linked to no
account, whose contact e-mail is an address the person proved they hold by signing in with a
link sent to it. So a student whose two providers both hold a record sees both.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from widen.accounts.models import SignInLink
from widen.core.exceptions import NotFound
from widen.students.models import Student, StudentStatus

# A student who withdrew this long ago no longer signs in by link: their record is kept only
# until retention anonymises it.
WITHDRAWN_LONG_AGO = timedelta(days=365)


def students_current() -> QuerySet[Student]:
    """Records a person may still sign in to see: not anonymised, nor withdrawn long ago."""
    long_ago = timezone.localdate() - WITHDRAWN_LONG_AGO
    return Student.objects.filter(anonymised_at__isnull=True).exclude(
        status=StudentStatus.WITHDRAWN, status_since__lt=long_ago
    )


def students_at_address(email: str) -> QuerySet[Student]:
    """The current records whose contact e-mail is `email` (in any case)."""
    address = email.strip()
    if not address:
        return Student.objects.none()
    return students_current().filter(email__iexact=address)


def proved_addresses(user: Any) -> set[str]:
    """The addresses `user` proved they hold, by signing in with a link sent to each."""
    return set(
        SignInLink.objects.filter(user=user, used_at__isnull=False).values_list("email", flat=True)
    )


def my_students(*, actor: Any) -> QuerySet[Student]:
    """The signed-in person's own student records (none for anyone else)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return Student.objects.none()
    mine = Q(user=actor)
    for address in proved_addresses(actor):
        mine |= Q(user__isnull=True, email__iexact=address)
    return (
        students_current()
        .filter(mine)
        .select_related("organisation")
        .order_by("organisation__name", "student_number")
    )


def my_student_get(*, actor: Any, student_id: UUID) -> Student:
    """One of the person's own records; anyone else's answers exactly like a missing one."""
    student = my_students(actor=actor).filter(pk=student_id).first()
    if student is None:
        raise NotFound("No such student record.")
    return student
