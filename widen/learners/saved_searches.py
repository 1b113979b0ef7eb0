"""Saved learner searches: a learner list's filters kept under a name by the person who made them.

A saved search keeps only the allowlisted filters (`LearnerFilters`, SECURITY 13), never a list of
learners: running it goes through `learner_list` each time, so it finds what its owner may see
then, not what they could see when they saved it, and, like the list, considers only learners
whose filtered fields its owner may see (a partner's care-experienced learners are never found
through an agreement that does not share care experience).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet

from widen.accounts.models import User
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.models import Learner, SavedSearch
from widen.learners.selectors import LearnerFilters, learner_list

MAX_SAVED_SEARCHES = 50


def filters_as_params(filters: LearnerFilters) -> dict[str, str]:
    """The learner list's query parameters for these filters (only those set)."""
    params = {
        "q": filters.search,
        "school": str(filters.school_id) if filters.school_id else "",
        "year_group": str(filters.year_group) if filters.year_group is not None else "",
        "characteristic": filters.characteristic,
        **dict(filters.extra),
    }
    return {name: value for name, value in params.items() if value}


@transaction.atomic
def saved_search_save(*, actor: User, name: str, params: Any) -> SavedSearch:
    """Keep the filters in `params` under `name` (a search of the same name is replaced)."""
    name = " ".join(str(name or "").split())[:100]
    if not name:
        raise ApplicationError("Give the search a name.", field="name")
    filters = filters_as_params(LearnerFilters.from_params(params))
    if not filters:
        raise ApplicationError(
            "Choose at least one filter to save: a search without one finds every learner."
        )
    search = SavedSearch.objects.filter(owner=actor, name=name).first()
    if search is None:
        if SavedSearch.objects.filter(owner=actor).count() >= MAX_SAVED_SEARCHES:
            raise ApplicationError(
                f"You have {MAX_SAVED_SEARCHES} saved searches, the most one person keeps: "
                "reuse a name to replace one."
            )
        search = SavedSearch(owner=actor, name=name)
    search.filters = filters
    search.full_clean()
    search.save()
    return search


@transaction.atomic
def saved_search_delete(*, actor: User, search: SavedSearch) -> None:
    """Remove one of the person's saved searches (a register it filled keeps its learners)."""
    if search.owner_id != getattr(actor, "pk", None):
        raise ApplicationError("You may only remove your own saved searches.")
    search.delete()


def saved_search_list(*, actor: User) -> QuerySet[SavedSearch]:
    """The person's own saved searches (nobody sees anyone else's)."""
    return SavedSearch.objects.filter(owner_id=getattr(actor, "pk", None)).order_by("name")


def saved_search_get(*, actor: User, search_id: UUID | str) -> SavedSearch:
    try:
        return saved_search_list(actor=actor).get(pk=search_id)
    except (SavedSearch.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def saved_search_filters(search: SavedSearch) -> LearnerFilters:
    """The search's filters, read again through the allowlist."""
    return LearnerFilters.from_params(search.filters)


def saved_search_learners(*, actor: User, search: SavedSearch) -> QuerySet[Learner]:
    """The learners the search finds now, among those `actor` may see now."""
    return learner_list(actor=actor, filters=saved_search_filters(search))
