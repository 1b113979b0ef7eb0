"""Days out of pocket: exact medians and 95th percentiles per coordinator, provider and month on
a known set of claims, on the coordinator's page and in the API, for their own providers only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import api_call, signed_in_client
from tests.partners.factories import make_partner, make_role, make_shift
from widen.accounts.models import Role as StaffRole
from widen.core import request_context
from widen.partners.models import ClaimKind, ClaimStatus, ExpenseClaim, Partner, Shift
from widen.partners.out_of_pocket import median, out_of_pocket_report, percentile_95
from widen.testing.world import World, make_user

# Days out of pocket of the paid claims: coordinator A's (no shift named: the partner's role's
# coordinator) and coordinator B's (through their role's shift).
A_DAYS = [0, 2, 3, 5, 8, 13]
B_DAYS = [1, 4, 30]


def _paid(
    partner: Partner, days: int, paid_on: date, *, shift: Shift | None = None, **fields: Any
) -> ExpenseClaim:
    with request_context.bind(source="test"):
        return ExpenseClaim.objects.create(
            organisation=partner.organisation,
            partner=partner,
            purpose=f"Travel, {days} days",
            shift=shift,
            status=fields.pop("status", ClaimStatus.PAID),
            spent_on=paid_on - timedelta(days=days),
            paid_on=paid_on if fields.pop("paid", True) else None,
            total_pence=1000,
            submitted_at=timezone.now(),
            **fields,
        )


@pytest.fixture
def known_set(world: World) -> dict[str, Any]:
    coordinator_a = world.users[StaffRole.OUTREACH_OFFICER]
    with request_context.bind(source="test"):
        coordinator_b = make_user("coordinator.b", world.alpha, StaffRole.OUTREACH_OFFICER)
        coordinator_b.first_name, coordinator_b.last_name = "Bea", "Second"
        coordinator_b.save()
    role_a = make_role(world.alpha, coordinator_a, title="Ambassador")
    role_b = make_role(world.alpha, coordinator_b, title="Co-researcher")
    partner_a = make_partner(world.alpha, "OOP1", roles=(role_a,))
    partner_b = make_partner(world.alpha, "OOP2", roles=(role_a,))  # first role is A's
    shift_b = make_shift(role_b, date(2026, 10, 1))
    october, november = date(2026, 10, 20), date(2026, 11, 20)
    for days in A_DAYS:
        _paid(partner_a, days, october if days < 5 else november)
    for days in B_DAYS:
        _paid(partner_b, days, november, shift=shift_b)
    # Not counted: a draft, and an approved claim still unpaid (listed with its days so far).
    _paid(partner_a, 0, october, status=ClaimStatus.DRAFT, paid=False)
    waiting = _paid(
        partner_b,
        0,
        timezone.localdate() - timedelta(days=9),
        status=ClaimStatus.APPROVED,
        paid=False,
    )
    # Another provider's claim, never in Alpha's figures.
    other_role = make_role(world.beta, world.users[StaffRole.ORGANISATION_ADMIN])
    _paid(make_partner(world.beta, "OOPB", roles=(other_role,)), 99, november)
    return {"a": coordinator_a, "b": coordinator_b, "waiting": waiting}


def test_median_and_nearest_rank_95th_percentile() -> None:
    assert median([3, 1, 2]) == 2
    assert median([1, 2, 3, 10]) == 2.5
    assert percentile_95(list(range(1, 21))) == 19  # 95% of 20 is the 19th
    assert percentile_95(list(range(1, 22))) == 20  # of 21: 19.95 rounds up to the 20th
    assert percentile_95([7]) == 7
    assert (median([]), percentile_95([])) == (None, None)


def test_the_figures_per_coordinator_provider_and_month(known_set: dict[str, Any]) -> None:
    report = out_of_pocket_report(actor=known_set["a"], today=timezone.localdate())
    assert (report.overall.count, report.overall.median_days, report.overall.p95_days) == (
        9,
        4.0,
        30,
    )
    coordinators = {row.key: row for row in report.by_coordinator}
    a, b = coordinators[str(known_set["a"].pk)], coordinators[str(known_set["b"].pk)]
    assert (a.count, a.median_days, a.p95_days) == (6, 4.0, 13)
    assert (b.label, b.count, b.median_days, b.p95_days) == ("Bea Second", 3, 4.0, 30)
    assert [(row.label, row.count) for row in report.by_provider] == [("Alpha University", 9)]
    months = [(row.label, row.count, row.median_days, row.p95_days) for row in report.by_month]
    assert months == [("October 2026", 3, 2.0, 3), ("November 2026", 6, 6.5, 30)]
    assert [(item.claim, item.days_so_far) for item in report.unpaid] == [(known_set["waiting"], 9)]


def test_the_page_and_the_api_give_the_same_figures(world: World, known_set: Any) -> None:
    page = signed_in_client(known_set["a"]).get(reverse("partners:days_out_of_pocket"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bea Second" in text
    assert "November 2026" in text
    assert "6.5" in text
    token = world.tokens[StaffRole.OUTREACH_OFFICER]
    answer = api_call(token, "get", "/api/v1/partner-claims/days-out-of-pocket")
    assert answer.status_code == 200
    body = answer.json()
    assert body["overall"] == {
        "label": "Every paid claim",
        "key": "all",
        "count": 9,
        "median_days": 4.0,
        "p95_days": 30,
    }
    assert [row["count"] for row in body["by_month"]] == [3, 6]
    assert [item["days_so_far"] for item in body["unpaid"]] == [9]
    refused = api_call(token, "get", "/api/v1/partner-claims/days-out-of-pocket?month=2026-11")
    assert refused.status_code == 422


def test_another_providers_coordinator_sees_only_their_own(world: World, known_set: Any) -> None:
    with request_context.bind(source="test"):
        beta_coordinator = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    report = out_of_pocket_report(actor=beta_coordinator)
    assert (report.overall.count, report.overall.median_days) == (1, 99.0)
    assert report.unpaid == []


def test_those_who_do_not_coordinate_get_404(world: World, known_set: Any) -> None:
    evaluator = world.users[StaffRole.EVALUATOR]
    page = signed_in_client(evaluator).get(reverse("partners:days_out_of_pocket"))
    assert page.status_code == 404
    answer = api_call(
        world.tokens[StaffRole.EVALUATOR], "get", "/api/v1/partner-claims/days-out-of-pocket"
    )
    assert answer.status_code == 404
    assert out_of_pocket_report(actor=evaluator).overall.count == 0


def test_an_advance_paid_before_the_day_it_was_needed_counts_no_days(world: World) -> None:
    role = make_role(world.alpha, world.users[StaffRole.OUTREACH_OFFICER])
    partner = make_partner(world.alpha, "OOPADV", roles=(role,))
    advance = _paid(partner, -3, date(2026, 10, 1), kind=ClaimKind.ADVANCE)
    assert advance.days_out_of_pocket == 0
    report = out_of_pocket_report(actor=world.users[StaffRole.OUTREACH_OFFICER])
    assert (report.overall.count, report.overall.p95_days) == (1, 0)
