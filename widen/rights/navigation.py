"""Requests about people's data, and who accessed learners' records, in the main navigation, for
those who handle requests about people's data."""

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
register(
    NavEntry(
        "Who accessed learners' records",
        "who_accessed:search",
        Journey.ADMINISTRATION,
        ("who_accessed",),
        may_open=_handles_requests,
        order=175,
    )
)
