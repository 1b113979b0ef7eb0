"""Other areas ask whether a student belongs to a support scheme without importing support."""

from __future__ import annotations

import pytest

from tests.students.records import make_student
from tests.support.awards import members
from tests.support.schemes import FIRST_IN_FAMILY, make_scheme
from widen.students.member_groups import belongs_to, member_group_name, member_groups_at
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_a_schemes_members_belong_to_it_and_nobody_else_does(world: World) -> None:
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="Stepping Up")
    make_scheme(world, FIRST_IN_FAMILY, name="Alpha bursary")
    member = make_student(world.alpha, "G1", "Gita")
    outsider = make_student(world.alpha, "G2", "Hal")
    members(world, scheme, member)
    key = f"support.scheme:{scheme.pk}"

    assert belongs_to(member, key)
    assert not belongs_to(outsider, key)
    assert belongs_to(outsider, "")  # a programme naming no group is open to every student
    assert not belongs_to(member, "support.scheme:not-a-scheme")
    assert not belongs_to(member, "elsewhere:1")
    assert [name for _, name in member_groups_at(world.alpha)] == [
        "Members of Alpha bursary",
        "Members of Stepping Up",
    ]
    assert member_groups_at(world.beta) == []
    assert member_group_name(world.alpha, key) == "Members of Stepping Up"
    assert member_group_name(world.beta, key) == ""
