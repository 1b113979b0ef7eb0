from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from widen.organisations.selectors import organisation_get, organisation_list


def api_actor(request: HttpRequest) -> Any:
    """The person the request's bearer token belongs to (set by the API's authentication)."""
    return getattr(request, "auth", None)


router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: UUID
    name: str
    organisation_type: str
    ukprn: str
    urn: str
    phase: str
    local_authority: str
    postcode: str


@router.get("", response=list[OrganisationOut], operation_id="organisation_list")
def organisation_list_api(request: HttpRequest, organisation_type: str = "", q: str = "") -> Any:
    return list(
        organisation_list(actor=api_actor(request), organisation_type=organisation_type, search=q)
    )


@router.get("/{organisation_id}", response=OrganisationOut, operation_id="organisation_get")
def organisation_get_api(request: HttpRequest, organisation_id: UUID) -> Any:
    return organisation_get(actor=api_actor(request), organisation_id=organisation_id)
