"""Which onboarding checks a partner needs on a day, and which of them they lack.

Everyone needs the right to work; work with under-18s needs a DBS check; a role that needs
training needs the training. A check counts on a day when it was completed on or before it and
has not expired: a check that expires on a day no longer counts on that day.

`checks_missing` reads `partner.checks.all()`, so a caller looking at many partners at once
prefetches them (`Partner.objects.prefetch_related("checks")`) and it asks nothing more of the
database; `checks_missing_from` takes the checks themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from widen.partners.models import CheckKind, OnboardingCheck, Partner


def checks_needed(*, with_under_18s: bool, needs_training: bool) -> list[str]:
    """The kinds of check a piece of work needs, in the order they are named."""
    needed: list[str] = [CheckKind.RIGHT_TO_WORK]
    if with_under_18s:
        needed.append(CheckKind.DBS)
    if needs_training:
        needed.append(CheckKind.TRAINING)
    return needed


def check_counts_on(check: OnboardingCheck, day: date) -> bool:
    return check.completed_on <= day and (check.expires_on is None or day < check.expires_on)


def checks_missing_from(
    checks: Iterable[OnboardingCheck], on_day: date, *, with_under_18s: bool, needs_training: bool
) -> list[str]:
    """What is missing of the checks needed on `on_day`, in words: "Right to work", or
    "Training (expired on 3 March 2027)" when the only one held has lapsed."""
    held = list(checks)
    missing: list[str] = []
    for kind in checks_needed(with_under_18s=with_under_18s, needs_training=needs_training):
        of_kind = [check for check in held if check.kind == kind]
        if any(check_counts_on(check, on_day) for check in of_kind):
            continue
        label = str(CheckKind(kind).label)
        lapsed = [
            check.expires_on
            for check in of_kind
            if check.expires_on is not None and check.expires_on <= on_day
        ]
        missing.append(f"{label} (expired on {max(lapsed):%-d %B %Y})" if lapsed else label)
    return missing


def checks_missing(
    partner: Partner, on_day: date, with_under_18s: bool, needs_training: bool
) -> list[str]:
    """The checks `partner` lacks for work on `on_day` (with under-18s, for a role that needs
    training or not), in words; empty when they may be offered the work."""
    return checks_missing_from(
        partner.checks.all(),
        on_day,
        with_under_18s=with_under_18s,
        needs_training=needs_training,
    )


def expiry_words(expires_on: date | None, today: date) -> str:
    """How a check's expiry reads on a partner's page."""
    if expires_on is None:
        return "Does not expire"
    days = (expires_on - today).days
    if days <= 0:
        return f"Expired on {expires_on:%-d %B %Y}"
    if days == 1:
        return "Expires tomorrow"
    return f"Expires in {days} days"
