"""Who may see and change which students, and which of their fields. The one place that decides.

A student's record is its HE provider's data. A person sees students by the same routes as
learners (`learner_policy.scopes`), narrowed to students:

* **own**: the student is held by the person's organisation: the role's categories of data;
  roles holding `Capability.STUDENTS_MANAGE` (the provider's widening-participation and student
  success staff, its admins) import and change them.
* **partner**: the student is held by another party to a data-sharing agreement in force that
  includes the person's organisation **and covers students**: the categories both the role and
  the agreement allow; never change.

Anything else is invisible, and answers exactly like a student who does not exist.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from widen.accounts.capabilities import (
    Capability,
    is_person,
    is_system,
    organisations_granting,
)
from widen.core.policy import VIEW, Policy
from widen.learners.permissions import (
    OWN,
    LearnerScope,
    categories_needed,
    learner_policy,
)
from widen.organisations.models import (
    DataCategory,
    DataSharingAgreement,
    Organisation,
    OrganisationType,
)
from widen.students.models import FIELDS_BY_CATEGORY, Student

CHANGE = "change"


@dataclass(frozen=True)
class StudentAccess:
    """What one person may do with one student."""

    categories: frozenset[str]
    can_change: bool
    relation: str
    actor_organisation_id: UUID
    data_sharing_agreement_id: UUID | None

    @property
    def sees_special_category(self) -> bool:
        return DataCategory.SPECIAL_CATEGORY in self.categories

    def visible_fields(self) -> tuple[str, ...]:
        return tuple(
            name
            for category in DataCategory.values
            if category in self.categories
            for name in FIELDS_BY_CATEGORY[category]
        )


class StudentPolicy(Policy[Student]):
    """Students: `visible_to` (seen, by category), `CHANGE` (their records), and `get`."""

    actions = frozenset({VIEW, CHANGE})

    def scopes(self, actor: Any) -> list[LearnerScope]:
        """The routes by which `actor` sees learners that also show students: their own
        organisation's, and agreements that cover students."""
        if not is_person(actor):
            return []
        routes = learner_policy.scopes(actor)
        agreement_ids = {
            scope.data_sharing_agreement_id for scope in routes if scope.relation != OWN
        }
        covering = (
            set(
                DataSharingAgreement.objects.filter(
                    pk__in=agreement_ids, covers_students=True
                ).values_list("pk", flat=True)
            )
            if agreement_ids
            else set()
        )
        return [
            scope
            for scope in routes
            if scope.relation == OWN or scope.data_sharing_agreement_id in covering
        ]

    def visible_to(
        self, actor: Any, *, needing: str | Iterable[str] | None = None
    ) -> QuerySet[Student]:
        """Students `actor` may see, with every category in `needing` (by one route)."""
        if is_system(actor):
            return Student.objects.all()
        needed = categories_needed(needing)
        scopes = [
            scope for scope in self.scopes(actor) if scope.categories and needed <= scope.categories
        ]
        if not scopes:
            return Student.objects.none()
        return Student.objects.filter(reduce(operator.or_, (scope.query() for scope in scopes)))

    def access(self, actor: Any, student: Student) -> StudentAccess | None:
        matching = [
            scope
            for scope in self.scopes(actor)
            if scope.categories and student.organisation_id in scope.organisation_ids
        ]
        if not matching:
            return None
        own = [scope for scope in matching if scope.relation == OWN]
        return StudentAccess(
            categories=frozenset().union(*(scope.categories for scope in matching)),
            can_change=any(Capability.STUDENTS_MANAGE in scope.capabilities for scope in own),
            relation=(own or matching)[0].relation,
            actor_organisation_id=(own or matching)[0].actor_organisation_id,
            data_sharing_agreement_id=None if own else matching[0].data_sharing_agreement_id,
        )

    def _may(self, actor: Any, action: str, obj: Student) -> bool:
        if is_system(actor):
            return True
        access = self.access(actor, obj)
        if access is None:
            return False
        return action == VIEW or access.can_change

    def providers_managed(self, actor: Any) -> QuerySet[Organisation]:
        """The HE providers whose students `actor` imports and changes."""
        return organisations_granting(actor, Capability.STUDENTS_MANAGE).filter(
            organisation_type=OrganisationType.HE_PROVIDER
        )

    def may_manage_any(self, actor: Any) -> bool:
        return self.providers_managed(actor).exists()

    def may_see_any(self, actor: Any) -> bool:
        return bool(self.scopes(actor)) and self.visible_to(actor).exists()


student_policy = StudentPolicy()
