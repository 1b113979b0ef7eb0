"""Reads about people and their roles."""

from __future__ import annotations

from django.db.models import QuerySet

from widen.accounts.models import Membership, User


def memberships_of(*, actor: User) -> QuerySet[Membership]:
    if not actor.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=actor).select_related("organisation")
