"""Timesheets in the JSON API, under the same policy and services as the pages.

A student partner (their own token): their timesheets with each line, what they will be paid and
when, confirming a timesheet (with a note if they wish) and correcting a line's minutes (a note
needed whenever the time differs from that drafted from the shift). A coordinator: a pay period's
timesheets of their own providers, one timesheet, approving it or querying it with a note.

Anything not the caller's answers 404 as for a thing that does not exist; a rule refused (a
timesheet already approved, a correction without a note) answers 422 with the reason.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from widen.accounts.requests import api_actor
from widen.core.api_inputs import PageLimit, PageOffset
from widen.core.api_pages import InputSchema, Page, page_of
from widen.partners.models import Timesheet, TimesheetLine
from widen.partners.selectors.timesheets import (
    coordinated_timesheet_get,
    line_role_title,
    my_expected_pay,
    my_line_get,
    my_timesheet_get,
    my_timesheets,
    pay_period_get,
    period_timesheets,
    timesheet_lines,
)
from widen.partners.services import timesheets as services

router = Router(tags=["partners"])


class PartnerLineOut(Schema):
    id: UUID
    worked_on: date
    role: str
    description: str
    drafted_minutes: int
    minutes: int
    hourly_rate_pence: int
    correction_note: str
    from_shift: bool


class PartnerTimesheetOut(Schema):
    id: UUID
    organisation_id: UUID
    period_starts_on: date
    period_ends_on: date
    pay_date: date
    status: str
    partner_note: str
    query_note: str
    confirmed_at: datetime | None
    approved_at: datetime | None
    total_minutes: int
    total_pence: int
    lines: list[PartnerLineOut]


class PartnerCoordinatedTimesheetOut(PartnerTimesheetOut):
    partner_id: UUID
    partner_name: str


class PartnerExpectedPayOut(Schema):
    timesheet_id: UUID
    provider: str
    hours: str
    pay_pence: int
    pay_date: date
    approved: bool
    when: str = Field(description='In words: "£42.00 on 30 November 2026, once approved".')


class PartnerTimesheetPage(Page[PartnerTimesheetOut]):
    pass


class PartnerCoordinatedTimesheetPage(Page[PartnerCoordinatedTimesheetOut]):
    pass


class PartnerExpectedPayPage(Page[PartnerExpectedPayOut]):
    pass


class PartnerConfirmIn(InputSchema):
    note: str = Field("", max_length=2000)


class PartnerCorrectIn(InputSchema):
    minutes: int = Field(ge=0, le=24 * 60)
    note: str = Field("", max_length=500)


class PartnerQueryIn(InputSchema):
    note: str = Field(min_length=1, max_length=2000)


def _line_out(line: TimesheetLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "worked_on": line.worked_on,
        "role": line_role_title(line),
        "description": line.description,
        "drafted_minutes": line.drafted_minutes,
        "minutes": line.minutes,
        "hourly_rate_pence": line.hourly_rate_pence,
        "correction_note": line.correction_note,
        "from_shift": line.assignment_id is not None,
    }


def _timesheet_out(sheet: Timesheet, *, coordinated: bool = False) -> dict[str, Any]:
    found = {
        "id": sheet.pk,
        "organisation_id": sheet.pay_period.organisation_id,
        "period_starts_on": sheet.pay_period.starts_on,
        "period_ends_on": sheet.pay_period.ends_on,
        "pay_date": sheet.pay_period.pay_date,
        "status": sheet.status,
        "partner_note": sheet.partner_note,
        "query_note": sheet.query_note,
        "confirmed_at": sheet.confirmed_at,
        "approved_at": sheet.approved_at,
        "total_minutes": sheet.total_minutes,
        "total_pence": sheet.total_pence,
        "lines": [_line_out(line) for line in timesheet_lines(sheet)],
    }
    if coordinated:
        found["partner_id"] = sheet.partner_id
        found["partner_name"] = sheet.partner.student.display_name
    return found


# --- A student partner's own -----------------------------------------------------------------


@router.get("/timesheets", response=PartnerTimesheetPage, operation_id="partner_my_timesheets")
def partner_my_timesheets_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """My timesheets, newest pay period first, each with its lines."""
    mine = my_timesheets(actor=api_actor(request))
    return page_of(mine, limit=limit, offset=offset).answer(_timesheet_out)


@router.get(
    "/timesheets/{timesheet_id}", response=PartnerTimesheetOut, operation_id="partner_my_timesheet"
)
def partner_my_timesheet_api(request: HttpRequest, timesheet_id: UUID) -> dict[str, Any]:
    """One of my timesheets."""
    return _timesheet_out(my_timesheet_get(actor=api_actor(request), timesheet_id=timesheet_id))


@router.post(
    "/timesheets/{timesheet_id}/confirm",
    response=PartnerTimesheetOut,
    operation_id="partner_timesheet_confirm",
)
def partner_timesheet_confirm_api(
    request: HttpRequest, timesheet_id: UUID, data: PartnerConfirmIn
) -> dict[str, Any]:
    """Confirm one of my timesheets for the coordinator to approve."""
    actor = api_actor(request)
    sheet = my_timesheet_get(actor=actor, timesheet_id=timesheet_id)
    services.timesheet_confirm(actor=actor, timesheet=sheet, note=data.note)
    return _timesheet_out(my_timesheet_get(actor=actor, timesheet_id=timesheet_id))


@router.post(
    "/timesheets/{timesheet_id}/lines/{line_id}",
    response=PartnerLineOut,
    operation_id="partner_timesheet_line_correct",
)
def partner_timesheet_line_correct_api(
    request: HttpRequest, timesheet_id: UUID, line_id: UUID, data: PartnerCorrectIn
) -> dict[str, Any]:
    """Correct the minutes of a line of my timesheet, saying what was different."""
    actor = api_actor(request)
    sheet = my_timesheet_get(actor=actor, timesheet_id=timesheet_id)
    line = my_line_get(actor=actor, timesheet=sheet, line_id=line_id)
    services.timesheet_line_correct(actor=actor, line=line, minutes=data.minutes, note=data.note)
    return _line_out(my_line_get(actor=actor, timesheet=sheet, line_id=line_id))


@router.get("/pay", response=PartnerExpectedPayPage, operation_id="partner_my_pay")
def partner_my_pay_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """What I will be paid for each timesheet, and when."""
    expected = [
        {
            "timesheet_id": pay.timesheet.pk,
            "provider": pay.provider,
            "hours": pay.hours,
            "pay_pence": pay.pay_pence,
            "pay_date": pay.pay_date,
            "approved": pay.approved,
            "when": pay.when,
        }
        for pay in my_expected_pay(actor=api_actor(request))
    ]
    return page_of(expected, limit=limit, offset=offset).answer()


# --- A coordinator's --------------------------------------------------------------------------


@router.get(
    "/pay-periods/{pay_period_id}/timesheets",
    response=PartnerCoordinatedTimesheetPage,
    operation_id="partner_period_timesheets",
)
def partner_period_timesheets_api(
    request: HttpRequest, pay_period_id: UUID, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """A pay period's timesheets of my providers' partners, those to approve first."""
    actor = api_actor(request)
    period = pay_period_get(actor=actor, pay_period_id=pay_period_id)
    sheets = period_timesheets(actor=actor, pay_period=period)
    return page_of(sheets, limit=limit, offset=offset).answer(
        lambda sheet: _timesheet_out(sheet, coordinated=True)
    )


@router.get(
    "/approvals/timesheets/{timesheet_id}",
    response=PartnerCoordinatedTimesheetOut,
    operation_id="partner_timesheet_review",
)
def partner_timesheet_review_api(request: HttpRequest, timesheet_id: UUID) -> dict[str, Any]:
    """A timesheet of one of my providers' partners."""
    sheet = coordinated_timesheet_get(actor=api_actor(request), timesheet_id=timesheet_id)
    return _timesheet_out(sheet, coordinated=True)


