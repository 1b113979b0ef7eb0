"""Valid bodies of the student support API's writes, for the bad-input campaign
(tests/test_api_inputs.py): each case is (method, path, body, role sending it, what counts the
rows a write adds)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from widen.accounts.models import Role
from widen.support.models import AwardScheme, Scheme
from widen.testing.world import World


def support_scheme_create_case(
    world: World,
) -> tuple[str, str, dict[str, Any], str, Callable[[], int]]:
    body = {
        "organisation_id": str(world.alpha.pk),
        "name": "Hardship fund",
        "period_starts": "2026-09-01",
        "period_ends": "2027-07-31",
        "definition": {"any": [{"all": [{"criterion": "first_in_family"}]}]},
    }
    return "POST", "/api/v1/support/schemes", body, Role.OUTREACH_OFFICER, Scheme.objects.count


def support_award_scheme_create_case(
    world: World,
) -> tuple[str, str, dict[str, Any], str, Callable[[], int]]:
    """An adviser's new award scheme for the members of one of Alpha's support schemes."""
    from tests.support.schemes import FIRST_IN_FAMILY, make_scheme  # noqa: PLC0415

    scheme = make_scheme(world, FIRST_IN_FAMILY, name="Inputs scheme")
    body = {
        "organisation_id": str(world.alpha.pk),
        "scheme_id": str(scheme.pk),
        "name": "Inputs bursary",
        "academic_year": "2026/27",
        "amount_pence": 100_000,
        "instalment_days": ["2026-11-16", "2027-02-15"],
    }
    return (
        "POST",
        "/api/v1/support/award-schemes",
        body,
        Role.STUDENT_SUPPORT_ADVISER,
        AwardScheme.objects.count,
    )
