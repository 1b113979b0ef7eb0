"""Changing a flexibility plan: only its student, never a coordinator.

A plan is its regular weekly windows, one-off changes on a date, the most hours a week, the ways
of working that suit, what helps (shown to the coordinator) and the reasons (the student's own;
shown to the coordinator only when shared). Every change that could alter what fits the plan
asks for open shifts to be offered again, once the change is committed (`_plan_changed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from widen.accounts.capabilities import require_actor
from widen.core.exceptions import ApplicationError
from widen.partners.models import (
    FlexibilityPlan,
    Partner,
    PlanChange,
    PlanPattern,
    WorkMode,
)
from widen.partners.models.plans import WEEKDAYS
from widen.partners.permissions import EDIT, plan_policy
from widen.partners.services.shifts import offer_open_shifts_to_partner

DAY_NAMES = dict(WEEKDAYS)
MOST_HOURS_IN_A_WEEK = Decimal(7 * 24)


@dataclass(frozen=True, order=True)
class Window:
    """A regular weekly window: on `weekday` (0 is Monday), from `starts_at` to `ends_at`."""

    weekday: int
    starts_at: time
    ends_at: time

    def __str__(self) -> str:
        return f"{DAY_NAMES[self.weekday]} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


def _plan_changed(partner: Partner) -> None:
    """After a plan changes: the open shifts that now fit are offered to the partner."""
    offer_open_shifts_to_partner(partner)


def _after_commit(partner: Partner) -> None:
    transaction.on_commit(lambda: _plan_changed(partner))


def plan_of(partner: Partner) -> FlexibilityPlan:
    """The partner's plan; an empty one, not yet saved, when they have none."""
    try:
        return partner.plan
    except FlexibilityPlan.DoesNotExist:
        return FlexibilityPlan(partner=partner, organisation_id=partner.organisation_id)


def _check_windows(windows: Iterable[Window]) -> list[Window]:
    ordered = sorted(set(windows))
    for window in ordered:
        if window.weekday not in DAY_NAMES:
            raise ApplicationError("Choose a day of the week.", field="patterns")
        if window.ends_at <= window.starts_at:
            raise ApplicationError(
                f"{DAY_NAMES[window.weekday]}: the time you finish must be after the time you "
                f"start ({window.starts_at:%H:%M}).",
                field="patterns",
            )
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier.weekday == later.weekday and later.starts_at < earlier.ends_at:
            raise ApplicationError(
                f"{DAY_NAMES[earlier.weekday]}: {earlier.starts_at:%H:%M}–"
                f"{earlier.ends_at:%H:%M} and {later.starts_at:%H:%M}–{later.ends_at:%H:%M} "
                "overlap. Join them into one, or change one of them.",
                field="patterns",
            )
    return ordered


def _minutes(hours: Decimal | None) -> int | None:
    if hours is None:
        return None
    if hours <= 0:
        raise ApplicationError(
            "The most hours a week must be more than 0, or leave it empty for no limit.",
            field="max_weekly_hours",
        )
    if hours > MOST_HOURS_IN_A_WEEK:
        raise ApplicationError(
            "A week has 168 hours: give fewer, or leave it empty for no limit.",
            field="max_weekly_hours",
        )
    return int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _check_modes(modes: Sequence[str]) -> list[str]:
    chosen = [mode for mode in WorkMode.values if mode in set(modes)]
    if not chosen or len(set(modes)) != len(chosen):
        raise ApplicationError(
            "Choose at least one way of working: on site, online or hybrid.", field="modes"
        )
    return chosen