@router.post(
    "/approvals/timesheets/{timesheet_id}/approve",
    response=PartnerCoordinatedTimesheetOut,
    operation_id="partner_timesheet_approve",
)
def partner_timesheet_approve_api(request: HttpRequest, timesheet_id: UUID) -> dict[str, Any]:
    """Approve a confirmed timesheet: its hours go to the period's payroll file."""
    actor = api_actor(request)
    sheet = coordinated_timesheet_get(actor=actor, timesheet_id=timesheet_id)
    services.timesheet_approve(actor=actor, timesheet=sheet)
    sheet = coordinated_timesheet_get(actor=actor, timesheet_id=timesheet_id)
    return _timesheet_out(sheet, coordinated=True)


@router.post(
    "/approvals/timesheets/{timesheet_id}/query",
    response=PartnerCoordinatedTimesheetOut,
    operation_id="partner_timesheet_query",
)
def partner_timesheet_query_api(
    request: HttpRequest, timesheet_id: UUID, data: PartnerQueryIn
) -> dict[str, Any]:
    """Send a timesheet back to the partner with a question."""
    actor = api_actor(request)
    sheet = coordinated_timesheet_get(actor=actor, timesheet_id=timesheet_id)
    services.timesheet_query(actor=actor, timesheet=sheet, note=data.note)
    sheet = coordinated_timesheet_get(actor=actor, timesheet_id=timesheet_id)
    return _timesheet_out(sheet, coordinated=True)
