"""Every read of programmes, scoped to the person asking: a programme of a partnership they are
in, or nothing (a missing programme and another partnership's answer the same)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from widen.core.exceptions import NotFound
from widen.organisations.permissions import organisation_policy
from widen.programmes.models import Programme


def programme_list(*, actor: Any) -> QuerySet[Programme]:
    """The programmes of every partnership `actor` is in."""
    partnerships = organisation_policy.partnerships_visible_to(actor)
    return Programme.objects.filter(partnership__in=partnerships).select_related(
        "partnership", "rule_set"
    )


def programme_get(*, actor: Any, programme_id: UUID) -> Programme:
    """One programme `actor` may see; NotFound for a missing one and another partnership's."""
    try:
        return programme_list(actor=actor).get(pk=programme_id)
    except (Programme.DoesNotExist, ValueError) as error:
        raise NotFound from error