@transaction.atomic
def plan_update(
    *,
    actor: Any,
    partner: Partner,
    windows: Iterable[Window],
    max_weekly_hours: Decimal | None,
    modes: Sequence[str],
    what_helps: str,
    reasons: str,
    share_reasons: bool,
) -> bool:
    """Save the student's plan (its regular windows replace the old ones). Answers whether
    anything changed; when it did, open shifts are offered again after the commit."""
    require_actor(actor)
    plan = plan_policy.require(actor, EDIT, plan_of(partner))
    ordered = _check_windows(windows)
    values = {
        "max_weekly_minutes": _minutes(max_weekly_hours),
        "modes": _check_modes(modes),
        "what_helps": what_helps.strip(),
        "reasons": reasons.strip(),
        "share_reasons": bool(share_reasons),
    }
    changed = plan._state.adding
    if changed:
        for name, value in values.items():
            setattr(plan, name, value)
        plan.full_clean(exclude=["partner"])
        plan.save()
    else:
        plan = FlexibilityPlan.objects.select_for_update().get(pk=plan.pk)
        different = [name for name, value in values.items() if getattr(plan, name) != value]
        if different:
            for name in different:
                setattr(plan, name, values[name])
            plan.full_clean(exclude=["partner"])
            plan.save(update_fields=[*different, "updated_at"])
            changed = True
    existing = {
        Window(pattern.weekday, pattern.starts_at, pattern.ends_at): pattern
        for pattern in plan.patterns.all()
    }
    wanted = set(ordered)
    gone = [pattern.pk for window, pattern in existing.items() if window not in wanted]
    if gone:
        PlanPattern.objects.filter(pk__in=gone).delete()
    for window in ordered:
        if window not in existing:
            PlanPattern.objects.create(
                plan=plan,
                organisation_id=plan.organisation_id,
                weekday=window.weekday,
                starts_at=window.starts_at,
                ends_at=window.ends_at,
            )
    changed = changed or bool(gone) or bool(wanted - set(existing))
    if changed:
        _after_commit(partner)
    return changed


def _saved_plan(actor: Any, partner: Partner) -> FlexibilityPlan:
    plan = plan_policy.require(actor, EDIT, plan_of(partner))
    if plan._state.adding:
        plan.modes = list(WorkMode.values)
        plan.save()
    return plan


@transaction.atomic
def plan_change_add(
    *,
    actor: Any,
    partner: Partner,
    on: date,
    starts_at: time | None = None,
    ends_at: time | None = None,
) -> PlanChange:
    """A one-off change on the date `on`: available only from `starts_at` to `ends_at`, or
    (no times) not available that day. It replaces the day's regular windows."""
    require_actor(actor)
    plan = _saved_plan(actor, partner)
    if on < timezone.localdate():
        raise ApplicationError("The date has passed: choose today or a later day.", field="on")
    if (starts_at is None) != (ends_at is None):
        raise ApplicationError(
            "Give both the time you start and the time you finish, or neither if you cannot "
            "work that day.",
            field="starts_at" if starts_at is None else "ends_at",
        )
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise ApplicationError(
            "The time you finish must be after the time you start.", field="ends_at"
        )
    same_day = list(plan.changes.filter(date=on))
    if same_day and (starts_at is None or any(change.unavailable for change in same_day)):
        raise ApplicationError(
            f"You already have a change on {on:%-d %B %Y}: remove it first.", field="on"
        )
    for change in same_day:
        if (
            starts_at is not None
            and ends_at is not None
            and change.starts_at is not None
            and change.ends_at is not None
            and starts_at < change.ends_at
            and change.starts_at < ends_at
        ):
            raise ApplicationError(
                f"This overlaps {change.starts_at:%H:%M}–{change.ends_at:%H:%M} on {on:%-d %B %Y}.",
                field="starts_at",
            )
    change = PlanChange(
        plan=plan,
        organisation_id=plan.organisation_id,
        date=on,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    change.full_clean()
    change.save()
    _after_commit(partner)
    return change


@transaction.atomic
def plan_change_remove(*, actor: Any, change: PlanChange) -> None:
    """Take a one-off change away: the day's regular windows hold again."""
    require_actor(actor)
    plan_policy.require(actor, EDIT, change.plan)
    partner = change.plan.partner
    change.delete()
    _after_commit(partner)
