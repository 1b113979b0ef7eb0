"""Permission-scoped reads of organisations, partnerships and agreements."""

from __future__ import annotations

import contextlib
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from widen.core.exceptions import NotFound
from widen.organisations.models import (
    DataSharingAgreement,
    Organisation,
    OrganisationType,
    Partnership,
)
from widen.organisations.permissions import organisation_policy

MAX_SEARCH_LENGTH = 100


def organisation_by_reference(reference: str) -> Organisation | None:
    """The organisation a command names by its id, URN, UKPRN or exact name (for `widen …`
    commands, run by the people who run Widen: not scoped to anyone)."""
    reference = reference.strip()
    if not reference:
        return None
    query = Q(urn=reference) | Q(ukprn=reference) | Q(name=reference)
    with contextlib.suppress(ValueError):
        query |= Q(pk=UUID(reference))
    return Organisation.objects.filter(query).order_by("name").first()


def organisation_list(
    *, actor: Any, organisation_type: str = "", search: str = ""
) -> QuerySet[Organisation]:
    organisations = organisation_policy.visible_to(actor)
    if organisation_type in OrganisationType.values:
        organisations = organisations.filter(organisation_type=organisation_type)
    if search:
        organisations = organisations.filter(name__icontains=search[:MAX_SEARCH_LENGTH])
    return organisations.order_by("organisation_type", "name")


def organisation_get(*, actor: Any, organisation_id: UUID) -> Organisation:
    try:
        return organisation_policy.visible_to(actor).get(id=organisation_id)
    except (Organisation.DoesNotExist, ValueError) as error:
        raise NotFound from error


def partnership_list(*, actor: Any) -> QuerySet[Partnership]:
    return (
        organisation_policy.partnerships_visible_to(actor)
        .select_related("lead_organisation")
        .annotate(member_count=Count("members", distinct=True))
    )


def partnership_get(*, actor: Any, partnership_id: UUID) -> Partnership:
    try:
        return partnership_list(actor=actor).get(id=partnership_id)
    except (Partnership.DoesNotExist, ValueError) as error:
        raise NotFound from error


def partnership_members(*, actor: Any, partnership: Partnership) -> QuerySet[Organisation]:
    return (
        organisation_policy.visible_to(actor)
        .filter(partnerships=partnership)
        .order_by("organisation_type", "name")
    )


def partnership_agreements(
    *, actor: Any, partnership: Partnership
) -> QuerySet[DataSharingAgreement]:
    return (
        organisation_policy.agreements_visible_to(actor)
        .filter(partnership=partnership)
        .prefetch_related("parties")
    )


def agreements_of(*, actor: Any, organisation: Organisation) -> QuerySet[DataSharingAgreement]:
    return (
        organisation_policy.agreements_visible_to(actor)
        .filter(parties=organisation)
        .prefetch_related("parties")
    )
