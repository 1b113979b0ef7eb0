"""The reporting policy: whose figures a person sees, and which rule sets they may count by."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.core.exceptions import NotFound
from widen.programmes.models import Programme
from widen.reporting.exports import monitoring_export
from widen.reporting.permissions import EXPORT_MONITORING, reporting_policy
from widen.targeting.models import RuleSet, RuleSetVersion
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _rule_set(world: World, name: str, *, special: bool) -> RuleSet:
    rule_set = RuleSet.objects.create(partnership=world.north, name=name)
    RuleSetVersion.objects.create(
        rule_set=rule_set,
        number=1,
        definition={"any": [{"all": [{"criterion": "free_school_meals"}]}]},
        description=name,
        uses_special_category=special,
    )
    return rule_set


def test_a_member_of_the_partnership_sees_its_figures_and_no_one_else_does(world: World) -> None:
    for role in Role.values:
        person = world.users[role]
        assert list(reporting_policy.visible_to(person)) == [world.north], role
        assert reporting_policy.get(person, world.north.pk) == world.north
        assert reporting_policy.may(person, EXPORT_MONITORING, world.north)
        # Another partnership's figures answer exactly like figures that do not exist.
        for missing in (world.south.pk, uuid.uuid4(), "not-a-partnership"):
            with pytest.raises(NotFound):
                reporting_policy.get(person, missing)
        assert not reporting_policy.may(person, EXPORT_MONITORING, world.south)
    assert not reporting_policy.visible_to(AnonymousUser()).exists()
    assert set(reporting_policy.visible_to(system_actor("test"))) == {world.north, world.south}


def test_the_monitoring_export_of_another_partnership_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        monitoring_export(actor=world.users[Role.PARTNERSHIP_ADMIN], partnership=world.south)


def test_counting_by_a_rule_set_that_reads_special_category_data_is_for_those_who_see_it(
    world: World,
) -> None:
    plain = _rule_set(world, "Free school meals", special=False)
    special = _rule_set(world, "Care experienced", special=True)
    RuleSet.objects.create(partnership=world.south, name="South's own")
    officer = world.users[Role.OUTREACH_OFFICER]
    assert reporting_policy.rule_sets(officer, world.north) == [special, plain]
    # School staff see no learner's special category data: only the plain rule set is theirs.
    assert reporting_policy.rule_sets(world.users[Role.SCHOOL_STAFF], world.north) == [plain]
    assert reporting_policy.rule_sets(officer, world.south) == []


def test_programmes_are_those_of_a_partnership_the_person_sees(world: World) -> None:
    lpp = Programme.objects.create(partnership=world.north, name="LPP")
    Programme.objects.create(partnership=world.south, name="South's programme")
    officer = world.users[Role.OUTREACH_OFFICER]
    assert reporting_policy.programmes(officer, world.north) == [lpp]
    assert reporting_policy.programmes(officer, world.south) == []
