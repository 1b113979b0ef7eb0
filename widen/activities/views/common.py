"""What the activity pages share."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID


def posted_ids(values: Iterable[str]) -> list[UUID]:
    """The ids among posted values (ticked boxes), leaving out any that is not one."""
    keys = []
    for value in values:
        try:
            keys.append(UUID(value))
        except ValueError:
            continue
    return keys
