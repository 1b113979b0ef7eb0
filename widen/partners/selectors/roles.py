"""Reads of roles, applications, partners and their checks, each scoped by the policy: a
coordinator's are their own provider's, a student's their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from widen.accounts.capabilities import Capability, people_holding
from widen.accounts.models import User
from widen.core.exceptions import NotFound
from widen.core.policy import VIEW
from widen.core.working_days import working_days_between
from widen.organisations.models import Organisation
from widen.partners.checks import expiry_words
from widen.partners.models import Application, ApplicationStatus, OnboardingCheck, Partner, Role
from widen.partners.permissions import (
    application_policy,
    coordinated_providers,
    own_students,
    partner_policy,
    role_policy,
)


def coordinators_at(*organisations: Organisation | Any) -> QuerySet[User]:
    """The people who coordinate student partners at any of `organisations` (whom a role there
    may name)."""
    return people_holding(Capability.PARTNERS_COORDINATE, organisations).order_by(
        "first_name", "last_name", "username"
    )


def roles_coordinated(*, actor: Any) -> QuerySet[Role]:
    """The roles of the providers `actor` coordinates, open ones first."""
    return (
        role_policy.visible_to(actor)
        .filter(organisation__in=coordinated_providers(actor))
        .select_related("organisation", "coordinator")
        .order_by("-is_open", "organisation__name", "title")
    )


def role_get(*, actor: Any, role_id: UUID | str, action: str = VIEW) -> Role:
    return role_policy.get(actor, role_id, action=action)


def roles_open_to_me(*, actor: Any) -> QuerySet[Role]:
    """The open roles of the providers holding the signed-in student's records."""
    return (
        Role.objects.filter(
            is_open=True, organisation__in=own_students(actor).values("organisation")
        )
        .select_related("organisation", "coordinator")
        .order_by("organisation__name", "title")
    )


def my_applications(*, actor: Any) -> QuerySet[Application]:
    """The signed-in student's own applications, newest first."""
    return (
        Application.objects.filter(student__in=own_students(actor))
        .select_related("role__organisation", "role__coordinator")
        .order_by("-created_at")
    )


def my_application_get(*, actor: Any, application_id: UUID | str) -> Application:
    """One of the student's own applications; anyone else's (a coordinator's included) answers
    like a missing one."""
    found = my_applications(actor=actor).filter(pk=application_id).first()
    if found is None:
        raise NotFound
    return found


def open_application_of(*, actor: Any, role: Role) -> Application | None:
    """The student's draft or sent application to `role`, if any."""
    return (
        my_applications(actor=actor)
        .filter(role=role, status__in=[ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED])
        .first()
    )


@dataclass(frozen=True)
class QueuedApplication:
    application: Application
    overdue: bool
    working_days_left: int


def application_queue(*, actor: Any, today: date) -> list[QueuedApplication]:
    """Sent applications to the roles of the providers `actor` coordinates, the ones to decide
    first at the top: overdue ones (marked), then by the date each must be decided by."""
    applications = (
        application_policy.visible_to(actor)
        .filter(
            status=ApplicationStatus.SUBMITTED,
            role_id__in=Role.objects.filter(organisation__in=coordinated_providers(actor)).values(
                "pk"
            ),
        )
        .select_related("role__organisation", "role__coordinator", "student")
        .order_by("decide_by", "submitted_at")
    )
    queued = []
    for application in applications:
        decide_by = application.decide_by or today
        overdue = decide_by < today
        queued.append(
            QueuedApplication(
                application=application,
                overdue=overdue,
                working_days_left=0 if overdue else working_days_between(today, decide_by),
            )
        )
    return sorted(queued, key=lambda item: (not item.overdue,))


def application_get(*, actor: Any, application_id: UUID | str, action: str = VIEW) -> Application:
    """An application `actor` sees (a coordinator: sent ones of their provider's roles)."""
    return application_policy.get(actor, application_id, action=action)


def partners_coordinated(*, actor: Any) -> QuerySet[Partner]:
    return (
        partner_policy.visible_to(actor)
        .filter(organisation__in=coordinated_providers(actor))
        .select_related("student", "organisation")
        .prefetch_related("roles")
    )


def partner_get(*, actor: Any, partner_id: UUID | str, action: str = VIEW) -> Partner:
    return partner_policy.get(actor, partner_id, action=action)


@dataclass(frozen=True)
class CheckShown:
    check: OnboardingCheck
    expiry: str
    expired: bool


def partner_checks(*, partner: Partner, today: date) -> list[CheckShown]:
    """A partner's checks with how their expiry reads today ("Expires in 12 days")."""
    return [
        CheckShown(
            check=check,
            expiry=expiry_words(check.expires_on, today),
            expired=check.expires_on is not None and check.expires_on <= today,
        )
        for check in partner.checks.select_related("checked_by").order_by("kind", "-completed_on")
    ]
