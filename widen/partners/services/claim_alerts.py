"""The overdue alert: a coordinator is told, once, of each expense claim past its provider's
promised number of working days since it was sent (`widen partners overdue-claims`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import is_person, require_actor
from widen.core.exceptions import NotFound
from widen.core.working_days import working_days_between
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.partners.expenses import partner_settings_of
from widen.partners.models import ClaimStatus, ExpenseClaim


def claim_coordinator(claim: ExpenseClaim) -> Any:
    """Who answers for `claim`: the coordinator of its shift's role, else of the partner's
    first role (by title); None when the partner holds no role."""
    if claim.shift_id is not None and claim.shift is not None:
        return claim.shift.role.coordinator
    role = claim.partner.roles.select_related("coordinator").order_by("title").first()
    return role.coordinator if role is not None else None


def working_days_waiting(claim: ExpenseClaim, today: date) -> int:
    if claim.submitted_at is None:
        return 0
    return working_days_between(timezone.localdate(claim.submitted_at), today)


def claims_overdue_alert(*, actor: Any, today: date | None = None) -> int:
    """Tell each coordinator, once, of every submitted or approved claim past its provider's
    promised working days since it was submitted (bank holidays are not working days).
    Widen's own work (`actor` is a system actor). Returns how many claims were alerted."""
    require_actor(actor)
    if is_person(actor):
        raise NotFound
    today = today or timezone.localdate()
    waiting = (
        ExpenseClaim.objects.filter(
            status__in=(ClaimStatus.SUBMITTED, ClaimStatus.APPROVED),
            overdue_alerted_at__isnull=True,
            submitted_at__isnull=False,
        )
        .select_related("partner__student", "shift__role__coordinator", "organisation")
        .order_by("submitted_at")
    )
    promised: dict[Any, int] = {}
    alerted: list[Any] = []
    for claim in waiting:
        days = promised.setdefault(
            claim.organisation_id,
            partner_settings_of(claim.organisation_id).repayment_working_days,
        )
        waited = working_days_waiting(claim, today)
        if waited <= days:
            continue
        coordinator = claim_coordinator(claim)
        if coordinator is not None:
            notify(
                template="partners/claim_overdue",
                category=Category.UPDATES,
                user=coordinator,
                context={"claim": claim, "waited": waited, "promised": days},
                link=reverse("partners:claim", kwargs={"claim_id": claim.pk}),
            )
        alerted.append(claim.pk)
    if alerted:
        ExpenseClaim.objects.filter(pk__in=alerted).update(overdue_alerted_at=timezone.now())
    return len(alerted)
