"""Valid bodies of the benefits API's writes with a date, for the bad-input campaign
(tests/test_api_inputs.py): a new opportunity, members first until a day, and a change of an
opportunity's title and that day."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.schemes import FIRST_IN_FAMILY, make_scheme
from widen.accounts.models import Role
from widen.core import request_context
from widen.support.models import Benefit, BenefitKind
from widen.testing.world import World

BENEFIT_OPERATIONS = {"support_scheme_benefit_add", "support_scheme_benefit_update"}


def benefit_input_case(
    world: World, operation_id: str = "support_scheme_benefit_add"
) -> tuple[str, str, dict[str, Any], str, Callable[[], Any]]:
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="Benefits input scheme")
    path = f"/api/v1/support/schemes/{scheme.pk}/benefits"
    if operation_id == "support_scheme_benefit_update":
        with request_context.bind(source="test"):
            benefit = Benefit.objects.create(
                scheme=scheme,
                kind=BenefitKind.OPPORTUNITY,
                title="Paid summer internships",
                offered_by="Careers service",
            )
        body = {"title": "Paid summer internships 2027", "members_first_until": "2026-12-31"}
        return (
            "PATCH",
            f"{path}/{benefit.pk}",
            body,
            Role.OUTREACH_OFFICER,
            lambda: Benefit.objects.filter(pk=benefit.pk).values().get(),
        )
    body = {
        "kind": "opportunity",
        "title": "Paid summer internships",
        "offered_by": "Careers service",
        "members_first_until": "2026-12-31",
    }
    return "POST", path, body, Role.OUTREACH_OFFICER, Benefit.objects.count
