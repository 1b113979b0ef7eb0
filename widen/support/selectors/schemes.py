"""Reading support schemes for their pages and the API: each read scoped by the scheme policy,
and students by the students' policy (never a count or a name of a student the person may not
see, nor a reason that names special category data they may not see)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from widen.core.exceptions import NotFound
from widen.core.small_numbers import count_text
from widen.organisations.models import DataCategory
from widen.students.mine.selectors import my_students
from widen.students.models import Student
from widen.students.permissions import student_policy
from widen.students.selectors import student_access_map, student_views_record
from widen.support.models import MembershipStatus, Scheme, SchemeMembership, StudentEligibility
from widen.support.permissions import membership_policy, scheme_policy


def scheme_list(*, actor: Any) -> QuerySet[Scheme]:
    """The schemes of the providers whose schemes `actor` manages, by provider and name."""
    return scheme_policy.visible_to(actor).select_related("organisation")


def scheme_get(*, actor: Any, scheme_id: UUID | str) -> Scheme:
    """One scheme `actor` manages (NotFound for any other)."""
    found = scheme_list(actor=actor).filter(pk=scheme_id).first()
    if found is None:
        raise NotFound
    return found


def _reads_special_category(scheme: Scheme) -> bool:
    """Whether any of the scheme's versions read special category data (an eligibility worked
    out with it would tell it)."""
    return scheme.versions.filter(uses_special_category=True).exists()


def _students_seen(actor: Any, scheme: Scheme) -> QuerySet[Student]:
    """The scheme's provider's students `actor` may see, with their special category data when
    the scheme reads it."""
    special = _reads_special_category(scheme)
    return student_policy.visible_to(
        actor, needing=DataCategory.SPECIAL_CATEGORY if special else None
    ).filter(organisation_id=scheme.organisation_id)


@dataclass(frozen=True)
class SchemeCounts:
    scheme: Scheme
    worked_out: int
    eligible: int

    @property
    def eligible_text(self) -> str:
        return count_text(self.eligible)

    @property
    def worked_out_text(self) -> str:
        return count_text(self.worked_out)


def scheme_counts(*, actor: Any, scheme: Scheme) -> SchemeCounts:
    """How many of the students `actor` may see were worked out, and how many are eligible."""
    counted = StudentEligibility.objects.filter(
        scheme=scheme, student__in=_students_seen(actor, scheme)
    ).aggregate(
        worked_out=Count("student_id"), eligible=Count("student_id", filter=Q(eligible=True))
    )
    return SchemeCounts(scheme, counted["worked_out"], counted["eligible"])


def scheme_eligible_students(*, actor: Any, scheme: Scheme) -> QuerySet[StudentEligibility]:
    """The scheme's eligible students `actor` may see, with why, by name."""
    return (
        StudentEligibility.objects.filter(
            scheme=scheme, eligible=True, student__in=_students_seen(actor, scheme)
        )
        .select_related("student", "version")
        .order_by("student__last_name", "student__first_name", "student_id")
    )


def eligible_views_record(
    *,
    actor: Any,
    scheme: Scheme,
    rows: list[StudentEligibility] | list[SchemeMembership],
    purpose: str,
) -> int:
    """Put the students of a page of a scheme's eligible students (or its members) in the access
    log: their names and why they are eligible (the facts its rules read, special category data
    included when they read it)."""
    students = [row.student for row in rows]
    shown = {DataCategory.IDENTITY, DataCategory.CHARACTERISTICS}
    if _reads_special_category(scheme):
        shown.add(DataCategory.SPECIAL_CATEGORY)
    return student_views_record(
        actor=actor,
        students=students,
        access_by_student=student_access_map(actor=actor, students=students),
        purpose=purpose,
        categories_shown=frozenset(shown),
    )


def scheme_memberships(*, actor: Any, scheme: Scheme) -> QuerySet[SchemeMembership]:
    """The scheme's invitations, members and applications, of the students `actor` may see,
    those waiting for a decision first, then by name."""
    return (
        membership_policy.visible_to(actor)
        .filter(scheme=scheme, student__in=_students_seen(actor, scheme))
        .select_related("student", "decided_by", "status_changed_by")
        .order_by("student__last_name", "student__first_name", "student_id")
    )


def scheme_applications(*, actor: Any, scheme: Scheme) -> QuerySet[SchemeMembership]:
    """Applications to the scheme waiting for a decision, the oldest first."""
    return (
        scheme_memberships(actor=actor, scheme=scheme)
        .filter(status=MembershipStatus.APPLIED)
        .order_by("applied_at", "pk")
    )


@dataclass(frozen=True)
class StatusCount:
    label: str
    count: int

    @property
    def text(self) -> str:
        return count_text(self.count)


def membership_counts(*, actor: Any, scheme: Scheme) -> list[StatusCount]:
    """How many of the students `actor` may see are at each status (small numbers hidden)."""
    counted = dict(
        scheme_memberships(actor=actor, scheme=scheme)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return [StatusCount(label, counted.get(value, 0)) for value, label in MembershipStatus.choices]


def my_memberships(*, actor: Any) -> QuerySet[SchemeMembership]:
    """A signed-in student's own invitations, memberships and applications, newest first."""
    return (
        SchemeMembership.objects.filter(student__in=my_students(actor=actor))
        .select_related("scheme__organisation")
        .order_by("-status_changed_at", "pk")
    )


def schemes_open_to_me(*, actor: Any) -> QuerySet[Scheme]:
    """The active schemes of a signed-in student's providers they have not been invited to, nor
    applied to: those they may ask to join with evidence."""
    mine = my_students(actor=actor)
    return (
        Scheme.objects.filter(is_active=True, organisation_id__in=mine.values("organisation_id"))
        .exclude(pk__in=SchemeMembership.objects.filter(student__in=mine).values("scheme_id"))
        .select_related("organisation")
        .order_by("name", "pk")
    )
