"""Take-up of a scheme's benefits, for its managers: for each benefit, how many of the scheme's
members took it up, in all and by characteristic (first in family, household income, estranged,
young adult carer; care experienced and disabled only for someone who may see special category
data). Counts are of the members the person may see; a count under 5 is hidden, and so are as
many others in its table as needed for the hidden ones not to be worked out from the total."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from widen.core.small_numbers import complementary_suppression, count_text, suppressed
from widen.organisations.models import DataCategory
from widen.students.models import IncomeBand
from widen.students.permissions import student_policy
from widen.support.models import Benefit, BenefitUse, MembershipStatus, Scheme, SchemeMembership

WITHHELD = "withheld"
YES_NO = ((True, "Yes"), (False, "No"), (None, "Not said"))
CHARACTERISTICS: tuple[tuple[str, str, Sequence[tuple[Any, str]]], ...] = (
    ("first_in_family", "First in family", YES_NO),
    ("household_income_band", "Household income", (*IncomeBand.choices, ("", "Not said"))),
    ("estranged", "Estranged from their family", YES_NO),
    ("young_adult_carer", "Young adult carer", YES_NO),
)
SPECIAL_CHARACTERISTICS: tuple[tuple[str, str, Sequence[tuple[Any, str]]], ...] = (
    ("care_experienced", "Care experienced", YES_NO),
    ("disabled", "Disabled", YES_NO),
)


@dataclass(frozen=True)
class GroupRow:
    label: str
    took_up: str
    members: str


@dataclass(frozen=True)
class Breakdown:
    characteristic: str
    rows: list[GroupRow]


@dataclass(frozen=True)
class BenefitTakeUp:
    benefit: Benefit
    took_up: str
    members: str
    breakdowns: list[Breakdown]


def shown_counts(counts: Sequence[int]) -> list[str]:
    """Each count as shown in a table whose total is shown: under 5 "fewer than 5", and others
    "withheld" where needed so the hidden ones cannot be worked out by subtraction (all of them,
    when nothing less protects them)."""
    withheld, safe = complementary_suppression(counts)
    return [
        count_text(count)
        if suppressed(count) or (safe and index not in withheld)
        else WITHHELD
        if count
        else "0"
        for index, count in enumerate(counts)
    ]


def _members(actor: Any, scheme: Scheme, special: bool) -> list[dict[str, Any]]:
    seen = student_policy.visible_to(
        actor, needing=DataCategory.SPECIAL_CATEGORY if special else None
    ).filter(organisation_id=scheme.organisation_id)
    fields = [name for name, _, _ in (*CHARACTERISTICS, *SPECIAL_CHARACTERISTICS)]
    return list(
        SchemeMembership.objects.filter(
            scheme=scheme, status=MembershipStatus.MEMBER, student__in=seen
        ).values("student_id", *(f"student__{name}" for name in fields))
    )


def _sees_special_category(actor: Any, scheme: Scheme) -> bool:
    return (
        student_policy.visible_to(actor, needing=DataCategory.SPECIAL_CATEGORY)
        .filter(organisation_id=scheme.organisation_id)
        .exists()
    )


def _breakdown(
    name: str,
    label: str,
    groups: Sequence[tuple[Any, str]],
    members: list[dict[str, Any]],
    used: set[Any],
) -> Breakdown:
    key = f"student__{name}"
    member_counts, used_counts = [], []
    for value, _ in groups:
        if value == "" or value is None:
            inside = [m for m in members if m[key] in (None, "")]
        else:
            inside = [m for m in members if m[key] == value]
        member_counts.append(len(inside))
        used_counts.append(sum(1 for m in inside if m["student_id"] in used))
    took_up, of = shown_counts(used_counts), shown_counts(member_counts)
    rows = [GroupRow(text, took_up[i], of[i]) for i, (_, text) in enumerate(groups)]
    return Breakdown(label, rows)


def benefit_take_up_rows(
    *, actor: Any, scheme: Scheme, benefits: Sequence[Benefit]
) -> list[BenefitTakeUp]:
    """Each benefit with how many of the scheme's members took it up, in all and by
    characteristic (special category ones only for those who may see them)."""
    special = _sees_special_category(actor, scheme)
    members = _members(actor, scheme, special=False)
    special_members = _members(actor, scheme, special=True) if special else []
    uses: dict[Any, set[Any]] = {}
    for benefit_id, student_id in BenefitUse.objects.filter(benefit__in=benefits).values_list(
        "benefit_id", "student_id"
    ):
        uses.setdefault(benefit_id, set()).add(student_id)
    rows = []
    for benefit in benefits:
        used = uses.get(benefit.pk, set())
        breakdowns = [
            _breakdown(name, label, groups, members, used)
            for name, label, groups in CHARACTERISTICS
        ]
        breakdowns += [
            _breakdown(name, label, groups, special_members, used)
            for name, label, groups in (SPECIAL_CHARACTERISTICS if special else ())
        ]
        took_up = sum(1 for m in members if m["student_id"] in used)
        rows.append(
            BenefitTakeUp(benefit, count_text(took_up), count_text(len(members)), breakdowns)
        )
    return rows
