"""Adding a learner: the organisation that will hold them is one the learners policy lets the
person add learners to. A malformed, unknown or another's organisation is refused on the "Held
by" field with a message saying what to do, keeps what was typed, and saves nothing."""

from __future__ import annotations

import uuid

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from conftest import signed_in_client
from widen.accounts.models import Role
from widen.core.exceptions import NotFound
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.learners.services import learner_create
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db

NOT_YOURS = "Choose one of the organisations you may add learners to."


def _post(world: World, organisation: str) -> BeautifulSoup:
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    response = client.post(
        reverse("learners:create"),
        {
            "organisation": organisation,
            "first_name": "Nia",
            "last_name": "Newcomer",
            "date_of_birth": year_group_birthday(10).isoformat(),
        },
    )
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def _text(page: BeautifulSoup, selector: str) -> str:
    found = page.select_one(selector)
    assert found is not None, selector
    return found.get_text()


@pytest.mark.parametrize("which", ["malformed", "unknown", "partner", "other partnership"])
def test_an_organisation_not_theirs_to_add_to_is_refused_on_the_field(
    world: World, which: str
) -> None:
    organisation = {
        "malformed": "not-an-organisation",
        "unknown": str(uuid.uuid4()),
        "partner": str(world.beta.id),  # shares learners with Alpha, but is not the officer's
        "other partnership": str(world.gamma.id),
    }[which]

    page = _post(world, organisation)

    assert _text(page, "title").startswith("Error: ")
    assert NOT_YOURS in _text(page, "[data-error-summary]")
    assert NOT_YOURS in _text(page, "#id_organisation_error")
    last_name = page.select_one("input[name=last_name]")
    assert last_name is not None
    assert last_name["value"] == "Newcomer"  # nothing typed is lost
    assert not Learner.objects.filter(last_name="Newcomer").exists()


def test_no_organisation_chosen_says_to_choose_one(world: World) -> None:
    page = _post(world, "")

    message = "Choose the organisation that holds this learner."
    assert message in _text(page, "#id_organisation_error")
    assert not Learner.objects.filter(last_name="Newcomer").exists()


def test_their_own_organisation_holds_the_new_learner(world: World) -> None:
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    response = client.post(
        reverse("learners:create"),
        {
            "organisation": str(world.alpha.id),
            "first_name": "Nia",
            "last_name": "Newcomer",
            "date_of_birth": year_group_birthday(10).isoformat(),
        },
    )
    learner = Learner.objects.get(last_name="Newcomer")
    assert response.status_code == 302
    assert learner.organisation == world.alpha


def test_the_policy_finds_only_an_organisation_they_may_add_learners_to(world: World) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    assert learner_policy.organisation_for_create(officer, str(world.alpha.id)) == world.alpha
    for organisation_id in ("not-an-organisation", uuid.uuid4(), world.beta.id, None):
        with pytest.raises(NotFound):
            learner_policy.organisation_for_create(officer, organisation_id)
    reader = world.users[Role.READ_ONLY]  # sees Alpha's learners, adds none
    with pytest.raises(NotFound):
        learner_policy.organisation_for_create(reader, world.alpha.id)


def test_the_service_itself_refuses_an_organisation_they_may_not_add_to(world: World) -> None:
    """Whoever calls it (a page, the API, a future import), recording a learner in an
    organisation the person may not add learners to is refused and saves nothing."""
    details = {
        "first_name": "Nia",
        "last_name": "Newcomer",
        "date_of_birth": year_group_birthday(10),
    }
    cases = [
        (world.users[Role.OUTREACH_OFFICER], world.beta),  # a partner's organisation
        (world.users[Role.READ_ONLY], world.alpha),  # sees Alpha's learners, adds none
    ]
    for person, organisation in cases:
        with pytest.raises(NotFound):
            learner_create(
                organisation=organisation,
                school=None,
                details=details,
                allowed_fields=details.keys(),
                acting_user=person,
            )
    assert not Learner.objects.filter(last_name="Newcomer").exists()
