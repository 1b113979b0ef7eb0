"""Reads of pay periods and timesheets, scoped to who asks (`widen.partners.permissions`): a
coordinator their own providers' periods and timesheets, a student their own timesheets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from widen.core.exceptions import NotFound
from widen.organisations.models import Organisation
from widen.partners.models import (
    AssignmentStatus,
    PayPeriod,
    ShiftAssignment,
    Timesheet,
    TimesheetLine,
    TimesheetStatus,
)
from widen.partners.permissions import (
    coordinated_providers,
    my_partners,
    own_students,
    timesheet_policy,
)

# A line the partner adds names its role first: "Student ambassador: Open day stall".
ROLE_SEPARATOR = ": "


def coordinated(actor: Any) -> QuerySet[Organisation]:
    """The providers whose pay periods `actor` keeps."""
    return coordinated_providers(actor).order_by("name")


def pay_periods(*, actor: Any) -> QuerySet[PayPeriod]:
    """The pay periods of the providers `actor` coordinates, newest first, with how many
    timesheets wait for approval in each."""
    return (
        PayPeriod.objects.filter(organisation__in=coordinated_providers(actor))
        .select_related("organisation", "payroll_exported_by")
        .annotate(
            timesheet_count=Count("timesheets"),
            to_approve=Count("timesheets", filter=Q(timesheets__status=TimesheetStatus.CONFIRMED)),
        )
        .order_by("-starts_on", "organisation__name")
    )


def pay_period_get(*, actor: Any, pay_period_id: UUID) -> PayPeriod:
    try:
        return (
            PayPeriod.objects.filter(organisation__in=coordinated_providers(actor))
            .select_related("organisation", "payroll_exported_by")
            .get(pk=pay_period_id)
        )
    except PayPeriod.DoesNotExist:
        raise NotFound from None


def period_timesheets(*, actor: Any, pay_period: PayPeriod) -> list[Timesheet]:
    """The period's timesheets `actor` coordinates: confirmed ones (to approve) first, then by
    the partner's name."""
    order = {
        TimesheetStatus.CONFIRMED: 0,
        TimesheetStatus.QUERIED: 1,
        TimesheetStatus.DRAFT: 2,
        TimesheetStatus.APPROVED: 3,
    }
    timesheets = (
        timesheet_policy.visible_to(actor)
        .filter(pay_period=pay_period, pay_period__organisation__in=coordinated_providers(actor))
        .select_related("partner__student", "approved_by")
    )
    return sorted(
        timesheets,
        key=lambda sheet: (
            order.get(TimesheetStatus(sheet.status), 9),
            sheet.partner.student.last_name.lower(),
            sheet.partner.student.first_name.lower(),
        ),
    )


def coordinated_timesheet_get(*, actor: Any, timesheet_id: UUID) -> Timesheet:
    """A timesheet of a provider `actor` coordinates (never their own as a student)."""
    try:
        return (
            timesheet_policy.visible_to(actor)
            .filter(pay_period__organisation__in=coordinated_providers(actor))
            .select_related("partner__student", "pay_period__organisation", "approved_by")
            .get(pk=timesheet_id)
        )
    except Timesheet.DoesNotExist:
        raise NotFound from None


def is_student(actor: Any) -> bool:
    """Whether `actor` has a student record of their own (the students' pages are theirs)."""
    return own_students(actor).exists()


def my_timesheets(*, actor: Any) -> QuerySet[Timesheet]:
    """The signed-in student's own timesheets, newest period first."""
    return (
        Timesheet.objects.filter(partner__in=my_partners(actor))
        .select_related("pay_period__organisation", "partner")
        .order_by("-pay_period__starts_on")
    )


def my_timesheet_get(*, actor: Any, timesheet_id: UUID) -> Timesheet:
    """One of the signed-in student's own timesheets; anyone else's answers like a missing one."""
    try:
        return my_timesheets(actor=actor).get(pk=timesheet_id)
    except Timesheet.DoesNotExist:
        raise NotFound from None


def timesheet_lines(timesheet: Timesheet) -> QuerySet[TimesheetLine]:
    return timesheet.lines.select_related("role", "assignment__shift__role").order_by(
        "worked_on", "created_at"
    )


