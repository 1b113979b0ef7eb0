"""Learners for the duplicate tests, recorded the way partners record them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from widen.accounts.models import Membership, Role, User
from widen.core import request_context
from widen.learners.models import Learner
from widen.organisations.models import Organisation
from widen.testing.world import World, make_user, riverside_academy, year_group_birthday

MakeLearner = Callable[..., Learner]


@pytest.fixture
def make_learner(world: World) -> MakeLearner:
    def make(
        first_name: str,
        last_name: str,
        *,
        holder: Organisation | None = None,
        born: date | None = None,
        postcode: str = "E15 1DA",
        school: Organisation | None | str = "world",
        upn: str = "",
    ) -> Learner:
        with request_context.bind(source="test"):
            return Learner.objects.create(
                organisation=holder or world.alpha,
                school=world.school if school == "world" else school,  # type: ignore[misc]
                first_name=first_name,
                last_name=last_name,
                date_of_birth=born or year_group_birthday(10),
                home_postcode=postcode,
                upn=upn,
            )

    return make


@pytest.fixture
def second_school(world: World) -> Organisation:
    """Another school in the partnership: a child who moved school is recorded by both."""
    return riverside_academy(world)


@pytest.fixture
def admin(world: World) -> User:
    """A partnership admin at Alpha University."""
    return world.users[Role.PARTNERSHIP_ADMIN]


@pytest.fixture
def admin_of_alpha_and_beta(world: World) -> User:
    """An admin of both universities, who may decide pairs spanning them."""
    user = make_user("both.admin", world.alpha, Role.ORGANISATION_ADMIN)
    Membership.objects.create(user=user, organisation=world.beta, role=Role.ORGANISATION_ADMIN)
    return user


def pending_pairs(**filters: Any) -> list[tuple[str, str]]:
    from widen.learners.models import DuplicateCandidate, DuplicateStatus  # noqa: PLC0415

    return sorted(
        tuple(sorted((pair.learner_one.display_name, pair.learner_two.display_name)))  # type: ignore[union-attr]
        for pair in DuplicateCandidate.objects.filter(
            status=DuplicateStatus.PENDING, **filters
        ).select_related("learner_one", "learner_two")
    )
