"""The name a person gives something a partnership keeps (a programme, a rule set): tidied,
required, and not one the partnership already uses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from widen.core.exceptions import ApplicationError


def unique_name(name: str, taken: QuerySet[Any], noun: str, max_length: int) -> str:
    """`name` with its runs of white space made one space and cut to `max_length`; refused on
    the name field when that leaves nothing, or when `taken` already holds it (letter case
    aside)."""
    name = " ".join(name.split())[:max_length]
    if not name:
        raise ApplicationError(f"Give the {noun} a name.", field="name")
    if taken.filter(name__iexact=name).exists():
        raise ApplicationError(f"There is already a {noun} called '{name}'.", field="name")
    return name
