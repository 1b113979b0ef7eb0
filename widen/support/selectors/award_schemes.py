"""Reading award schemes for their managers' pages and the API: the schemes, each one's awards by
status and their instalments, and every instalment to chase. Each read is scoped by the awards
policy, and the students named are those the students' policy lets the person see (with their
special category data when the support scheme behind the award reads it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When

from widen.core.exceptions import NotFound
from widen.core.small_numbers import count_text
from widen.organisations.models import DataCategory
from widen.students.models import Student
from widen.students.permissions import student_policy
from widen.students.selectors import student_access_map, student_views_record
from widen.support.models import Award, AwardScheme, AwardStatus, Instalment, InstalmentStatus
from widen.support.permissions.awards import award_policy, award_scheme_policy, instalment_policy

# Held instalments first (to chase), then due ones waiting for a run, then the rest.
CHASE_ORDER = Case(
    When(status=InstalmentStatus.HELD, then=Value(0)),
    When(status=InstalmentStatus.DUE, then=Value(1)),
    When(status=InstalmentStatus.SCHEDULED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def award_scheme_list(*, actor: Any) -> QuerySet[AwardScheme]:
    """The award schemes of the providers whose awards `actor` manages, newest year first, with
    how many awards each has."""
    return (
        award_scheme_policy.visible_to(actor)
        .select_related("organisation", "scheme")
        .annotate(award_count=Count("awards"))
        .order_by("-academic_year", "name", "pk")
    )


def award_scheme_get(*, actor: Any, award_scheme_id: UUID | str) -> AwardScheme:
    """One award scheme `actor` manages (NotFound for any other)."""
    found = (
        award_scheme_policy.visible_to(actor)
        .select_related("organisation", "scheme")
        .filter(pk=award_scheme_id)
        .first()
    )
    if found is None:
        raise NotFound
    return found


def _reads_special_category(award_scheme: AwardScheme) -> bool:
    return award_scheme.scheme.versions.filter(uses_special_category=True).exists()


def _students_seen(actor: Any, award_scheme: AwardScheme) -> QuerySet[Student]:
    special = _reads_special_category(award_scheme)
    return student_policy.visible_to(
        actor, needing=DataCategory.SPECIAL_CATEGORY if special else None
    ).filter(organisation_id=award_scheme.organisation_id)


def award_scheme_awards(
    *, actor: Any, award_scheme: AwardScheme, status: str = ""
) -> QuerySet[Award]:
    """The award scheme's awards (of one status, when given) of the students `actor` may see,
    by name, each with its instalments in order."""
    awards = award_policy.visible_to(actor).filter(
        award_scheme=award_scheme, student__in=_students_seen(actor, award_scheme)
    )
    if status:
        awards = awards.filter(status=status)
    return (
        awards.select_related("student", "status_changed_by")
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
        .order_by("student__last_name", "student__first_name", "student_id")
    )


@dataclass(frozen=True)
class AwardCount:
    status: str
    label: str
    count: int

    @property
    def text(self) -> str:
        return count_text(self.count)


def award_counts(*, actor: Any, award_scheme: AwardScheme) -> list[AwardCount]:
    """How many of the award scheme's awards are at each status (small numbers hidden)."""
    counted = dict(
        award_scheme_awards(actor=actor, award_scheme=award_scheme)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return [AwardCount(value, label, counted.get(value, 0)) for value, label in AwardStatus.choices]


def instalment_list(
    *, actor: Any, status: str = "", award_scheme: AwardScheme | None = None
) -> QuerySet[Instalment]:
    """Instalments of the awards `actor` manages (of one status, or one award scheme, when
    given): held ones first to chase, then due, then scheduled, then the rest; by day."""
    found = instalment_policy.visible_to(actor).filter(
        award__award_scheme__in=award_scheme_policy.visible_to(actor)
    )
    if status:
        found = found.filter(status=status)
    if award_scheme is not None:
        found = found.filter(award__award_scheme=award_scheme)
    return (
        found.select_related("award__student", "award__award_scheme")
        .annotate(chase=CHASE_ORDER)
        .order_by("chase", "due_on", "award__student__last_name", "pk")
    )


def award_students_record(
    *, actor: Any, award_scheme: AwardScheme | None, students: list[Student], purpose: str
) -> int:
    """Put the students a page of awards names in the access log (their names, and the special
    category data membership of the award's support scheme tells, when it reads any)."""
    shown = {DataCategory.IDENTITY}
    if award_scheme is None or _reads_special_category(award_scheme):
        shown.add(DataCategory.SPECIAL_CATEGORY)
    unique = list({student.pk: student for student in students}.values())
    return student_views_record(
        actor=actor,
        students=unique,
        access_by_student=student_access_map(actor=actor, students=unique),
        purpose=purpose,
        categories_shown=frozenset(shown),
    )
