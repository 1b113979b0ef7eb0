"""Take-up of a scheme's benefit by characteristic hides a group of 1 or 2 ("fewer than 5"), and
withholds enough of the rest that the hidden group cannot be worked out from the total; care
experience and disability are shown only to someone who may see special category data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import signed_in_client
from tests.support.benefits import member_of, student
from tests.support.schemes import FIRST_IN_FAMILY, make_scheme
from widen.accounts.models import Role
from widen.core.small_numbers import SUPPRESSED
from widen.organisations.models import DataCategory
from widen.students.permissions import student_policy
from widen.support.models import Benefit, BenefitKind, BenefitUse
from widen.support.selectors.benefit_take_up import WITHHELD, benefit_take_up_rows, shown_counts
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_a_small_group_is_hidden_and_its_complement_withheld(world: World) -> None:
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="First in family network")
    benefit = Benefit.objects.create(
        scheme=scheme, kind=BenefitKind.OPPORTUNITY, title="Paid summer internships"
    )
    for number in range(12):
        first = number < 2
        member = student(scheme, f"S{number}", f"Sam{number}", first_in_family=first)
        member_of(scheme, member)
        if number in (0, 2, 3, 4, 5, 6, 7, 8):  # one first in family, seven not
            BenefitUse.objects.create(benefit=benefit, student=member)
    manager = world.users[Role.OUTREACH_OFFICER]

    (row,) = benefit_take_up_rows(actor=manager, scheme=scheme, benefits=[benefit])
    assert (row.took_up, row.members) == ("8", "12")
    first_in_family = next(b for b in row.breakdowns if b.characteristic == "First in family")
    shown = {group.label: (group.took_up, group.members) for group in first_in_family.rows}
    assert shown["Yes"] == (SUPPRESSED, SUPPRESSED)
    # "No" (7 of 10) would give "Yes" away by subtraction from 8 of 12: it is withheld.
    assert shown["No"] == (WITHHELD, WITHHELD)
    assert shown["Not said"] == ("0", "0")
    sees_special = (
        student_policy.visible_to(manager, needing=DataCategory.SPECIAL_CATEGORY)
        .filter(organisation_id=scheme.organisation_id)
        .exists()
    )
    labels = {b.characteristic for b in row.breakdowns}
    assert ("Care experienced" in labels) is sees_special
    assert ("Disabled" in labels) is sees_special

    page = signed_in_client(manager).get(reverse("support:scheme_benefits", args=[scheme.pk]))
    text = " ".join(page.content.decode().split())
    assert "Took it up: 8 of 12 members." in text
    assert ">7<" not in page.content.decode().replace(" ", "")


def test_nothing_is_withheld_when_no_group_is_small() -> None:
    assert shown_counts([6, 9, 0]) == ["6", "9", "0"]
    assert shown_counts([2, 6]) == [SUPPRESSED, WITHHELD]
