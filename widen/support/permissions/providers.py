"""The one question every area of student support asks first: at which HE providers does someone
hold a capability (managing schemes, managing awards, casework)? A provider's support is its
own: holding a capability at a school, a charity or another provider gives nothing here.

Work done by Widen itself (`system_actor(...)`) holds every capability everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from widen.accounts.capabilities import (
    Capability,
    holds,
    is_person,
    is_system,
    organisations_granting,
    people_holding,
    role_grants,
)
from widen.organisations.models import Organisation, OrganisationType


def providers_granting(actor: Any, capability: Capability) -> QuerySet[Organisation]:
    """The HE providers at which `actor` holds `capability` (every one, for the system)."""
    providers = Organisation.objects.filter(organisation_type=OrganisationType.HE_PROVIDER)
    if is_system(actor):
        return providers
    if not is_person(actor):
        return providers.none()
    return organisations_granting(actor, capability).filter(
        organisation_type=OrganisationType.HE_PROVIDER
    )


def holds_at_provider(
    actor: Any, capability: Capability, organisation: Organisation | Any = None
) -> bool:
    """Whether `actor` holds `capability` at the provider `organisation` (at any provider, when
    none)."""
    if is_system(actor):
        return True
    if organisation is None:
        return providers_granting(actor, capability).exists()
    return (
        holds(actor, capability, organisation)
        and providers_granting(actor, capability)
        .filter(pk=getattr(organisation, "pk", organisation))
        .exists()
    )


def holds_at_some_provider(roles_held: Iterable[tuple[str, str]], capability: Capability) -> bool:
    """As `holds_at_provider` with no organisation, from roles (role, organisation type) already
    read (the navigation reads them once a request)."""
    return any(
        role_grants(role, capability) and organisation_type == OrganisationType.HE_PROVIDER
        for role, organisation_type in roles_held
    )


def advisers_at(organisations: Iterable[Any]) -> QuerySet[Any]:
    """The active student support advisers of any of `organisations`, by name: who may be a
    student's named contact, or be assigned, review or take over a case."""
    return people_holding(Capability.SUPPORT_CASEWORK, organisations).order_by(
        "first_name", "last_name", "username"
    )


def advisers_of(organisation: Organisation | Any) -> QuerySet[Any]:
    """The active student support advisers of one provider, by name."""
    return advisers_at([organisation])


def is_adviser_of(person: Any, organisation: Organisation | Any) -> bool:
    return is_person(person) and advisers_of(organisation).filter(pk=person.pk).exists()
