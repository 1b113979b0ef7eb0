"""Student support's pages in the main navigation: a provider's schemes for those who manage
them, and a student's own schemes for people signed in with a student record."""

from __future__ import annotations

from typing import Any

from widen.core.navigation import Journey, NavEntry, register, roles_held
from widen.students.navigation import has_own_record
from widen.support.permissions import manages_schemes_somewhere
from widen.support.permissions.casework import does_casework_somewhere
from widen.support.permissions.records import advises_somewhere


def _manages_schemes(person: Any) -> bool:
    return manages_schemes_somewhere(roles_held(person))


register(
    NavEntry(
        "Support schemes",
        "support:schemes",
        Journey.SUPPORT,
        ("support:scheme*",),
        may_open=_manages_schemes,
        order=50,
    ),
    NavEntry(
        "My support schemes",
        "support:my_schemes",
        Journey.SUPPORT,
        ("support:my_scheme*", "support:my_membership*", "support:my_benefit*"),
        may_open=has_own_record,
        order=8,
    ),
)


def _advises(person: Any) -> bool:
    return advises_somewhere(roles_held(person))


register(
    NavEntry(
        "Support records",
        "support:records",
        Journey.SUPPORT,
        ("support:record*",),
        may_open=_advises,
        order=51,
    ),
    NavEntry(
        "My support record",
        "support:my_record",
        Journey.SUPPORT,
        ("support:my_record*",),
        may_open=has_own_record,
        order=10,
    ),
)


def _does_casework(person: Any) -> bool:
    return does_casework_somewhere(roles_held(person))


register(
    NavEntry(
        "Casework",
        "support:cases",
        Journey.SUPPORT,
        ("support:case*", "support:appointment*"),
        may_open=_does_casework,
        order=52,
    ),
    NavEntry(
        "My support cases",
        "support:cases_mine",
        Journey.SUPPORT,
        ("support:cases_mine*",),
        may_open=has_own_record,
        order=9,
    ),
)


def _manages_awards(person: Any) -> bool:
    from widen.support.permissions import manages_awards_somewhere  # noqa: PLC0415

    return manages_awards_somewhere(roles_held(person))


register(
    NavEntry(
        "Award schemes",
        "support:award_schemes",
        Journey.SUPPORT,
        ("support:award*",),
        may_open=_manages_awards,
        order=53,
    ),
)


register(
    NavEntry(
        "My awards",
        "support:my_awards",
        Journey.SUPPORT,
        ("support:my_award*",),
        may_open=has_own_record,
        order=11,
    ),
)
