"""The student partners' JSON API: the cells of its endpoints (the days-out-of-pocket endpoint
is with the claims' cells).

Rules:
  signed_in             a student's own lists (my work, shifts open to me, my shifts, swaps asked
                        of me): anyone signed in; a staff member who is no partner gets empty
                        lists (defined in tests/authz/rules.py)
  api_shifts_keep       the week's shifts and creating a shift (no object in the URL):
                        coordinators (`partners.coordinate`); anyone else 404
  api_shift_keep        one shift (who is booked, cancelling it, allocating a place): own (a shift
                        of Alpha University) for its coordinators; a partner (Beta) or unrelated
                        (Gamma) provider's shift answers as missing
  api_booking_keep      recording a booking on a shift as worked: as api_shift_keep
  api_shift_offered     claiming a place on a shift offered to me: no staff role is offered
                        shifts (404); a student's own access is proved in tests/partners/test_api.py
  api_timesheet_decide  approving or querying a confirmed timesheet (a fresh one each cell): own
                        (Alpha University's partner's) for its coordinators; others as missing
  (reused from tests/partners/matrix/timesheets.py: timesheet_own, timesheet_line_own,
  pay_period_keep, timesheet_approve for reading one to approve)
  api_booking_own       one of my bookings (dropping it, the colleagues who could take it, asking
                        one to swap, calling the swap off, taking over one asked of me): staff 404
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tests.authz.rules import C, Rule, own, person
from tests.partners.factories import UK, make_partner, make_role, make_shift
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.partners.models import (
    AssignmentSource,
    Partner,
    PayPeriod,
    Role,
    Shift,
    ShiftAssignment,
    Timesheet,
    TimesheetLine,
    TimesheetStatus,
)
from widen.testing.world import World

RULES = {
    "api_shifts_keep": person(C.PARTNERS_COORDINATE),
    "api_shift_keep": own(C.PARTNERS_COORDINATE),
    "api_booking_keep": own(C.PARTNERS_COORDINATE),
    "api_shift_offered": Rule({}),
    "api_booking_own": Rule({}),
    "api_timesheet_decide": own(C.PARTNERS_COORDINATE),
}


def _provider(world: World, relation: str) -> Organisation:
    return {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}.get(
        relation, world.alpha
    )


def _role_and_partner(world: World, relation: str) -> tuple[Role, Partner]:
    found: dict[str, tuple[Role, Partner]] = world.__dict__.setdefault("matrix_api_partners", {})
    if relation not in found:
        provider = _provider(world, relation)
        role = make_role(provider, world.users["outreach_officer"], title="Matrix API ambassador")
        partner = make_partner(provider, f"MAPI-{relation.upper()}", roles=(role,))
        found[relation] = (role, partner)
    return found[relation]


def _fresh_shift(world: World, relation: str) -> Shift:
    """A shift of its own day (a place given on one never overlaps another's)."""
    role, _ = _role_and_partner(world, relation)
    days = world.__dict__.get("matrix_api_days", 0) + 1
    world.__dict__["matrix_api_days"] = days
    day = timezone.localdate() + timedelta(days=30 + days)
    return make_shift(role, day, time(10), 1, title=f"Matrix shift {days}")


def _booking(world: World, relation: str, *, started: bool) -> ShiftAssignment:
    role, partner = _role_and_partner(world, relation)
    if started:
        days = world.__dict__.get("matrix_api_past", 0) + 1
        world.__dict__["matrix_api_past"] = days
        starts = datetime.combine(timezone.localdate() - timedelta(days=days), time(10), tzinfo=UK)
        with request_context.bind(source="test"):
            shift = Shift.objects.create(
                organisation=role.organisation,
                role=role,
                title=f"Matrix past shift {days}",
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
            )
    else:
        shift = _fresh_shift(world, relation)
    with request_context.bind(source="test"):
        return ShiftAssignment.objects.create(
            shift=shift, partner=partner, source=AssignmentSource.ALLOCATED
        )


def _confirmed_timesheet(world: World, relation: str) -> Timesheet:
    """A fresh confirmed timesheet (approving one changes it) of a new partner of the relation's
    provider, in its November pay period."""
    role, _ = _role_and_partner(world, relation)
    count = world.__dict__.get("matrix_api_sheets", 0) + 1
    world.__dict__["matrix_api_sheets"] = count
    partner = make_partner(role.organisation, f"MAPI-T{count}", roles=(role,))
    periods: dict[str, PayPeriod] = world.__dict__.setdefault("matrix_api_periods", {})
    with request_context.bind(source="test"):
        if relation not in periods:
            periods[relation] = PayPeriod.objects.create(
                organisation=role.organisation,
                starts_on=date(2026, 10, 1),
                ends_on=date(2026, 10, 31),
                pay_date=date(2026, 11, 18),
            )
        sheet = Timesheet.objects.create(
            partner=partner,
            pay_period=periods[relation],
            status=TimesheetStatus.CONFIRMED,
            total_minutes=60,
            total_pence=1400,
        )
        TimesheetLine.objects.create(
            timesheet=sheet,
            worked_on=date(2026, 10, 6),
            description="Campus tour",
            drafted_minutes=60,
            minutes=60,
            hourly_rate_pence=1400,
        )
    return sheet


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "api_timesheet_decide":
        return {"timesheet_id": _confirmed_timesheet(world, relation).pk}
    if rule == "api_shifts_keep":
        return {}
    if rule in {"api_shift_keep", "api_shift_offered"}:
        return {"shift_id": _fresh_shift(world, relation).pk}
    return {"booking_id": _booking(world, relation, started=rule == "api_booking_keep").pk}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name == "api:partner_shift_create_api":
        role, _ = _role_and_partner(world, "own")
        starts = datetime.combine(
            timezone.localdate() + timedelta(days=400 + counter), time(10), tzinfo=UK
        )
        return {
            "role_id": str(role.pk),
            "title": f"Matrix API shift {counter}",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
        }
    if name == "api:partner_shift_allocate_api":
        _, partner = _role_and_partner(world, relation)
        return {"partner_id": str(partner.pk)}
    if name == "api:partner_swap_offer_api":
        _, partner = _role_and_partner(world, relation)
        return {"colleague_id": str(partner.pk)}
    if name == "api:partner_shift_worked_api":
        return {"minutes": 45}
    if name == "api:partner_timesheet_confirm_api":
        return {"note": "Matrix"}
    if name == "api:partner_timesheet_line_correct_api":
        return {"minutes": 60, "note": "Matrix"}
    if name == "api:partner_timesheet_query_api":
        return {"note": f"Matrix question {counter}"}
    if name == "api:partner_timesheet_approve_api":
        return {}
    if name == "api:partner_plan_put_api":
        return {
            "windows": [{"weekday": 2, "starts_at": "10:00", "ends_at": "16:00"}],
            "modes": ["online"],
        }
    return None
