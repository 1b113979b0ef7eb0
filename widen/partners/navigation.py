"""The student partners' pages in the main navigation: a partner's own pages for students
without a staff role, and the scheme's pages for its coordinators."""

from __future__ import annotations

from typing import Any

from widen.core.navigation import Journey, NavEntry, register, works_somewhere
from widen.partners.permissions import is_partner, may_coordinate
from widen.students.navigation import has_own_record


def _works_as_partner(person: Any) -> bool:
    """A student partner without a staff role (asked once for all their pages)."""
    return not works_somewhere(person) and is_partner(person)


def _coordinates(person: Any) -> bool:
    return works_somewhere(person) and may_coordinate(person)


register(
    NavEntry(
        "My work",
        "partners:my_work",
        Journey.SUPPORT,
        ("partners:my_work", "partners:my_open_shifts", "partners:my_shift*", "partners:my_swap*"),
        may_open=_works_as_partner,
        order=1,
    ),
    NavEntry(
        "My plan",
        "partners:my_plan",
        Journey.SUPPORT,
        ("partners:my_plan*",),
        may_open=_works_as_partner,
        order=2,
    ),
    NavEntry(
        "My pay",
        "partners:my_pay",
        Journey.SUPPORT,
        ("partners:my_pay", "partners:my_timesheet*"),
        may_open=_works_as_partner,
        order=3,
    ),
    NavEntry(
        "My expenses",
        "partners:my_claims",
        Journey.SUPPORT,
        ("partners:my_claims",),
        may_open=_works_as_partner,
        order=4,
    ),
    NavEntry(
        "Barriers we are tackling",
        "partners:my_barriers",
        Journey.SUPPORT,
        ("partners:my_barrier*",),
        may_open=_works_as_partner,
        order=6,
    ),
    NavEntry(
        "Paid roles",
        "partners:open_roles",
        Journey.SUPPORT,
        ("partners:open_roles", "partners:apply", "partners:my_application*"),
        may_open=has_own_record,
        order=7,
    ),
    NavEntry(
        "Student partners",
        "partners:partner_list",
        Journey.SUPPORT,
        ("partners:partner*", "partners:barrier*", "partners:mitigation*"),
        may_open=_coordinates,
        order=40,
    ),
    NavEntry(
        "Shift rota",
        "partners:rota",
        Journey.SUPPORT,
        ("partners:rota", "partners:shift", "partners:shift_*"),
        may_open=_coordinates,
        order=42,
    ),
    NavEntry(
        "Partner roles and applications",
        "partners:applications",
        Journey.SUPPORT,
        ("partners:application*", "partners:role*"),
        may_open=_coordinates,
        order=41,
    ),
    NavEntry(
        "Partners' timesheets",
        "partners:pay_periods",
        Journey.SUPPORT,
        ("partners:pay_period*", "partners:payroll_file", "partners:timesheet_review"),
        may_open=_coordinates,
        order=43,
    ),
    NavEntry(
        "Partners' expense claims",
        "partners:claims_queue",
        Journey.SUPPORT,
        ("partners:claims_queue", "partners:claim_approve", "partners:claim_query"),
        may_open=_coordinates,
        order=44,
    ),
    NavEntry(
        "Days out of pocket",
        "partners:days_out_of_pocket",
        Journey.SUPPORT,
        ("partners:days_out_of_pocket",),
        may_open=_coordinates,
        order=45,
    ),
)
