from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from widen.core.api_inputs import PageLimit, PageOffset
from widen.core.api_pages import DEFAULT_LIMIT, Page, page_of
from widen.organisations.selectors import organisation_get, organisation_list

router = Router(tags=["organisations"])


def _caller(request: HttpRequest) -> Any:
    """Who the bearer token belongs to (`widen.accounts.requests.api_actor` in the apps above
    accounts; organisations sit below it, so they read the authentication's answer directly)."""
    return request.auth  # type: ignore[attr-defined]


class OrganisationOut(Schema):
    id: UUID
    name: str
    organisation_type: str
    ukprn: str
    urn: str
    phase: str
    local_authority: str
    postcode: str


@router.get("", response=Page[OrganisationOut], operation_id="organisation_list")
def organisation_list_api(
    request: HttpRequest,
    organisation_type: str = "",
    q: str = "",
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> dict[str, Any]:
    organisations = organisation_list(
        actor=_caller(request), organisation_type=organisation_type, search=q
    )
    return page_of(organisations, limit=limit, offset=offset).answer()


@router.get("/{organisation_id}", response=OrganisationOut, operation_id="organisation_get")
def organisation_get_api(request: HttpRequest, organisation_id: UUID) -> Any:
    return organisation_get(actor=_caller(request), organisation_id=organisation_id)
