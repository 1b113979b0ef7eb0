"""Every read of learners, scoped to what the requesting person may see."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Q, QuerySet, Value, When

from widen.accounts.models import User
from widen.core.academic_years import AcademicYear
from widen.core.exceptions import NotFound
from widen.core.identifiers import normalise_upn
from widen.learners.hooks import learner_list_filter, learner_list_filters
from widen.learners.models import FILTERABLE_CHARACTERISTICS, Learner
from widen.learners.permissions import LearnerAccess, learner_policy
from widen.learners.services import learner_views_record
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
    # Filters a higher app offers (`hooks.LearnerListFilter`): (query parameter, value).
    extra: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_params(cls, params: Any) -> LearnerFilters:
        """Read filters from query parameters, ignoring anything not allowlisted or malformed."""
        school_id: UUID | None
        try:
            school_id = UUID(params.get("school", ""))
        except (ValueError, TypeError, AttributeError):
            school_id = None
        raw_year = str(params.get("year_group", "") or "")
        digits = raw_year.isascii() and raw_year.isdigit()  # "²" is a digit, but no number
        year_group = int(raw_year) if digits and int(raw_year) in YEAR_GROUPS else None
        characteristic = str(params.get("characteristic", "") or "")
        if characteristic not in FILTERABLE_CHARACTERISTICS:
            characteristic = ""
        search = str(params.get("q", "") or "").strip()[:MAX_SEARCH_LENGTH]
        extra = tuple(
            (list_filter.param, value)
            for list_filter in learner_list_filters()
            if (value := str(params.get(list_filter.param, "") or "").strip()[:MAX_SEARCH_LENGTH])
        )
        return cls(
            search=search,
            school_id=school_id,
            year_group=year_group,
            characteristic=characteristic,
            extra=extra,
        )

    @property
    def needs_special_category(self) -> bool:
        return FILTERABLE_CHARACTERISTICS.get(self.characteristic) == DataCategory.SPECIAL_CATEGORY

    def value_of(self, param: str) -> str:
        return next((value for name, value in self.extra if name == param), "")


def filter_categories(*, actor: User, filters: LearnerFilters) -> frozenset[str] | None:
    """The categories of a learner's data the filters read (a learner is considered only when
    one scope shows `actor` all of them), or None when a higher app's filter has a value this
    person may not choose (the list then finds nobody)."""
    needed: set[str] = set()
    if filters.search or filters.school_id:
        # Pseudonymised views show neither name nor school (year group is shown to everyone).
        needed.add(DataCategory.IDENTITY)
    if filters.characteristic:
        needed.add(FILTERABLE_CHARACTERISTICS[filters.characteristic])
    for param, value in filters.extra:
        list_filter = learner_list_filter(param)
        categories = list_filter.categories(actor, value) if list_filter else None
        if categories is None:
            return None
        needed |= categories
    return frozenset(needed)


def list_categories_shown(*, actor: User, filters: LearnerFilters) -> frozenset[str]:
    """What a list of learners discloses of each row: names and school, and every fact the
    filters read (a list of care-experienced learners says each of them is)."""
    return frozenset({DataCategory.IDENTITY}) | (
        filter_categories(actor=actor, filters=filters) or frozenset()
    )


def list_view_purpose(what: str, filters: LearnerFilters) -> str:
    """The access log's purpose for a list: what it was and how it was filtered."""
    used = [
        name
        for name, value in (
            ("search", filters.search),
            ("school", filters.school_id),
            ("year group", filters.year_group),
            (filters.characteristic, filters.characteristic),
            *((param, value) for param, value in filters.extra),
        )
        if value
    ]
    return f"{what} filtered on {', '.join(used)}" if used else what


