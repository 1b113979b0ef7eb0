"""The learner list page answers as before while it costs less: who is offered "Add a learner",
and which learners a page shows, in what order."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from widen.accounts.models import Role
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.testing.world import World


@pytest.mark.parametrize("role", list(Role.values))
def test_add_a_learner_is_offered_exactly_where_the_person_may_record_one(
    world: World, client_for: Callable[..., Client], role: str
) -> None:
    user = world.users[role]
    page = client_for(user).get("/learners/")
    assert page.status_code == 200
    may_create = learner_policy.organisations_for_create(user).exists()
    assert ("Add a learner" in page.content.decode()) is may_create


def test_each_page_shows_the_next_learners_by_name_and_no_one_twice(
    world: World, client_for: Callable[..., Client]
) -> None:
    user = world.users[Role.OUTREACH_OFFICER]
    Learner.objects.bulk_create(
        Learner(
            organisation=world.alpha,
            school=world.school,
            first_name="Pupil",
            last_name=f"Surname{number:03d}",
            date_of_birth=world.learner_alpha.date_of_birth,
        )
        for number in range(60)
    )
    client = client_for(user)
    shown: list[str] = []
    for page in (1, 2):
        answer = client.get("/learners/", {"page": page})
        assert answer.status_code == 200
        rows = [learner.last_name for learner in _learners_on(answer)]
        shown += rows
    expected = list(
        learner_policy.visible_to(user)
        .order_by("last_name", "first_name", "id")
        .values_list("last_name", flat=True)
    )
    assert shown == expected[: len(shown)]
    assert len(shown) == min(len(expected), 100)


def _learners_on(answer: object) -> list[Learner]:
    rows = answer.context["rows"]  # type: ignore[attr-defined]
    return [row["learner"] for row in rows]
