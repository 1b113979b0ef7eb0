"""The learners policy asks the capability registry who edits learners and who sees the audit:
change a role's grants there and the policy follows, with no second list of roles to forget."""

from __future__ import annotations

import pytest

from widen.accounts import capabilities
from widen.accounts.capabilities import Capability
from widen.accounts.models import Role
from widen.learners.permissions import learner_policy
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _without(monkeypatch: pytest.MonkeyPatch, role: str, capability: Capability) -> None:
    grants = dict(capabilities.GRANTS)
    grants[role] = grants[role] - {capability}
    monkeypatch.setattr(capabilities, "GRANTS", grants)


def test_an_outreach_officer_edits_the_learners_their_organisation_holds(world: World) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    access = learner_policy.access(officer, world.learner_alpha)
    assert access is not None
    assert access.can_edit
    assert learner_policy.may(officer, "change", world.learner_alpha)
    assert world.alpha in learner_policy.organisations_for_create(officer)


def test_a_role_the_registry_stops_granting_edit_no_longer_edits(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without(monkeypatch, Role.OUTREACH_OFFICER, Capability.LEARNERS_EDIT)
    officer = world.users[Role.OUTREACH_OFFICER]

    access = learner_policy.access(officer, world.learner_alpha)

    assert access is not None  # still seen
    assert not access.can_edit
    assert not learner_policy.may(officer, "change", world.learner_alpha)
    assert not learner_policy.may_create_any(officer)
    assert not learner_policy.organisations_for_create(officer).exists()
    assert learner_policy.creatable_fields(officer, world.alpha) == ()


def test_the_audit_is_seen_by_the_roles_the_registry_grants_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = world.users[Role.ORGANISATION_ADMIN]
    before = learner_policy.access(admin, world.learner_alpha)
    assert before is not None
    assert before.can_see_audit

    _without(monkeypatch, Role.ORGANISATION_ADMIN, Capability.AUDIT_SEE)
    after = learner_policy.access(admin, world.learner_alpha)

    assert after is not None
    assert not after.can_see_audit
