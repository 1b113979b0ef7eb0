"""A student's own awards: what they are offered and awarded, each instalment's day, amount and
what became of it, and what has been paid. Only their own (a manager's sight of an award is
not enough here): reads start from the awards policy and the student's own records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from widen.students.mine.selectors import my_students
from widen.students.models import IncomeBand
from widen.support.models import Award, AwardStatus, Instalment, InstalmentStatus
from widen.support.permissions import RESPOND, award_policy


def income_band_label(award: Award) -> str:
    """The household income band the award's amount came from, in words ("" for a fixed
    amount)."""
    band = award.income_band
    return IncomeBand(band).label if band in IncomeBand.values else band


def my_awards(*, actor: Any) -> QuerySet[Award]:
    """The signed-in student's awards, newest year first, each with its instalments."""
    return (
        award_policy.visible_to(actor)
        .filter(student__in=my_students(actor=actor))
        .select_related("award_scheme__organisation", "student")
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
        .order_by("-award_scheme__academic_year", "award_scheme__name", "pk")
    )


def my_award_get(*, actor: Any, award_id: Any) -> Award:
    """One of the student's own awards, or `NotFound` (another student's, a manager's sight)."""
    return award_policy.get(actor, award_id, action=RESPOND)


@dataclass
class AwardSummary:
    """One award as its student sees it: paid so far, still to come, held."""

    award: Award
    instalments: list[Instalment] = field(default_factory=list)
    paid_pence: int = 0
    to_come_pence: int = 0
    held_pence: int = 0

    @property
    def income_band(self) -> str:
        return income_band_label(self.award)


def award_summary(award: Award) -> AwardSummary:
    instalments = list(award.instalments.all())
    summary = AwardSummary(award=award, instalments=instalments)
    for instalment in instalments:
        if instalment.status == InstalmentStatus.PAID:
            summary.paid_pence += instalment.amount_pence
        elif instalment.status == InstalmentStatus.HELD:
            summary.held_pence += instalment.amount_pence
        elif instalment.status in {InstalmentStatus.SCHEDULED, InstalmentStatus.DUE}:
            summary.to_come_pence += instalment.amount_pence
    return summary


@dataclass
class MyAwards:
    offered: list[AwardSummary]
    current: list[AwardSummary]
    earlier: list[AwardSummary]

    @property
    def paid_pence(self) -> int:
        return sum(s.paid_pence for s in (*self.offered, *self.current, *self.earlier))

    @property
    def any(self) -> bool:
        return bool(self.offered or self.current or self.earlier)


def my_awards_by_state(*, actor: Any) -> MyAwards:
    """The student's awards: offered (to answer), current (being paid) and earlier (paid in
    full, declined or stopped)."""
    summaries = [award_summary(award) for award in my_awards(actor=actor)]
    return MyAwards(
        offered=[s for s in summaries if s.award.status == AwardStatus.OFFERED],
        current=[s for s in summaries if s.award.status == AwardStatus.ACCEPTED],
        earlier=[
            s
            for s in summaries
            if s.award.status in {AwardStatus.COMPLETED, AwardStatus.DECLINED, AwardStatus.STOPPED}
        ],
    )
