"""Reading what schemes offer their members: a scheme's benefits for its managers, with take-up
(counts only, small numbers hidden), and a student's own benefits on offer, each with whether
they took it up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet

from widen.core.exceptions import NotFound
from widen.students.mine.selectors import my_students
from widen.support.models import Benefit, BenefitUse, Scheme
from widen.support.permissions import benefit_policy, benefits_offered_to_me


def scheme_benefits(*, actor: Any, scheme: Scheme) -> QuerySet[Benefit]:
    """The scheme's benefits, on offer first, by kind and title."""
    return (
        benefit_policy.visible_to(actor)
        .filter(scheme=scheme)
        .select_related("event", "award_scheme")
        .order_by("-is_active", "kind", "title", "pk")
    )


def scheme_benefit_get(*, actor: Any, scheme: Scheme, benefit_id: UUID | str) -> Benefit:
    found = scheme_benefits(actor=actor, scheme=scheme).filter(pk=benefit_id).first()
    if found is None:
        raise NotFound
    return found


@dataclass(frozen=True)
class MyBenefit:
    benefit: Benefit
    taken_up: bool


def my_benefits(*, actor: Any) -> list[MyBenefit]:
    """The benefits on offer to a signed-in student, by scheme, kind and title, each with
    whether they took it up."""
    used = BenefitUse.objects.filter(benefit=OuterRef("pk"), student__in=my_students(actor=actor))
    rows = (
        benefits_offered_to_me(actor)
        .annotate(taken_up=Exists(used))
        .select_related("scheme", "event__organiser", "award_scheme")
        .order_by("scheme__name", "kind", "title", "pk")
    )
    return [MyBenefit(row, bool(row.taken_up)) for row in rows]
