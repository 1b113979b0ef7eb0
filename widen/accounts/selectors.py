"""Reads about people and their roles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from widen.accounts.capabilities import is_person, is_system
from widen.accounts.models import Membership, User
from widen.organisations.models import Partnership


def memberships_of(*, actor: User) -> QuerySet[Membership]:
    if not actor.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=actor).select_related("organisation")


def holds_role_in_partnership(actor: Any, partnership: Partnership, roles: Iterable[str]) -> bool:
    """Whether `actor` has one of `roles` in a member organisation of `partnership` (a system
    actor holds every role). Being replaced by `capabilities.holds_in_partnership`."""
    if is_system(actor):
        return True
    if not is_person(actor):
        return False
    return Membership.objects.filter(
        user=actor, role__in=list(roles), organisation__in=partnership.members.all()
    ).exists()
