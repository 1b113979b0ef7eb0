"""Student support's pages in the main navigation, for those who manage a provider's schemes."""

from __future__ import annotations

from typing import Any

from widen.core.navigation import Journey, NavEntry, register, works_somewhere
from widen.support.permissions import may_manage_schemes


def _manages_schemes(person: Any) -> bool:
    return works_somewhere(person) and may_manage_schemes(person)


register(
    NavEntry(
        "Support schemes",
        "support:schemes",
        Journey.SUPPORT,
        ("support:scheme*",),
        may_open=_manages_schemes,
        order=50,
    ),
)
