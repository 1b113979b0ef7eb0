"""Every read of expense claims and advances, scoped by `claim_policy`: a partner's own, and a
coordinator's queue of their own providers' submitted claims."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from widen.core.exceptions import NotFound
from widen.core.policy import VIEW
from widen.core.working_days import working_days_after
from widen.partners.expenses import partner_settings_of
from widen.partners.models import ClaimKind, ClaimStatus, ExpenseClaim, ExpenseLine, Partner, Shift
from widen.partners.permissions import (
    claim_policy,
    coordinated_providers,
    my_partners,
    shift_policy,
)
from widen.partners.services.claim_alerts import working_days_waiting
from widen.partners.services.claims import owed_back_pence


def _related(claims: QuerySet[ExpenseClaim]) -> QuerySet[ExpenseClaim]:
    return claims.select_related(
        "organisation", "partner__student", "shift__role", "event", "advance", "reconciled_by"
    )


def claim_get(*, actor: Any, claim_id: Any, action: str = VIEW) -> ExpenseClaim:
    """One claim `actor` sees (and may do `action` to), or `NotFound`."""
    claim = claim_policy.get(actor, claim_id, action=action)
    return _related(ExpenseClaim.objects.filter(pk=claim.pk)).get()


def my_partner_records(*, actor: Any) -> list[Partner]:
    return list(my_partners(actor).select_related("organisation", "student"))


def my_partner_get(*, actor: Any, partner_id: Any) -> Partner:
    try:
        found = my_partners(actor).select_related("organisation").filter(pk=partner_id).first()
    except (ValueError, TypeError) as error:
        raise NotFound from error
    if found is None:
        raise NotFound
    return found


def my_claims(*, actor: Any) -> QuerySet[ExpenseClaim]:
    """The signed-in partner's own claims and advances, newest first."""
    return _related(ExpenseClaim.objects.filter(partner__in=my_partners(actor))).order_by(
        "-created_at"
    )


def my_shifts_for_claims(*, actor: Any, partner: Partner) -> QuerySet[Shift]:
    """Shifts a partner may name on a claim or advance: their provider's shifts they see."""
    return (
        shift_policy.visible_to(actor)
        .filter(organisation=partner.organisation_id, cancelled_at__isnull=True)
        .select_related("event")
        .order_by("-starts_at")
    )


def receipt_line_get(*, actor: Any, line_id: Any) -> ExpenseLine:
    """A line with a receipt, on a claim `actor` may see; anyone else's answers `NotFound`."""
    try:
        line = (
            ExpenseLine.objects.filter(
                pk=line_id, claim__in=claim_policy.visible_to(actor).values("pk")
            )
            .exclude(receipt_name="")
            .select_related("claim")
            .first()
        )
    except (ValueError, TypeError) as error:
        raise NotFound from error
    if line is None:
        raise NotFound
    return line


def my_line_get(*, actor: Any, line_id: Any) -> ExpenseLine:
    """A cost on a claim of the actor's own that they may still change; else `NotFound`."""
    try:
        line = (
            ExpenseLine.objects.filter(pk=line_id, claim__partner__in=my_partners(actor))
            .select_related("claim")
            .first()
        )
    except (ValueError, TypeError) as error:
        raise NotFound from error
    if line is None or not line.claim.partner_may_change:
        raise NotFound
    return line


@dataclass(frozen=True)
class Owed:
    """What a claim means for the partner's money, in their words."""

    claim: ExpenseClaim
    to_you_pence: int
    owed_back_pence: int
    arrives_by: date | None
    said: str


def claim_owed(claim: ExpenseClaim, *, today: date | None = None) -> Owed:
    """What is owed on `claim` and when it will arrive (by the provider's promise, counted in
    working days from sending)."""
    today = today or timezone.localdate()
    back = owed_back_pence(claim)
    to_you = claim.total_pence
    if claim.advance_id is not None and claim.advance is not None:
        to_you = max(0, claim.total_pence - claim.advance.total_pence)
    arrives_by = None
    if claim.status in (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED) and claim.submitted_at:
        promised = partner_settings_of(claim.organisation_id).repayment_working_days
        arrives_by = working_days_after(timezone.localdate(claim.submitted_at), promised)
    if claim.is_paid:
        said = f"Paid on {claim.paid_on:%-d %B %Y}" if claim.paid_on else "Paid"
        if back:
            said = "Settled: nothing more to pay you"
    elif claim.is_draft:
        said = "Not sent yet"
    elif claim.is_queried:
        said = "Your coordinator has a question: answer it and send the claim again"
    elif arrives_by is not None:
        when = "today" if arrives_by == today else f"by {arrives_by:%-d %B %Y}"
        if arrives_by < today:
            when = f"it was due by {arrives_by:%-d %B %Y}, and your coordinator has been told"
        said = f"Should reach your bank {when}"
    else:
        said = ""
    return Owed(
        claim=claim, to_you_pence=to_you, owed_back_pence=back, arrives_by=arrives_by, said=said
    )


def reconcilable_advances(*, actor: Any) -> QuerySet[ExpenseClaim]:
    """The partner's approved or paid advances not yet reconciled by a claim."""
    return my_claims(actor=actor).filter(
        kind=ClaimKind.ADVANCE,
        status__in=(ClaimStatus.APPROVED, ClaimStatus.PAID),
        reconciled_by__isnull=True,
    )


@dataclass(frozen=True)
class Waiting:
    claim: ExpenseClaim
    working_days: int


def claims_queue(*, actor: Any, today: date | None = None) -> list[Waiting]:
    """A coordinator's claims: submitted first (oldest first), then queried and approved ones
    waiting for payment; with the working days each has waited since it was sent."""
    today = today or timezone.localdate()
    claims = (
        _related(
            claim_policy.visible_to(actor).filter(
                organisation__in=coordinated_providers(actor),
                status__in=(ClaimStatus.SUBMITTED, ClaimStatus.QUERIED, ClaimStatus.APPROVED),
            )
        )
        .annotate(
            waiting_order=Case(
                When(status=ClaimStatus.SUBMITTED, then=Value(0)),
                When(status=ClaimStatus.APPROVED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting_order", "submitted_at", "created_at")
    )
    return [
        Waiting(claim=claim, working_days=working_days_waiting(claim, today)) for claim in claims
    ]