def learner_list(
    *, actor: User, filters: LearnerFilters | None = None, academic_year: AcademicYear | None = None
) -> QuerySet[Learner]:
    """The learners `actor` may see that the filters find.

    A filter, search or sort on a learner's field considers only the learners whose field
    `actor` may see, by one route that shows every field the filters use: the others are left
    out exactly as if the field were unknown, so being in the result never discloses a fact the
    person may not see (say, care experience, through an agreement that does not share it).
    """
    filters = filters or LearnerFilters()
    # A fact the person may see of nobody finds nobody (a saved search whose owner has lost
    # sight of it never widens to everyone).
    needing = filter_categories(actor=actor, filters=filters)
    if needing is None:
        return Learner.objects.none()
    # An anonymised record identifies nobody: it is in the figures, never in a list or search.
    learners = Learner.objects.identifiable().filter(
        learner_policy.visible_query(actor, needing=needing)
    )
    if filters.search:
        learners = learners.filter(_search_condition(filters.search))
    if filters.school_id:
        learners = learners.filter(school_id=filters.school_id)
    if filters.year_group is not None:
        first, last = (academic_year or AcademicYear.current()).birth_dates_for(filters.year_group)
        learners = learners.filter(date_of_birth__range=(first, last))
    if filters.characteristic:
        learners = learners.filter(**{filters.characteristic: True})
    for param, value in filters.extra:
        list_filter = learner_list_filter(param)
        if list_filter is not None:
            learners = learners.filter(list_filter.condition(actor, value))
    return _in_name_order(actor, learners.select_related("school", "organisation"))


def learner_page_ids(learners: QuerySet[Learner]) -> QuerySet[Learner, UUID]:
    """The ids of `learners` in their order, to choose a page by (slice or paginate this).

    Sorting ids alone is much cheaper than sorting every whole row the list may show; the
    page's rows are then fetched whole by `learners_by_id`.
    """
    return learners.values_list("id", flat=True)


def learners_by_id(learners: QuerySet[Learner], ids: list[UUID]) -> list[Learner]:
    """Those of `learners` whose ids are given, in the order given (a page from
    `learner_page_ids`); fetched through `learners` itself, so through the same scope."""
    found = {learner.id: learner for learner in learners.filter(id__in=ids).order_by()}
    return [found[learner_id] for learner_id in ids if learner_id in found]


def learner_list_page(
    *,
    actor: User,
    learners: QuerySet[Learner],
    ids: list[UUID],
    filters: LearnerFilters,
    what: str,
) -> tuple[list[Learner], dict[UUID, LearnerAccess]]:
    """One page of the learner list `what` (the page, the API): the learners `ids` names, in
    that order, and what `actor` may see of each. The page is written to the access log in one
    insert: names shown to a partner, and a special category fact a filter discloses about every
    row shown."""
    rows = learners_by_id(learners, ids)
    access_by_learner = learner_access_map(actor=actor, learners=rows)
    learner_views_record(
        actor=actor,
        learners=rows,
        access_by_learner=access_by_learner,
        purpose=list_view_purpose(what, filters),
        categories_shown=list_categories_shown(actor=actor, filters=filters),
    )
    return rows, access_by_learner


def _in_name_order(actor: User, learners: QuerySet[Learner]) -> QuerySet[Learner]:
    """By name where `actor` sees names; learners seen under a pseudonym come after, in an order
    that says nothing about their names."""
    scopes = [scope for scope in learner_policy.scopes(actor) if scope.categories]
    if all(DataCategory.IDENTITY in scope.categories for scope in scopes):
        return learners.order_by("last_name", "first_name", "id")
    if not any(DataCategory.IDENTITY in scope.categories for scope in scopes):
        return learners.order_by("id")
    named = learner_policy.visible_query(actor, needing=DataCategory.IDENTITY)
    return learners.annotate(
        _pseudonymised=Case(When(named, then=Value(0)), default=Value(1)),
        _last_name=Case(When(named, then=F("last_name")), default=Value("")),
        _first_name=Case(When(named, then=F("first_name")), default=Value("")),
    ).order_by("_pseudonymised", "_last_name", "_first_name", "id")


def _search_condition(search: str) -> Q:
    """Each word in a first, last or preferred name; "Adams, Kerry" (surname, comma, first name:
    the order school systems export) is Kerry Adams; a UPN or the holder's own reference finds
    its learner."""
    surname, comma, given = search.partition(",")
    condition = Q()
    if comma and surname.split() and given.split():
        for word in surname.split()[:4]:
            condition &= Q(last_name__icontains=word)
        for word in given.split()[:4]:
            condition &= Q(first_name__icontains=word) | Q(preferred_name__icontains=word)
    else:
        for word in search.replace(",", " ").split()[:4]:
            condition &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
    condition |= Q(reference__iexact=search)
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
