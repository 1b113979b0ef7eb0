"""A valid body of the benefits API's write with a date (a new opportunity, members first until
a day), for the bad-input campaign (tests/test_api_inputs.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.schemes import FIRST_IN_FAMILY, make_scheme
from widen.accounts.models import Role
from widen.support.models import Benefit
from widen.testing.world import World

BENEFIT_OPERATIONS = {"support_scheme_benefit_add"}


def benefit_input_case(world: World) -> tuple[str, str, dict[str, Any], str, Callable[[], int]]:
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="Benefits input scheme")
    body = {
        "kind": "opportunity",
        "title": "Paid summer internships",
        "offered_by": "Careers service",
        "members_first_until": "2026-12-31",
    }
    path = f"/api/v1/support/schemes/{scheme.pk}/benefits"
    return "POST", path, body, Role.OUTREACH_OFFICER, Benefit.objects.count
