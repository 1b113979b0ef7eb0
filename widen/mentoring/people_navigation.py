"""Mentoring's people pages in the main navigation (registered by
`widen.mentoring.navigation`): "My mentoring" for someone with a mentor record or a student
record of their own."""

from __future__ import annotations

from typing import Any

from widen.core.navigation import Journey, NavEntry, register, works_somewhere
from widen.mentoring.people_reads import takes_part


def _takes_part(person: Any) -> bool:
    return not works_somewhere(person) and takes_part(person)


register(
    NavEntry(
        "My mentoring",
        "mentoring:mine",
        Journey.SUPPORT,
        ("mentoring:mine*", "mentoring:pairs_mine", "mentoring:pair*"),
        may_open=_takes_part,
        order=12,
    ),
)
