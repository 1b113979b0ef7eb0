"""A student partner's "My work": what is open to them, what they are booked on, their hours,
what they will be paid and when, and what they are owed for expenses and when it will arrive.
Read only through the policies, so it shows the signed-in person's own things and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from widen.core.working_days import working_days_after
from widen.partners.models import (
    AssignmentStatus,
    ClaimStatus,
    ExpenseClaim,
    Partner,
    PartnerSettings,
    Shift,
    ShiftAssignment,
    Timesheet,
    TimesheetStatus,
)
from widen.partners.permissions import my_partners

DEFAULT_REPAYMENT_WORKING_DAYS = PartnerSettings._meta.get_field("repayment_working_days").default


@dataclass(frozen=True)
class Owed:
    """An expense claim or advance not yet repaid, and the day it should arrive by."""

    claim: ExpenseClaim
    arrives_by: date | None


@dataclass
class PartnerWork:
    partner: Partner
    open_shifts: list[Shift] = field(default_factory=list)
    booked: list[ShiftAssignment] = field(default_factory=list)
    swaps_offered_to_me: list[ShiftAssignment] = field(default_factory=list)
    minutes_worked_this_month: int = 0
    timesheets: list[Timesheet] = field(default_factory=list)
    owed: list[Owed] = field(default_factory=list)

    @property
    def owed_pence(self) -> int:
        return sum(item.claim.total_pence for item in self.owed)

    @property
    def pay_due_pence(self) -> int:
        return sum(sheet.total_pence for sheet in self.timesheets)


def _open_shifts(partner: Partner) -> list[Shift]:
    """Shifts offered to the partner that are still to come, not cancelled, with a place left,
    and that they are not booked on."""
    booked = Count("assignments", filter=Q(assignments__status=AssignmentStatus.BOOKED))
    shifts: QuerySet[Shift] = (
        Shift.objects.filter(
            offers__partner=partner, cancelled_at__isnull=True, starts_at__gt=timezone.now()
        )
        .exclude(assignments__partner=partner, assignments__status=AssignmentStatus.BOOKED)
        .annotate(booked_count=booked)
        .select_related("role")
        .order_by("starts_at")
    )
    return [shift for shift in shifts if shift.booked_count < shift.places]  # type: ignore[attr-defined]


def _arrives_by(claim: ExpenseClaim, promised: int) -> date | None:
    if claim.submitted_at is None:
        return None
    return working_days_after(timezone.localdate(claim.submitted_at), promised)


def my_work(*, actor: Any) -> list[PartnerWork]:
    """The signed-in person's work, one entry per provider they are a partner of."""
    today = timezone.localdate()
    month_start = today.replace(day=1)
    work = []
    for partner in my_partners(actor).select_related("organisation", "student"):
        settings = PartnerSettings.objects.filter(organisation=partner.organisation_id).first()
        promised = settings.repayment_working_days if settings else DEFAULT_REPAYMENT_WORKING_DAYS
        booked = list(
            ShiftAssignment.objects.filter(
                partner=partner,
                status=AssignmentStatus.BOOKED,
                shift__ends_at__gte=timezone.now(),
            )
            .select_related("shift", "shift__role", "swap_offered_to__student")
            .order_by("shift__starts_at")
        )
        swaps = list(
            ShiftAssignment.objects.filter(
                swap_offered_to=partner,
                status=AssignmentStatus.BOOKED,
                shift__starts_at__gt=timezone.now(),
            ).select_related("shift", "partner__student")
        )
        worked = ShiftAssignment.objects.filter(
            partner=partner,
            status=AssignmentStatus.WORKED,
            shift__starts_at__date__gte=month_start,
        ).values_list("worked_minutes", flat=True)
        timesheets = list(
            Timesheet.objects.filter(partner=partner)
            .exclude(status=TimesheetStatus.APPROVED, pay_period__pay_date__lt=today)
            .select_related("pay_period")
            .order_by("pay_period__starts_on")
        )
        claims = (
            ExpenseClaim.objects.filter(partner=partner)
            .exclude(status=ClaimStatus.PAID)
            .order_by("created_at")
        )
        work.append(
            PartnerWork(
                partner=partner,
                open_shifts=_open_shifts(partner),
                booked=booked,
                swaps_offered_to_me=swaps,
                minutes_worked_this_month=sum(minutes or 0 for minutes in worked),
                timesheets=timesheets,
                owed=[Owed(claim, _arrives_by(claim, promised)) for claim in claims],
            )
        )
    return work
