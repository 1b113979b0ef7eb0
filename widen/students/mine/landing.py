"""Where someone without a staff role lands once signed in: each app that has pages of its own
for such people (mentoring, for a mentor) registers a callable `user -> URL or None` when Django
starts (its `ready`); the first that answers is where they go, else their student record.

Students' own pages cannot import those apps, so they ask here instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Landing = Callable[[Any], str | None]

_LANDINGS: dict[str, Landing] = {}


def landing_register(name: str, landing: Landing) -> None:
    """Register (or replace) the app `name`'s landing."""
    _LANDINGS[name] = landing


def landing_for(user: Any) -> str | None:
    """The first registered landing that answers for `user`, or None."""
    for landing in _LANDINGS.values():
        target = landing(user)
        if target:
            return target
    return None
