"""A student's own awards pages: the cells of "My awards", answering an award offered and its
letter.

Rules:
  my_awards_page      a student's own awards page: no staff role has a student record (404); a
                      student's own access is proved in tests/support/pages/test_my_award_pages.py
  my_award_own        accepting or declining one's own award, and its letter: staff 404, whatever
                      the award's provider (its award managers included); another student's award
                      is missing too (tests/support/pages/test_my_award_pages.py)
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from tests.authz.rules import Rule
from tests.students.records import make_student
from tests.support.matrix.schemes import _provider, _scheme
from widen.core import request_context
from widen.support.models import Award, AwardScheme, AwardStatus, Instalment
from widen.testing.world import World

RULES = {
    "my_awards_page": Rule({}),
    "my_award_own": Rule({}),
}

DAYS = [date(2025, 11, 17), date(2026, 2, 16)]


def _award(world: World, relation: str) -> Award:
    """A new offered award (one per cell: an allowed answer ends it) of a student of the
    relation's provider, from an award scheme for its support scheme's members."""
    provider = _provider(world, relation)
    with request_context.bind(source="test"):
        award_scheme, _ = AwardScheme.objects.get_or_create(
            organisation=provider,
            name="Matrix awards to answer",
            academic_year="2025/26",
            defaults={
                "scheme": _scheme(world, relation),
                "amount_pence": 90_000,
                "instalment_days": [day.isoformat() for day in DAYS],
            },
        )
        number = award_scheme.awards.count() + 1
        student = make_student(provider, f"MM{number}", "Mo", "Mine")
        now = timezone.now()
        award = Award.objects.create(
            award_scheme=award_scheme,
            student=student,
            amount_pence=90_000,
            status=AwardStatus.OFFERED,
            offered_at=now,
            status_changed_at=now,
        )
        for n, day in enumerate(DAYS, start=1):
            Instalment.objects.create(award=award, number=n, due_on=day, amount_pence=45_000)
    return award


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    if rule == "my_award_own":
        return {"award_id": _award(world, relation).pk}
    return {}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name in {"support:my_award_accept", "support:my_award_decline"}:
        return {}
    return None
