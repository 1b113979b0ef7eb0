"""The "who accessed" page in the main navigation, for those who handle requests about people's
data (the page itself is in `widen.rights.who_accessed`)."""

from typing import Any

from widen.accounts.capabilities import Capability, holds, is_person
from widen.core.navigation import Journey, NavEntry, register


def _handles_requests(person: Any) -> bool:
    return is_person(person) and holds(person, Capability.RIGHTS_HANDLE)


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
