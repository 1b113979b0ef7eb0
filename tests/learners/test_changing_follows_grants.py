"""Booking a learner onto an event and enrolling them on a programme are changes to the learner,
decided by the learners policy with the capability each needs (`events.organise`,
`programmes.enrol`) from the registry: change a role's grants there and both follow, with no list
of roles kept anywhere else."""

from __future__ import annotations

from collections.abc import Callable

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


@pytest.mark.parametrize(
    ("taken", "lost", "kept"),
    [
        (Capability.EVENTS_ORGANISE, _books, _enrols),
        (Capability.PROGRAMMES_ENROL, _enrols, _books),
    ],
    ids=["organise: no longer books, still enrols", "enrol: no longer enrols, still books"],
)
def test_a_role_the_registry_stops_granting_a_capability_loses_only_what_it_gave(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    taken: Capability,
    lost: Callable[[World, str], bool],
    kept: Callable[[World, str], bool],
) -> None:
    _without(monkeypatch, Role.OUTREACH_OFFICER, taken)

    assert not lost(world, Role.OUTREACH_OFFICER)
    assert kept(world, Role.OUTREACH_OFFICER)
    assert lost(world, Role.ORGANISATION_ADMIN)  # other roles keep what they were granted


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
