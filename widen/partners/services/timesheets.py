"""Hours and pay: a provider's pay periods, the timesheets Widen drafts from the shifts worked,
the partner confirming or correcting them, the coordinator approving or querying them, and the
payroll file's export being recorded.

Each service names its `actor` (a person, or `system_actor(...)` for Widen's own work) and asks
the policy first (`widen.partners.permissions`); a refusal is `NotFound` and changes nothing, a
broken rule is an `ApplicationError` naming the field.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import is_person
from widen.audit.services import access_log_record_subjects
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.organisations.models import Organisation
from widen.partners.models import (
    TIMESHEET_WORKFLOW,
    AssignmentStatus,
    Partner,
    PayPeriod,
    Role,
    ShiftAssignment,
    Timesheet,
    TimesheetLine,
    TimesheetStatus,
)
from widen.partners.permissions import (
    APPROVE,
    CONFIRM,
    may_coordinate,
    timesheet_policy,
)
from widen.partners.selectors.timesheets import ROLE_SEPARATOR, worked_after_confirming
from widen.partners.wages import pay_problem

NOTE_MAX = 500
DESCRIPTION_MAX = 200
# The most one line may hold: a whole day.
LINE_MINUTES_MAX = 24 * 60


def _require_actor(actor: Any) -> None:
    if actor is None:
        raise TypeError("Say who is acting: a person, or system_actor(...) for Widen's own work.")


def _person(actor: Any) -> Any:
    return actor if is_person(actor) else None


def _words(value: str | None) -> str:
    return " ".join((value or "").split())


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


# --- Pay periods ---------------------------------------------------------------------------


def pay_period_create(
    *, actor: Any, organisation: Organisation, starts_on: date, ends_on: date, pay_date: date
) -> PayPeriod:
    """A pay period of `organisation`: from `starts_on` to `ends_on` (inclusive), paid on
    `pay_date` (on or after its last day). It may not overlap another of the provider's."""
    _require_actor(actor)
    if not may_coordinate(actor, organisation):
        raise NotFound
    if not all(isinstance(value, date) for value in (starts_on, ends_on, pay_date)):
        raise ApplicationError("Enter the first day, last day and pay date.", field="starts_on")
    if ends_on < starts_on:
        raise ApplicationError(
            "The last day of the pay period cannot be before its first day.", field="ends_on"
        )
    if pay_date < ends_on:
        raise ApplicationError(
            f"The pay date cannot be before the period's last day ({_day(ends_on)}).",
            field="pay_date",
        )
    try:
        with transaction.atomic():
            # One new period at a time per provider: its periods' rows are the lock.
            list(PayPeriod.objects.select_for_update().filter(organisation=organisation))
            overlapping = (
                PayPeriod.objects.filter(
                    organisation=organisation, starts_on__lte=ends_on, ends_on__gte=starts_on
                )
                .order_by("starts_on")
                .first()
            )
            if overlapping is not None:
                raise ApplicationError(
                    f"These dates overlap the pay period from {_day(overlapping.starts_on)} to "
                    f"{_day(overlapping.ends_on)}: a day belongs to one pay period only.",
                    field="starts_on",
                )
            period = PayPeriod(
                organisation=organisation, starts_on=starts_on, ends_on=ends_on, pay_date=pay_date
            )
            period.full_clean()
            period.save()
    except IntegrityError as error:
        raise ApplicationError(
            "Another pay period starting that day was added at the same moment.",
            field="starts_on",
        ) from error
    return period


# --- Totals --------------------------------------------------------------------------------


def _totals_update(timesheet: Timesheet) -> None:
    lines = list(TimesheetLine.objects.filter(timesheet=timesheet))
    timesheet.total_minutes = sum(line.minutes for line in lines)
    timesheet.total_pence = sum(line.pay_pence for line in lines)
    timesheet.save(update_fields=["total_minutes", "total_pence", "updated_at"])


# --- Drafting from the shifts worked ---------------------------------------------------------


@dataclass(frozen=True)
class Drafted:
    timesheets_started: int  # new timesheets
    lines_added: int  # shifts worked added as lines (late ones included)
    partners_told: int  # partners told a timesheet waits for them
    shifts_waiting: int  # shifts worked whose partner's timesheet is confirmed or approved
    late_added: int = 0  # of the lines added, shifts worked in an earlier pay period


