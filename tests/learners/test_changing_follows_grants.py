"""Booking a learner onto an event and enrolling them on a programme are changes to the learner,
decided by the learners policy with the capability each needs (`events.organise`,
`programmes.enrol`) from the registry: change a role's grants there and both follow, with no list
of roles kept anywhere else."""

from __future__ import annotations

import pytest

from widen.accounts import capabilities
from widen.accounts.capabilities import Capability
from widen.accounts.models import Role
from widen.events.permissions import event_policy
from widen.learners.permissions import learner_policy
from widen.programmes.permissions import enrollable_by, may_change_enrolments_of
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _without(monkeypatch: pytest.MonkeyPatch, role: str, capability: Capability) -> None:
    grants = dict(capabilities.GRANTS)
    grants[role] = grants[role] - {capability}
    monkeypatch.setattr(capabilities, "GRANTS", grants)


def _books(world: World, role: str) -> bool:
    user = world.users[role]
    return event_policy.bookable_learners(user).filter(pk=world.learner_alpha.pk).exists()


def _enrols(world: World, role: str) -> bool:
    user = world.users[role]
    return may_change_enrolments_of(user, world.learner_alpha)


def test_an_outreach_officer_books_and_enrols_the_learners_their_organisation_holds(
    world: World,
) -> None:
    assert _books(world, Role.OUTREACH_OFFICER)
    assert _enrols(world, Role.OUTREACH_OFFICER)
    # Never a partner's learner seen under an agreement, nor another partnership's.
    officer = world.users[Role.OUTREACH_OFFICER]
    for learner in (world.learner_beta, world.learner_gamma):
        assert not event_policy.bookable_learners(officer).filter(pk=learner.pk).exists()
        assert not enrollable_by(officer).filter(pk=learner.pk).exists()


def test_a_role_the_registry_stops_granting_organise_no_longer_books_but_still_enrols(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without(monkeypatch, Role.OUTREACH_OFFICER, Capability.EVENTS_ORGANISE)

    assert not _books(world, Role.OUTREACH_OFFICER)
    assert _enrols(world, Role.OUTREACH_OFFICER)
    assert _books(world, Role.ORGANISATION_ADMIN)  # other roles keep what they were granted


def test_a_role_the_registry_stops_granting_enrol_no_longer_enrols_but_still_books(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without(monkeypatch, Role.OUTREACH_OFFICER, Capability.PROGRAMMES_ENROL)

    assert not _enrols(world, Role.OUTREACH_OFFICER)
    assert _books(world, Role.OUTREACH_OFFICER)
    assert _enrols(world, Role.ORGANISATION_ADMIN)


def test_a_role_granted_organise_books_only_if_it_also_edits_learners(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Booking someone onto an event changes their records: a role that organises events but
    # does not edit learners books nobody.
    grants = dict(capabilities.GRANTS)
    grants[Role.READ_ONLY] = frozenset({Capability.EVENTS_ORGANISE, Capability.PROGRAMMES_ENROL})
    monkeypatch.setattr(capabilities, "GRANTS", grants)

    assert not _books(world, Role.READ_ONLY)
    assert not _enrols(world, Role.READ_ONLY)


def test_changing_a_learner_is_asked_by_capability_not_by_a_list_of_roles(world: World) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    with pytest.raises(TypeError):
        learner_policy.changeable_by(officer, roles=[Role.OUTREACH_OFFICER])  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        learner_policy.may_change(  # type: ignore[call-arg]
            officer, world.learner_alpha, roles=[Role.OUTREACH_OFFICER]
        )
