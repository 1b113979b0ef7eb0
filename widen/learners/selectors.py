"""Every read of learners, scoped to what the requesting person may see."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from widen.accounts.models import User
from widen.core.academic_years import AcademicYear
from widen.core.exceptions import NotFound
from widen.core.identifiers import normalise_upn
from widen.learners.models import FILTERABLE_CHARACTERISTICS, Learner
from widen.learners.permissions import LearnerAccess, learner_policy
from widen.organisations.models import DataCategory

MAX_SEARCH_LENGTH = 100
YEAR_GROUPS = range(7, 14)


@dataclass(frozen=True)
class LearnerFilters:
    """The allowlisted ways to narrow a learner list (SECURITY 13)."""

    search: str = ""
    school_id: UUID | None = None
    year_group: int | None = None
    characteristic: str = ""

    @classmethod
    def from_params(cls, params: Any) -> LearnerFilters:
        """Read filters from query parameters, ignoring anything not allowlisted or malformed."""
        school_id: UUID | None
        try:
            school_id = UUID(params.get("school", ""))
        except (ValueError, TypeError, AttributeError):
            school_id = None
        raw_year = str(params.get("year_group", "") or "")
        year_group = int(raw_year) if raw_year.isdigit() and int(raw_year) in YEAR_GROUPS else None
        characteristic = str(params.get("characteristic", "") or "")
        if characteristic not in FILTERABLE_CHARACTERISTICS:
            characteristic = ""
        search = str(params.get("q", "") or "").strip()[:MAX_SEARCH_LENGTH]
        return cls(
            search=search, school_id=school_id, year_group=year_group, characteristic=characteristic
        )

    @property
    def needs_special_category(self) -> bool:
        return FILTERABLE_CHARACTERISTICS.get(self.characteristic) == DataCategory.SPECIAL_CATEGORY


def learner_list(
    *, actor: User, filters: LearnerFilters | None = None, academic_year: AcademicYear | None = None
) -> QuerySet[Learner]:
    filters = filters or LearnerFilters()
    needing: str | None = None
    if filters.characteristic:
        needing = FILTERABLE_CHARACTERISTICS[filters.characteristic]
        if not learner_policy.visible_to(actor, needing=needing).exists():
            # Nobody may filter on a fact they may not see: the filter is ignored, not an error.
            filters = replace(filters, characteristic="")
            needing = None
    if filters.search:
        needing = DataCategory.IDENTITY
    learners = learner_policy.visible_to(actor, needing=needing)
    if filters.search:
        learners = learners.filter(_search_condition(filters.search))
    if filters.school_id:
        learners = learners.filter(school_id=filters.school_id)
    if filters.year_group is not None:
        first, last = (academic_year or AcademicYear.current()).birth_dates_for(filters.year_group)
        learners = learners.filter(date_of_birth__range=(first, last))
    if filters.characteristic:
        learners = learners.filter(**{filters.characteristic: True})
    return learners.select_related("school", "organisation").order_by(
        "last_name", "first_name", "id"
    )


def _search_condition(search: str) -> Q:
    condition = Q()
    for word in search.split()[:4]:
        condition &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    if len(search) == 13 and search[0].isalpha():  # a UPN's length
        # 13 characters that are no UPN (e.g. "Stephen Aadms") search names only.
        with contextlib.suppress(ValidationError):
            condition |= Q(upn=normalise_upn(search))
    return condition


def learner_get(*, actor: User, learner_id: UUID) -> tuple[Learner, LearnerAccess]:
    """The learner and what `actor` may do with them. Missing and not-yours answer the same."""
    try:
        learner = (
            learner_policy.visible_to(actor)
            .select_related("school", "organisation")
            .get(id=learner_id)
        )
    except (Learner.DoesNotExist, ValueError) as error:
        raise NotFound from error
    access = learner_policy.access(actor, learner)
    if access is None:
        raise NotFound
    return learner, access


def learner_pseudonym(learner_id: UUID) -> str:
    """A stable pseudonym for evaluators: HMAC-SHA256 under a key kept outside the database."""
    digest = hmac.new(settings.PSEUDONYM_KEY.encode(), learner_id.bytes, hashlib.sha256).hexdigest()
    return f"L-{digest[:12].upper()}"


def learner_access_map(*, actor: User, learners: list[Learner]) -> dict[UUID, LearnerAccess]:
    """What `actor` may see of each learner in a page of results (one scope computation)."""
    scopes = learner_policy.scopes(actor)
    result: dict[UUID, LearnerAccess] = {}
    for learner in learners:
        access = learner_policy.access_from_scopes(scopes, learner)
        if access is not None:
            result[learner.id] = access
    return result
