"""Onboarding checks: a coordinator records one for a partner; before one expires, the partner
and the coordinators of their roles are warned, once, so that it is renewed before the partner
can no longer be offered work (see `widen.partners.checks`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import is_person, require_actor, system_actor
from widen.accounts.models import User
from widen.core.exceptions import ApplicationError
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.partners.models import CheckKind, OnboardingCheck, Partner
from widen.partners.permissions import MANAGE, partner_policy
from widen.partners.services.applications import notify_student
from widen.partners.services.roles import acting

WARN_DAYS_BEFORE = 30
NOTE_MAX = 300


@transaction.atomic
def check_record(
    *,
    actor: Any,
    partner: Partner,
    kind: str,
    completed_on: date,
    expires_on: date | None = None,
    note: str = "",
) -> OnboardingCheck:
    """Record a check `partner` has passed (and when it lapses; None: never)."""
    require_actor(actor)
    partner_policy.require(actor, MANAGE, partner)
    if kind not in CheckKind.values:
        raise ApplicationError("Choose the kind of check.", field="kind")
    if completed_on > timezone.localdate():
        raise ApplicationError("The check cannot be completed in the future.", field="completed_on")
    if expires_on is not None and expires_on <= completed_on:
        raise ApplicationError(
            f"The check must expire after it was completed ({completed_on:%-d %B %Y}).",
            field="expires_on",
        )
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise ApplicationError(f"Keep the note to {NOTE_MAX} characters.", field="note")
    with acting(actor):
        return OnboardingCheck.objects.create(
            partner=partner,
            kind=kind,
            completed_on=completed_on,
            expires_on=expires_on,
            note=note,
            checked_by=actor if is_person(actor) else None,
        )


def _renewed(check: OnboardingCheck, checks: list[OnboardingCheck]) -> bool:
    """Whether another check of the same kind lasts beyond this one (it was renewed)."""
    assert check.expires_on is not None
    return any(
        other.pk != check.pk
        and other.kind == check.kind
        and (other.expires_on is None or other.expires_on > check.expires_on)
        for other in checks
    )


@dataclass(frozen=True)
class ExpiryWarnings:
    checks: int  # checks warned of
    people: int  # people told (the partner and coordinators, each once per check)


def _coordinators(partner: Partner) -> list[User]:
    seen: dict[Any, User] = {}
    for role in partner.roles.all():
        coordinator = role.coordinator
        if coordinator.is_active:
            seen.setdefault(coordinator.pk, coordinator)
    return list(seen.values())


def check_expiry_warn(
    *, actor: Any = None, today: date | None = None, days: int = WARN_DAYS_BEFORE
) -> ExpiryWarnings:
    """Warn of every active partner's check that expires within `days` days of `today` (today
    included) and was not renewed: the partner and their roles' coordinators are told, once
    (`expiry_warned_at` is set, and a warned check is never warned of again)."""
    actor = actor or system_actor("warning of onboarding checks about to expire")
    if days < 0:
        raise ValueError("Warn a number of days before, not after.")
    today = today or timezone.localdate()
    due = (
        OnboardingCheck.objects.filter(
            partner__is_active=True,
            expiry_warned_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=days),
        )
        .select_related("partner__student__user", "partner__organisation")
        .order_by("expires_on")
    )
    warned = 0
    people = 0
    for check in due:
        partner = check.partner
        all_checks = list(partner.checks.all())
        if _renewed(check, all_checks):
            continue
        assert check.expires_on is not None
        context = {
            "check": check.get_kind_display(),
            "expires_on": check.expires_on,
            "days": (check.expires_on - today).days,
            "provider": partner.organisation.name,
            "student": partner.student.display_name,
        }
        with transaction.atomic():
            claimed = OnboardingCheck.objects.filter(
                pk=check.pk, expiry_warned_at__isnull=True
            ).update(expiry_warned_at=timezone.now())
            if not claimed:  # another run warned of it meanwhile
                continue
            people += notify_student(
                partner.student,
                template="partners/check_expiring",
                context={**context, "for_student": True},
                link=reverse("partners:my_work"),
            )
            for coordinator in _coordinators(partner):
                notify(
                    template="partners/check_expiring",
                    category=Category.UPDATES,
                    user=coordinator,
                    context={**context, "for_student": False},
                    link=reverse("partners:partner", kwargs={"partner_id": partner.pk}),
                )
                people += 1
        warned += 1
    return ExpiryWarnings(checks=warned, people=people)