def line_role_title(line: TimesheetLine) -> str:
    """The role a line was worked in, as recorded on it. A line kept from before roles were
    recorded falls back to its shift's role, or the role its description names."""
    if line.role is not None:
        return line.role.title
    if line.assignment is not None:
        return line.assignment.shift.role.title
    title, separator, _ = line.description.partition(ROLE_SEPARATOR)
    return title if separator else ""


def my_line_get(*, actor: Any, timesheet: Timesheet, line_id: UUID) -> TimesheetLine:
    try:
        return TimesheetLine.objects.select_related("timesheet__pay_period").get(
            pk=line_id, timesheet=timesheet, timesheet__partner__in=my_partners(actor)
        )
    except TimesheetLine.DoesNotExist:
        raise NotFound from None


# --- What I will be paid and when ---------------------------------------------------------


@dataclass(frozen=True)
class ExpectedPay:
    timesheet: Timesheet
    provider: str
    hours: str
    pay_pence: int
    pay_date: date
    approved: bool
    # Shifts worked in an earlier pay period, paid with this one.
    late_lines: tuple[TimesheetLine, ...] = ()

    @property
    def when(self) -> str:
        """ "£123.45 on 30 November 2026, once approved" (or without the proviso when it is)."""
        day = f"{self.pay_date.day} {self.pay_date:%B %Y}"
        amount = f"£{self.pay_pence // 100:,}.{self.pay_pence % 100:02d}"
        if self.approved:
            return f"{amount} on {day}"
        return f"{amount} on {day}, once approved"


def hours_shown(minutes: int) -> str:
    """Minutes as hours and minutes: "3 hours 30 minutes", "45 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def my_expected_pay(*, actor: Any) -> list[ExpectedPay]:
    """Each of the student's timesheets with what it pays and the day the pay arrives, and
    which of its shifts were worked in an earlier pay period."""
    timesheets = my_timesheets(actor=actor).prefetch_related(
        Prefetch(
            "lines",
            queryset=TimesheetLine.objects.filter(
                worked_on__lt=F("timesheet__pay_period__starts_on")
            ).order_by("worked_on", "created_at"),
            to_attr="late_lines",
        )
    )
    return [
        ExpectedPay(
            timesheet=timesheet,
            provider=timesheet.pay_period.organisation.name,
            hours=hours_shown(timesheet.total_minutes),
            pay_pence=timesheet.total_pence,
            pay_date=timesheet.pay_period.pay_date,
            approved=timesheet.is_approved,
            late_lines=tuple(timesheet.late_lines),
        )
        for timesheet in timesheets
    ]


# --- Shifts recorded worked after the timesheet was confirmed ------------------------------


def worked_after_confirming(assignments: Iterable[ShiftAssignment]) -> list[ShiftAssignment]:
    """Of `assignments` (shifts worked on no timesheet, `shift` loaded), those in a pay period
    whose timesheet the partner has confirmed or the coordinator approved: they are paid with
    the partner's timesheet of the next pay period drafted."""
    candidates = list(assignments)
    if not candidates:
        return []
    days = {
        assignment.pk: timezone.localtime(assignment.shift.starts_at).date()
        for assignment in candidates
    }
    periods = list(
        PayPeriod.objects.filter(
            organisation_id__in={assignment.shift.organisation_id for assignment in candidates},
            starts_on__lte=max(days.values()),
            ends_on__gte=min(days.values()),
        )
    )
    closed = set(
        Timesheet.objects.filter(
            pay_period__in=periods,
            partner_id__in={assignment.partner_id for assignment in candidates},
            status__in=(TimesheetStatus.CONFIRMED, TimesheetStatus.APPROVED),
        ).values_list("partner_id", "pay_period_id")
    )
    found = []
    for assignment in candidates:
        day = days[assignment.pk]
        period = next(
            (
                period
                for period in periods
                if period.organisation_id == assignment.shift.organisation_id
                and period.starts_on <= day <= period.ends_on
            ),
            None,
        )
        if period is not None and (assignment.partner_id, period.pk) in closed:
            found.append(assignment)
    return found


def my_shifts_waiting(*, actor: Any) -> list[ShiftAssignment]:
    """The student's own shifts recorded worked after they confirmed that period's timesheet,
    not yet on a later one: what the next pay period drafted will pay."""
    return worked_after_confirming(
        ShiftAssignment.objects.filter(
            partner__in=my_partners(actor),
            status=AssignmentStatus.WORKED,
            timesheet_line__isnull=True,
        )
        .select_related("shift")
        .order_by("shift__starts_at")
    )
