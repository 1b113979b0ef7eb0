"""A student partner's work in the JSON API, as on their "My work" page: for each provider they
are a partner of, the open shifts that fit them, their shifts, swaps asked of them, the minutes
worked this month, their timesheets (what they will be paid and when) and the claims still owed
(with the day repayment should arrive by). Only their own: anyone else gets an empty list."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from widen.accounts.requests import api_actor
from widen.core.api_inputs import PageLimit, PageOffset
from widen.core.api_pages import Page, page_of
from widen.partners.selectors.work import PartnerWork, my_work
from widen.partners.shifts_api import (
    PartnerBookingOut,
    PartnerShiftOut,
    PartnerSwapAskedOut,
    booking_out,
    shift_out,
)

router = Router(tags=["partners"])


class PartnerTimesheetSummaryOut(Schema):
    id: UUID
    status: str
    period_starts_on: date
    period_ends_on: date
    pay_date: date
    total_minutes: int
    total_pence: int


class PartnerOwedOut(Schema):
    claim_id: UUID
    kind: str
    purpose: str
    status: str
    total_pence: int
    arrives_by: date | None


class PartnerWorkOut(Schema):
    partner_id: UUID
    organisation_id: UUID
    organisation: str
    open_shifts: list[PartnerShiftOut]
    booked: list[PartnerBookingOut]
    swaps_asked_of_me: list[PartnerSwapAskedOut]
    minutes_worked_this_month: int
    timesheets: list[PartnerTimesheetSummaryOut]
    owed: list[PartnerOwedOut]
    pay_due_pence: int


def _work_out(work: PartnerWork) -> dict[str, Any]:
    return {
        "partner_id": work.partner.pk,
        "organisation_id": work.partner.organisation_id,
        "organisation": work.partner.organisation.name,
        "open_shifts": [shift_out(shift) for shift in work.open_shifts],
        "booked": [booking_out(one) for one in work.booked],
        "swaps_asked_of_me": [
            {
                "id": one.pk,
                "shift": shift_out(one.shift),
                "asked_by": one.partner.student.display_name,
            }
            for one in work.swaps_offered_to_me
        ],
        "minutes_worked_this_month": work.minutes_worked_this_month,
        "timesheets": [
            {
                "id": sheet.pk,
                "status": sheet.status,
                "period_starts_on": sheet.pay_period.starts_on,
                "period_ends_on": sheet.pay_period.ends_on,
                "pay_date": sheet.pay_period.pay_date,
                "total_minutes": sheet.total_minutes,
                "total_pence": sheet.total_pence,
            }
            for sheet in work.timesheets
        ],
        "owed": [
            {
                "claim_id": owed.claim.pk,
                "kind": owed.claim.kind,
                "purpose": owed.claim.purpose,
                "status": owed.claim.status,
                "total_pence": owed.claim.total_pence,
                "arrives_by": owed.arrives_by,
            }
            for owed in work.owed
        ],
        "pay_due_pence": work.pay_due_pence,
    }


class PartnerWorkPage(Page[PartnerWorkOut]):
    pass


@router.get("", response=PartnerWorkPage, operation_id="partner_my_work")
def partner_my_work_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """My work, one entry per provider I am a partner of."""
    work = my_work(actor=api_actor(request))
    return page_of(work, limit=limit, offset=offset).answer(_work_out)
