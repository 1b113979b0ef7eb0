"""Reading the barriers register: a provider's partners see every barrier with its status,
response and mitigations, never who raised it; its coordinators keep it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from widen.core.exceptions import NotFound
from widen.organisations.models import Organisation
from widen.partners.models import Barrier, Mitigation, Partner
from widen.partners.permissions import (
    MANAGE,
    barrier_policy,
    coordinated_providers,
    my_partners,
)


@dataclass(frozen=True)
class Register:
    """One provider's barriers, as one partner of it (or its coordinator) reads them."""

    organisation: Organisation
    barriers: list[Barrier]
    partner: Partner | None = None


def _register_rows(actor: Any, organisation: Any) -> QuerySet[Barrier]:
    return (
        barrier_policy.visible_to(actor)
        .filter(organisation=organisation)
        .select_related("owner")
        .prefetch_related(
            Prefetch("mitigations", queryset=Mitigation.objects.select_related("owner"))
        )
    )


def my_registers(*, actor: Any) -> list[Register]:
    """The registers of the providers the signed-in student is a partner of. Who raised a
    barrier is not read at all."""
    return [
        Register(
            organisation=partner.organisation,
            barriers=list(_register_rows(actor, partner.organisation_id).defer("raised_by")),
            partner=partner,
        )
        for partner in my_partners(actor).select_related("organisation")
    ]


def coordinated_provider_get(*, actor: Any, organisation_id: Any) -> Organisation:
    """An HE provider whose partners `actor` coordinates, or `NotFound`."""
    try:
        provider = coordinated_providers(actor).filter(pk=organisation_id).first()
    except (ValueError, TypeError) as error:
        raise NotFound from error
    if provider is None:
        raise NotFound
    return provider


def barrier_register(*, actor: Any, organisation: Organisation) -> Register:
    """The register of a provider `actor` coordinates, with who raised each barrier (when not
    anonymous)."""
    rows = _register_rows(actor, organisation).select_related("raised_by__student")
    return Register(organisation=organisation, barriers=list(rows))


def barrier_get(*, actor: Any, barrier_id: Any) -> Barrier:
    """A barrier `actor` keeps (a coordinator of its provider), or `NotFound`."""
    barrier = barrier_policy.get(actor, barrier_id, action=MANAGE)
    return (
        Barrier.objects.select_related("organisation", "owner", "raised_by__student")
        .prefetch_related(
            Prefetch("mitigations", queryset=Mitigation.objects.select_related("owner"))
        )
        .get(pk=barrier.pk)
    )


def mitigation_get(*, actor: Any, mitigation_id: Any) -> Mitigation:
    """A mitigation of a barrier `actor` keeps, or `NotFound`."""
    try:
        mitigation = (
            Mitigation.objects.select_related("barrier__organisation", "owner")
            .filter(pk=mitigation_id)
            .first()
        )
    except (ValueError, TypeError) as error:
        raise NotFound from error
    if mitigation is None:
        raise NotFound
    barrier_policy.require(actor, MANAGE, mitigation.barrier)
    return mitigation
