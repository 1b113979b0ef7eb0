"""Who may manage rule sets, as the targeting policy decides: a role without the capability and a
person of another partnership meet 'not found' and change nothing; a learner's targeting shows
only the rule sets of the person's own partnerships; the system may do everything, and a service
asked to act for nobody refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import api_call, signed_in_client
from widen.accounts.capabilities import GRANTS, Capability, system_actor
from widen.accounts.models import Role, User
from widen.accounts.services import api_token_create
from widen.organisations.models import PartnershipMember
from widen.targeting.models import LearnerEligibility, RuleSet, RuleSetVersion
from widen.targeting.permissions import MANAGE, rule_set_policy
from widen.targeting.rule_sets import (
    eligibility_compute,
    rule_set_create,
    rule_set_presets_add,
    rule_set_preview,
    rule_set_update,
)
from widen.targeting.schools import school_targeting
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

SYSTEM = system_actor("test")
FSM = {"any": [{"all": [{"criterion": "free_school_meals"}]}]}


def _written() -> tuple[int, int]:
    return RuleSet.objects.count(), RuleSetVersion.objects.count()


def _api(user: User, method: str, path: str, body: Any = None) -> Any:
    token = api_token_create(user=user, name="policy test")[1]
    return api_call(token, method, f"/api/v1{path}", body)


@pytest.mark.parametrize("role", list(Role.values))
def test_each_role_manages_rule_sets_exactly_as_its_capabilities_say(
    world: World, role: str
) -> None:
    rule_set = rule_set_create(actor=SYSTEM, partnership=world.north, name="FSM", definition=FSM)
    user = world.users[role]
    manages = Capability.TARGETING_MANAGE in GRANTS[role]
    assert rule_set_policy.may(user, MANAGE, rule_set) == manages
    client = signed_in_client(user)
    edit = reverse("targeting:rule_set_edit", kwargs={"rule_set_id": rule_set.pk})
    assert client.get(edit).status_code == (200 if manages else 404)
    detail = reverse("targeting:rule_set", kwargs={"rule_set_id": rule_set.pk})
    assert client.get(detail).status_code == 200  # everyone in the partnership sees it


@pytest.mark.parametrize("role", [Role.OUTREACH_OFFICER, Role.ORGANISATION_ADMIN])
def test_a_role_without_the_capability_meets_not_found_and_changes_nothing(
    world: World, role: str
) -> None:
    rule_set = rule_set_create(actor=SYSTEM, partnership=world.north, name="FSM", definition=FSM)
    user = world.users[role]
    client = signed_in_client(user)
    before = _written()
    create = reverse("targeting:rule_set_create", kwargs={"partnership_id": world.north.pk})
    presets = reverse("targeting:rule_set_presets", kwargs={"partnership_id": world.north.pk})
    edit = reverse("targeting:rule_set_edit", kwargs={"rule_set_id": rule_set.pk})
    assert client.get(create).status_code == 404
    assert client.post(create, {"name": "Mine", "save": "1"}).status_code == 404
    assert client.post(presets).status_code == 404
    assert client.post(edit, {"save": "1"}).status_code == 404
    created = _api(
        user,
        "POST",
        "/rule-sets",
        {"partnership_id": str(world.north.pk), "name": "Mine", "definition": FSM},
    )
    assert created.status_code == 404
    version = _api(user, "POST", f"/rule-sets/{rule_set.pk}/versions", {"definition": FSM})
    assert version.status_code == 404
    assert _written() == before


def test_another_partnerships_admin_meets_not_found(world: World) -> None:
    rule_set = rule_set_create(actor=SYSTEM, partnership=world.north, name="FSM", definition=FSM)
    stranger = make_user("admin.gamma", world.gamma, Role.PARTNERSHIP_ADMIN)
    client = signed_in_client(stranger)
    for name in ("targeting:rule_set", "targeting:rule_set_edit"):
        assert client.get(reverse(name, kwargs={"rule_set_id": rule_set.pk})).status_code == 404
    assert _api(stranger, "GET", f"/rule-sets/{rule_set.pk}").status_code == 404
    refused = _api(stranger, "POST", f"/rule-sets/{rule_set.pk}/versions", {"definition": FSM})
    assert refused.status_code == 404
    assert rule_set.versions.count() == 1
    assert "FSM" not in client.get(reverse("targeting:rule_sets")).content.decode()


def test_a_learners_targeting_shows_only_the_rule_sets_of_the_persons_partnerships(
    world: World,
) -> None:
    # Alpha works in both partnerships; South's rule set is worked out for Alpha's learners.
    PartnershipMember.objects.create(partnership=world.south, organisation=world.alpha)
    south = rule_set_create(
        actor=SYSTEM, partnership=world.south, name="South free meals", definition=FSM
    )
    eligibility_compute(south)
    assert LearnerEligibility.objects.filter(rule_set=south, learner=world.learner_alpha).exists()
    url = reverse("targeting:learner", kwargs={"learner_id": world.learner_alpha.pk})
    alpha_admin = world.users[Role.PARTNERSHIP_ADMIN]
    assert "South free meals" in signed_in_client(alpha_admin).get(url).content.decode()
    # Beta sees Alpha's learner under North's agreement, and nothing of South's work.
    beta_admin = make_user("admin.beta", world.beta, Role.PARTNERSHIP_ADMIN)
    page = signed_in_client(beta_admin).get(url)
    assert page.status_code == 200
    assert world.learner_alpha.last_name in page.content.decode()
    assert "South free meals" not in page.content.decode()


def test_the_system_may_do_everything_and_nobody_nothing(world: World) -> None:
    rule_set = rule_set_create(actor=SYSTEM, partnership=world.north, name="FSM", definition=FSM)
    assert rule_set.current_version is not None
    assert rule_set.current_version.created_by is None  # no person made it
    rule_set_update(actor=SYSTEM, rule_set=rule_set, definition=FSM)
    added, _ = rule_set_presets_add(actor=SYSTEM, partnership=world.north)
    assert added
    eligibility_compute(rule_set)
    assert rule_set_preview(rule_set, FSM, actor=SYSTEM).learners == 3  # noqa: PLR2004
    assert rule_set_policy.may(SYSTEM, MANAGE, rule_set)
    before = _written()
    refused = {
        "rule_set_create": lambda: rule_set_create(
            actor=None, partnership=world.north, name="Other", definition=FSM
        ),
        "rule_set_update": lambda: rule_set_update(actor=None, rule_set=rule_set, definition=FSM),
        "rule_set_presets_add": lambda: rule_set_presets_add(actor=None, partnership=world.south),
        "rule_set_preview": lambda: rule_set_preview(rule_set, FSM, actor=None),
        "school_targeting": lambda: school_targeting(world.north, rule_set, actor=None),
    }
    for name, call in refused.items():
        with pytest.raises(TypeError, match="Say who is acting"):
            call()
        assert _written() == before, name
