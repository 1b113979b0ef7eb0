"""Roles a provider pays its students for: a coordinator creates, changes and closes them.

A role's hourly rate is entered in pounds and kept in pence. It is refused below the National
Minimum Wage for 18 to 20 year olds in force today (students are adults); each student's own age
band is checked again when a shift is offered to them and when their timesheet is approved. The
named coordinator, who decides the role's applications, holds the coordinator's capability at
the role's provider.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from widen.accounts.capabilities import is_person, require_actor
from widen.accounts.models import User
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.organisations.models import Organisation
from widen.partners.models import Role, RoleKind
from widen.partners.permissions import MANAGE, may_coordinate, role_policy
from widen.partners.wages import pay_problem

# Students are adults: a role pays at least what an 18-year-old must be paid.
ADULT_AGE = 18
ROLE_FIELDS = (
    "kind",
    "title",
    "work_involved",
    "hourly_rate_pence",
    "coordinator",
    "decision_working_days",
    "needs_training",
    "is_open",
)


@contextmanager
def acting(actor: Any) -> Iterator[None]:
    """Audit rows written inside name `actor` when a person (Widen's own work names nobody)."""
    if is_person(actor):
        with request_context.bind(actor=actor):
            yield
    else:
        yield


def pence_from_pounds(pounds: Decimal | str | int | float) -> int:
    """An amount in pounds (at most two decimal places) as whole pence."""
    try:
        amount = Decimal(str(pounds))
    except (InvalidOperation, ValueError) as error:
        raise ApplicationError(
            "Enter the hourly rate in pounds, such as 12.50.", field="hourly_rate"
        ) from error
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError(
            "Enter the hourly rate in pounds and pence, such as 12.50.", field="hourly_rate"
        )
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_problem(hourly_rate_pence: int, *, on: date) -> str | None:
    """Why a role may not pay `hourly_rate_pence` an hour (below the minimum for an 18-year-old
    on `on`), or None when it may."""
    born = on - relativedelta(years=ADULT_AGE)
    return pay_problem(Decimal(hourly_rate_pence) / 100, date_of_birth=born, on=on)


def _check_coordinator(coordinator: Any, organisation: Organisation) -> None:
    if not isinstance(coordinator, User) or not (
        is_person(coordinator) and may_coordinate(coordinator, organisation)
    ):
        raise ApplicationError(
            f"Choose a coordinator of student partners at {organisation.name}.",
            field="coordinator",
        )


def _check_and_save(role: Role, *, update_fields: list[str] | None = None) -> None:
    problem = rate_problem(role.hourly_rate_pence, on=timezone.localdate())
    if problem:
        raise ApplicationError(problem, field="hourly_rate")
    role.title = " ".join(role.title.split())
    role.work_involved = role.work_involved.strip()
    if not role.title:
        raise ApplicationError("Enter the role's title.", field="title")
    if not role.work_involved:
        raise ApplicationError("Say what the work involves.", field="work_involved")
    try:
        role.full_clean(exclude=["created_by"])
    except ValidationError as error:
        if hasattr(error, "error_dict") and "hourly_rate_pence" in error.error_dict:
            raise ApplicationError(
                "Enter an hourly rate of at least £0.01.", field="hourly_rate"
            ) from error
        raise
    role.save(update_fields=update_fields)


@transaction.atomic
def role_create(
    *,
    actor: Any,
    organisation: Organisation,
    kind: str,
    title: str,
    work_involved: str,
    hourly_rate_pounds: Decimal | str,
    coordinator: User,
    decision_working_days: int = 10,
    needs_training: bool = True,
) -> Role:
    """A new role at `organisation`, taking applications, for one of its coordinators."""
    require_actor(actor)
    if not may_coordinate(actor, organisation):
        raise NotFound
    if kind not in RoleKind.values:
        raise ApplicationError("Choose the kind of role.", field="kind")
    _check_coordinator(coordinator, organisation)
    role = Role(
        organisation=organisation,
        kind=kind,
        title=title,
        work_involved=work_involved,
        hourly_rate_pence=pence_from_pounds(hourly_rate_pounds),
        coordinator=coordinator,
        decision_working_days=decision_working_days,
        needs_training=needs_training,
        created_by=actor if is_person(actor) else None,
    )
    with acting(actor):
        _check_and_save(role)
    return role


@transaction.atomic
def role_update(
    *,
    actor: Any,
    role: Role,
    kind: str,
    title: str,
    work_involved: str,
    hourly_rate_pounds: Decimal | str,
    coordinator: User,
    decision_working_days: int,
    needs_training: bool,
    is_open: bool = True,
) -> Role:
    """Change a role; the rate is checked against today's minimum again."""
    require_actor(actor)
    role_policy.require(actor, MANAGE, role)
    locked = Role.objects.select_for_update().get(pk=role.pk)
    if kind not in RoleKind.values:
        raise ApplicationError("Choose the kind of role.", field="kind")
    _check_coordinator(coordinator, locked.organisation)
    locked.kind = kind
    locked.title = title
    locked.work_involved = work_involved
    locked.hourly_rate_pence = pence_from_pounds(hourly_rate_pounds)
    locked.coordinator = coordinator
    locked.decision_working_days = decision_working_days
    locked.needs_training = needs_training
    locked.is_open = is_open
    with acting(actor):
        _check_and_save(locked, update_fields=[*ROLE_FIELDS, "updated_at"])
    return locked


@transaction.atomic
def role_close(*, actor: Any, role: Role, is_open: bool = False) -> Role:
    """Stop (or, with `is_open`, start again) taking applications to `role`. Applications
    already sent are still decided."""
    require_actor(actor)
    role_policy.require(actor, MANAGE, role)
    locked = Role.objects.select_for_update().get(pk=role.pk)
    if locked.is_open != is_open:
        locked.is_open = is_open
        with acting(actor):
            locked.save(update_fields=["is_open", "updated_at"])
    return locked
