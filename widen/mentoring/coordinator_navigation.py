"""Mentoring's coordinator pages in the main navigation (registered by
`widen.mentoring.navigation`): "Mentoring" for those who coordinate an organisation's mentoring."""

from __future__ import annotations

from typing import Any

from widen.accounts.capabilities import Capability, role_grants
from widen.core.navigation import Journey, NavEntry, register, roles_held


def _coordinates(person: Any) -> bool:
    return any(role_grants(role, Capability.MENTORING_COORDINATE) for role, _ in roles_held(person))


register(
    NavEntry(
        "Mentoring",
        "mentoring:programmes",
        Journey.SUPPORT,
        (
            "mentoring:programme*",
            "mentoring:place*",
            "mentoring:mentee_decide",
            "mentoring:run*",
            "mentoring:proposed*",
            "mentoring:never*",
        ),
        may_open=_coordinates,
        order=54,
    ),
)
