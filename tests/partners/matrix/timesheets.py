"""Hours and pay: the cells of the pay periods', timesheets' and payroll file's pages.

Rules:
  pay_periods_keep    the pay periods list and adding one: coordinators (`partners.coordinate`)
  pay_period_keep     a pay period (its timesheets, drafting them, its payroll file): own
                      (Alpha University's) for its coordinators; partner (Beta) and unrelated
                      (Gamma) providers' periods answer as missing
  timesheet_approve   a confirmed timesheet to approve or query: as pay_period_keep
  timesheet_mine      a student's own timesheets and pay (no object in the URL): no staff role
                      has any (404); the student's own access is proved in
                      tests/partners/test_timesheets.py
  timesheet_own       one of a student's own timesheets (confirm it, add a line): staff 404
  timesheet_line_own  a line of a student's own timesheet (correct it): staff 404
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.authz.rules import C, Rule, own, person
from tests.partners.factories import make_partner, make_role
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.partners.models import PayPeriod, Timesheet, TimesheetLine, TimesheetStatus
from widen.testing.world import World

RULES = {
    "pay_periods_keep": person(C.PARTNERS_COORDINATE),
    "pay_period_keep": own(C.PARTNERS_COORDINATE),
    "timesheet_approve": own(C.PARTNERS_COORDINATE),
    "timesheet_mine": Rule({}),
    "timesheet_own": Rule({}),
    "timesheet_line_own": Rule({}),
}


def _provider(world: World, relation: str) -> Organisation:
    return {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}.get(
        relation, world.alpha
    )


def _period(world: World, relation: str) -> PayPeriod:
    periods: dict[str, PayPeriod] = world.__dict__.setdefault("matrix_pay_periods", {})
    if relation not in periods:
        with request_context.bind(source="test"):
            periods[relation] = PayPeriod.objects.create(
                organisation=_provider(world, relation),
                starts_on=date(2026, 11, 1),
                ends_on=date(2026, 11, 30),
                pay_date=date(2026, 12, 18),
            )
    return periods[relation]


def _timesheet(world: World, relation: str) -> Timesheet:
    """A confirmed timesheet of a partner of the relation's provider, with one line."""
    sheets: dict[str, Timesheet] = world.__dict__.setdefault("matrix_timesheets", {})
    if relation not in sheets:
        provider = _provider(world, relation)
        role = make_role(provider, world.users["outreach_officer"])
        partner = make_partner(provider, f"MT-{relation.upper()}", roles=(role,))
        with request_context.bind(source="test"):
            sheet = Timesheet.objects.create(
                partner=partner,
                pay_period=_period(world, relation),
                status=TimesheetStatus.CONFIRMED,
                total_minutes=120,
                total_pence=2800,
            )
            TimesheetLine.objects.create(
                timesheet=sheet,
                worked_on=date(2026, 11, 3),
                description="Campus tour",
                drafted_minutes=120,
                minutes=120,
                hourly_rate_pence=1400,
            )
        sheets[relation] = sheet
    return sheets[relation]


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule in {"pay_periods_keep", "timesheet_mine"}:
        return {}
    if rule == "pay_period_keep":
        return {"pay_period_id": _period(world, relation).pk}
    timesheet = _timesheet(world, relation)
    if rule == "timesheet_line_own":
        return {"timesheet_id": timesheet.pk, "line_id": timesheet.lines.get().pk}
    return {"timesheet_id": timesheet.pk}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "partners:pay_period_add":
        # A period of its own for each cell, years after the others.
        starts_on = date(2040, 1, 1) + timedelta(days=40 * counter)
        return {
            "organisation": str(world.alpha.pk),
            "starts_on": starts_on.isoformat(),
            "ends_on": (starts_on + timedelta(days=27)).isoformat(),
            "pay_date": (starts_on + timedelta(days=35)).isoformat(),
        }
    if name == "partners:pay_period":
        return {"action": "draft"}
    if name == "partners:timesheet_review":
        return {"action": "approve"}
    if name == "partners:payroll_file":
        return {}
    if name in {"partners:my_timesheet", "partners:my_timesheet_add"}:
        return {"note": "Matrix"}
    if name == "partners:my_timesheet_line":
        return {"minutes": "60", "note": "Matrix"}
    return None
