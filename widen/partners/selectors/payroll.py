"""The payroll file of a pay period: CSV, one row per line of an approved timesheet.

Layout (UTF-8 with a byte-order mark, comma-separated, CRLF line ends, a header row), rows by
the student's family name, given name, then the day worked:

| column | holds |
| --- | --- |
| Provider UKPRN | the employing provider's UKPRN (8 digits; empty if not recorded) |
| Provider | the provider's name |
| Pay period start | the period's first day (`2026-11-01`) |
| Pay period end | the period's last day |
| Pay date | the day the pay arrives |
| Student number | the provider's student number |
| Family name | |
| Given name | |
| Date of birth | (`2005-05-01`; empty if not recorded) |
| Role | the role recorded on the line: the shift's, or the one chosen for work added |
| Date worked | |
| Description | the shift's title, or the work the student added |
| Hours | decimal hours, 2 places (`3.50` for 3 hours 30 minutes) |
| Hourly rate | pounds, no symbol (`14.00`) |
| Gross pay | pounds, no symbol, rounded half up to the penny (`49.00`) |
| Timesheet reference | Widen's id of the timesheet (the same in every export) |
| Approved by | the coordinator who approved the timesheet |
| Approved on | the day it was approved |

Dates are ISO 8601. Every cell is formula-safe (`widen.core.downloads`). Exporting a period
again gives the same rows, plus those of timesheets approved since.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import timezone

from widen.core.downloads import Column
from widen.partners.models import PayPeriod, TimesheetLine, TimesheetStatus
from widen.partners.selectors.timesheets import line_role_title

COLUMNS: tuple[Column, ...] = (
    Column("Provider UKPRN"),
    Column("Provider"),
    Column("Pay period start"),
    Column("Pay period end"),
    Column("Pay date"),
    Column("Student number", identity=True),
    Column("Family name", identity=True),
    Column("Given name", identity=True),
    Column("Date of birth", identity=True),
    Column("Role"),
    Column("Date worked"),
    Column("Description"),
    Column("Hours"),
    Column("Hourly rate"),
    Column("Gross pay"),
    Column("Timesheet reference"),
    Column("Approved by"),
    Column("Approved on"),
)

TWO_PLACES = Decimal("0.01")


def payroll_lines(pay_period: PayPeriod) -> QuerySet[TimesheetLine]:
    """Every line of the period's approved timesheets, in the file's order."""
    return (
        TimesheetLine.objects.filter(
            timesheet__pay_period=pay_period, timesheet__status=TimesheetStatus.APPROVED
        )
        .select_related(
            "timesheet__partner__student",
            "timesheet__approved_by",
            "role",
            "assignment__shift__role",
        )
        .order_by(
            "timesheet__partner__student__last_name",
            "timesheet__partner__student__first_name",
            "timesheet__partner__student__student_number",
            "worked_on",
            "created_at",
        )
    )


def hours_decimal(minutes: int) -> str:
    return str((Decimal(minutes) / 60).quantize(TWO_PLACES, rounding=ROUND_HALF_UP))


def pounds_plain(pence: int) -> str:
    return str((Decimal(pence) / 100).quantize(TWO_PLACES))


def payroll_rows(pay_period: PayPeriod) -> Iterator[tuple[object, ...]]:
    provider = pay_period.organisation
    for line in payroll_lines(pay_period):
        timesheet = line.timesheet
        student = timesheet.partner.student
        approver = timesheet.approved_by
        approved_on = (
            timezone.localtime(timesheet.approved_at).date().isoformat()
            if timesheet.approved_at
            else ""
        )
        yield (
            provider.ukprn,
            provider.name,
            pay_period.starts_on.isoformat(),
            pay_period.ends_on.isoformat(),
            pay_period.pay_date.isoformat(),
            student.student_number,
            student.last_name,
            student.first_name,
            student.date_of_birth.isoformat() if student.date_of_birth else "",
            line_role_title(line),
            line.worked_on.isoformat(),
            line.description,
            hours_decimal(line.minutes),
            pounds_plain(line.hourly_rate_pence),
            pounds_plain(line.pay_pence),
            str(timesheet.pk),
            (approver.get_full_name() or approver.username) if approver is not None else "",
            approved_on,
        )


def payroll_file_name(pay_period: PayPeriod) -> str:
    return f"payroll {pay_period.organisation.name} {pay_period.starts_on:%Y-%m-%d}"