def _period_bounds(period: PayPeriod) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.combine(period.starts_on, time.min, tzinfo=zone)
    end = datetime.combine(period.ends_on + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _late_worked(pay_period: PayPeriod, start: datetime) -> list[ShiftAssignment]:
    """Shifts worked before `pay_period`, on no timesheet, in an earlier pay period whose
    timesheet the partner had already confirmed (or the coordinator approved) when the shift
    was recorded worked: they are paid with the next period drafted."""
    return worked_after_confirming(
        ShiftAssignment.objects.filter(
            status=AssignmentStatus.WORKED,
            shift__organisation=pay_period.organisation,
            shift__starts_at__lt=start,
            timesheet_line__isnull=True,
        )
        .select_related("shift__role", "partner__student__user")
        .order_by("shift__starts_at")
    )


def _timesheet_link(timesheet: Timesheet) -> str:
    return reverse("partners:my_timesheet", kwargs={"timesheet_id": timesheet.pk})


def _tell_partner(partner: Partner, *, template: str, context: dict[str, Any], link: str) -> None:
    student = partner.student
    if student.user_id is not None:
        notify(
            template=template,
            category=Category.UPDATES,
            user=student.user,
            context=context,
            link=link,
        )
    elif student.email:
        notify(template=template, category=Category.UPDATES, email=student.email, context=context)


def _line_drafted(timesheet: Timesheet, assignment: ShiftAssignment) -> bool:
    """Add the shift worked to `timesheet`; False when another drafting (of another period,
    at the same moment) has just put it on a line: a shift is paid once."""
    shift = assignment.shift
    minutes = assignment.worked_minutes if assignment.worked_minutes is not None else shift.minutes
    try:
        with transaction.atomic():
            TimesheetLine.objects.create(
                timesheet=timesheet,
                assignment=assignment,
                role=shift.role,
                worked_on=timezone.localtime(shift.starts_at).date(),
                description=shift.title[:DESCRIPTION_MAX],
                drafted_minutes=minutes,
                minutes=minutes,
                hourly_rate_pence=shift.role.hourly_rate_pence,
            )
    except IntegrityError:
        return False
    return True


def timesheets_draft(*, actor: Any, pay_period: PayPeriod) -> Drafted:
    """Draft each partner's timesheet for `pay_period` from the shifts they worked that start in
    it (one line per shift: its day, title, minutes worked, the role's hourly rate now).

    Safe to run again: a shift already on a timesheet is never added twice (a shift is on one
    line at most); new shifts worked are added to a timesheet still waiting for the partner
    (drafted or queried). A confirmed or approved timesheet is never changed: those shifts are
    counted as waiting, and are added as late lines (on the day they were worked) to the
    partner's timesheet of the next pay period drafted. Each partner given new lines is told a
    timesheet waits for them."""
    _require_actor(actor)
    if not may_coordinate(actor, pay_period.organisation):
        raise NotFound
    start, end = _period_bounds(pay_period)
    started = added = waiting = late_added = 0
    changed: list[Timesheet] = []
    with transaction.atomic():
        worked = (
            ShiftAssignment.objects.filter(
                status=AssignmentStatus.WORKED,
                shift__organisation=pay_period.organisation,
                shift__starts_at__gte=start,
                shift__starts_at__lt=end,
                timesheet_line__isnull=True,
            )
            .select_related("shift__role", "partner__student__user")
            .order_by("shift__starts_at")
        )
        late = _late_worked(pay_period, start)
        late_ids = {assignment.pk for assignment in late}
        by_partner: dict[Any, list[ShiftAssignment]] = defaultdict(list)
        for assignment in [*late, *worked]:
            by_partner[assignment.partner_id].append(assignment)
        for assignments in by_partner.values():
            partner = assignments[0].partner
            timesheet, created = Timesheet.objects.select_for_update().get_or_create(
                partner=partner, pay_period=pay_period
            )
            started += int(created)
            if not timesheet.partner_may_change:
                waiting += len(assignments)
                continue
            added_here = 0
            for assignment in assignments:
                if not _line_drafted(timesheet, assignment):
                    continue
                added_here += 1
                late_added += int(assignment.pk in late_ids)
            if added_here:
                added += added_here
                _totals_update(timesheet)
                changed.append(timesheet)
        for timesheet in changed:
            _tell_partner(
                timesheet.partner,
                template="partners/timesheet_drafted",
                context={"timesheet": timesheet, "period": pay_period},
                link=_timesheet_link(timesheet),
            )
    return Drafted(
        timesheets_started=started,
        lines_added=added,
        partners_told=len(changed),
        shifts_waiting=waiting,
        late_added=late_added,
    )


# --- The partner: correct, add, confirm ------------------------------------------------------


def _minutes(value: Any, *, field: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApplicationError("Enter the time worked in whole minutes.", field=field)
    if value < least or value > LINE_MINUTES_MAX:
        raise ApplicationError(
            f"Enter between {least} and {LINE_MINUTES_MAX} minutes (a day at most).", field=field
        )
    return value


def _locked_for_partner(actor: Any, timesheet: Timesheet) -> Timesheet:
    """The timesheet's row, locked and read afresh, while the partner may still change it."""
    locked = Timesheet.objects.select_for_update().select_related("pay_period").get(pk=timesheet.pk)
    if not locked.partner_may_change:
        raise ApplicationError(
            f"This timesheet is {locked.get_status_display().lower()}: it cannot be changed now.",
            field="status",
        )
    timesheet_policy.require(actor, CONFIRM, locked)
    return locked


def timesheet_line_correct(
    *, actor: Any, line: TimesheetLine, minutes: int, note: str
) -> TimesheetLine:
    """The partner corrects the minutes of one line of their timesheet, saying why (a note is
    needed whenever the minutes differ from those drafted). Putting the drafted minutes back
    needs no note."""
    _require_actor(actor)
    timesheet_policy.require(actor, CONFIRM, line.timesheet)
    minutes = _minutes(minutes, field="minutes", least=0)
    note = _words(note)
    if len(note) > NOTE_MAX:
        raise ApplicationError(f"Keep the note to {NOTE_MAX} characters.", field="note")
    with transaction.atomic():
        timesheet = _locked_for_partner(actor, line.timesheet)
        locked = TimesheetLine.objects.select_for_update().get(pk=line.pk, timesheet=timesheet)
        if minutes != locked.drafted_minutes and not note:
            raise ApplicationError(
                "Say what was different (a note for the coordinator) when you correct the time.",
                field="note",
            )
        locked.minutes = minutes
        locked.correction_note = note if minutes != locked.drafted_minutes else ""
        locked.save(update_fields=["minutes", "correction_note", "updated_at"])
        _totals_update(timesheet)
    return locked


def partner_roles(partner: Partner) -> list[Role]:
    """The roles `partner` holds at their provider (for a line they add)."""
    return list(partner.roles.filter(organisation_id=partner.organisation_id).order_by("title"))


def timesheet_line_add(
    *,
    actor: Any,
    timesheet: Timesheet,
    role: Role,
    worked_on: date,
    description: str,
    minutes: int,
    note: str,
) -> TimesheetLine:
    """The partner adds work not on a shift (preparing a talk, say), in one of their roles, on
    a day of the pay period, with a note for the coordinator. Paid at the role's rate."""
    _require_actor(actor)
    timesheet_policy.require(actor, CONFIRM, timesheet)
    description = _words(description)
    note = _words(note)
    if role not in partner_roles(timesheet.partner):
        raise ApplicationError("Choose one of your roles.", field="role")
    if not isinstance(worked_on, date):
        raise ApplicationError("Enter the day you worked.", field="worked_on")
    period = timesheet.pay_period
    if not period.starts_on <= worked_on <= period.ends_on:
        raise ApplicationError(
            f"Enter a day in this pay period, {_day(period.starts_on)} to {_day(period.ends_on)}.",
            field="worked_on",
        )
    full = f"{role.title}{ROLE_SEPARATOR}{description}"
    if not description or len(full) > DESCRIPTION_MAX:
        raise ApplicationError(
            f"Say what the work was, in up to {DESCRIPTION_MAX - len(role.title) - 2} characters.",
            field="description",
        )
    minutes = _minutes(minutes, field="minutes", least=1)
    if not note:
        raise ApplicationError(
            "Add a note for the coordinator: who asked for the work, or what it was for.",
            field="note",
        )
    if len(note) > NOTE_MAX:
        raise ApplicationError(f"Keep the note to {NOTE_MAX} characters.", field="note")
    with transaction.atomic():
        locked = _locked_for_partner(actor, timesheet)
        line = TimesheetLine.objects.create(
            timesheet=locked,
            role=role,
            worked_on=worked_on,
            description=full,
            drafted_minutes=0,
            minutes=minutes,
            hourly_rate_pence=role.hourly_rate_pence,
            correction_note=note,
        )
        _totals_update(locked)
    return line


def timesheet_confirm(*, actor: Any, timesheet: Timesheet, note: str = "") -> Timesheet:
    """The partner confirms their timesheet (with an optional note): it goes to the
    coordinator for approval."""
    _require_actor(actor)
    timesheet_policy.require(actor, CONFIRM, timesheet)
    note = _words(note)
    if len(note) > 2000:
        raise ApplicationError("Keep the note to 2,000 characters.", field="note")
    if not timesheet.lines.exists():
        raise ApplicationError("There is no work on this timesheet to confirm.", field="status")
    return TIMESHEET_WORKFLOW.apply(
        timesheet,
        "confirm",
        actor=actor,
        changes={"confirmed_at": timezone.now(), "partner_note": note},
    )


# --- The coordinator: approve or query --------------------------------------------------------


def _line_problem(line: TimesheetLine, date_of_birth: date | None) -> str | None:
    rate = Decimal(line.hourly_rate_pence) / 100
    try:
        return pay_problem(rate, date_of_birth=date_of_birth, on=line.worked_on)
    except ValueError as error:
        return str(error)


def timesheet_approve(*, actor: Any, timesheet: Timesheet) -> Timesheet:
    """The coordinator approves a confirmed timesheet for payroll. Every line's rate is checked
    against the legal minimum for the student's age on the line's day: a line below it is
    refused with the reason, and nothing is approved."""
    _require_actor(actor)
    timesheet_policy.require(actor, APPROVE, timesheet)

    def every_line_lawful(locked: Timesheet) -> None:
        born = locked.partner.student.date_of_birth
        for line in locked.lines.order_by("worked_on", "description"):
            problem = _line_problem(line, born)
            if problem:
                raise ApplicationError(
                    f"{line.description} on {_day(line.worked_on)}: {problem} Correct the "
                    "role's rate (or query the timesheet) before approving it.",
                    field="status",
                )

    return TIMESHEET_WORKFLOW.apply(
        timesheet,
        "approve",
        actor=actor,
        changes={"approved_at": timezone.now(), "approved_by": _person(actor)},
        before_save=every_line_lawful,
    )


def timesheet_query(*, actor: Any, timesheet: Timesheet, note: str) -> Timesheet:
    """The coordinator sends a confirmed timesheet back to the partner with a question; the
    partner is told, and may correct and confirm it again."""
    _require_actor(actor)
    timesheet_policy.require(actor, APPROVE, timesheet)
    note = _words(note)
    if not note:
        raise ApplicationError(
            "Say what the partner should check or change on their timesheet.", field="note"
        )
    if len(note) > 2000:
        raise ApplicationError("Keep the note to 2,000 characters.", field="note")
    queried = TIMESHEET_WORKFLOW.apply(
        timesheet, "query", actor=actor, changes={"query_note": note}
    )
    _tell_partner(
        queried.partner,
        template="partners/timesheet_queried",
        context={"timesheet": queried, "period": queried.pay_period, "note": note},
        link=_timesheet_link(queried),
    )
    return queried


# --- The payroll file ----------------------------------------------------------------------


def payroll_export(*, actor: Any, pay_period: PayPeriod, timesheet_ids: list[Any]) -> PayPeriod:
    """Record that `actor` exported the payroll file of `pay_period` now (who and when, on the
    period, audited), and that it showed the partners of `timesheet_ids` (the access log). A
    period may be exported again: the file then also holds what was approved since."""
    _require_actor(actor)
    if not may_coordinate(actor, pay_period.organisation):
        raise NotFound
    with transaction.atomic():
        locked = PayPeriod.objects.select_for_update().get(pk=pay_period.pk)
        locked.payroll_exported_at = timezone.now()
        locked.payroll_exported_by = _person(actor)
        locked.save(update_fields=["payroll_exported_at", "payroll_exported_by", "updated_at"])
        if timesheet_ids and getattr(actor, "pk", None) is not None:
            access_log_record_subjects(
                actor=actor,
                subject_type=Timesheet._meta.label_lower,
                subjects=[(timesheet_id, None) for timesheet_id in timesheet_ids],
                data_categories=["identity", "pay"],
                purpose=f"Payroll file of the pay period {locked}",
            )
    return locked


__all__ = [
    "Drafted",
    "TimesheetStatus",
    "partner_roles",
    "pay_period_create",
    "payroll_export",
    "timesheet_approve",
    "timesheet_confirm",
    "timesheet_line_add",
    "timesheet_line_correct",
    "timesheet_query",
    "timesheets_draft",
]
