"""Requests about people's data in the main navigation, for those who handle them."""

from typing import Any

from widen.core.navigation import Journey, NavEntry, register
from widen.rights.permissions import rights_organisations


def _handles_requests(person: Any) -> bool:
    return rights_organisations(person).exists()


register(
    NavEntry(
        "Requests about people's data",
        "rights:list",
        Journey.ADMINISTRATION,
        ("rights",),
        may_open=_handles_requests,
        order=170,
    )
)
