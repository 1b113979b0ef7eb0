"""A rule set whose conditions read open data that is not loaded says so on its page, with the
exact command that loads it; one worked out with synthetic values says they are not official."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.targeting.support import DATA, IOD2019, english_areas_loaded
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.reference.services import dataset_load
from widen.targeting.rule_sets import eligibility_compute, rule_set_create
from widen.testing.world import World

pytestmark = pytest.mark.django_db
POLAR4_OR_IMD = {
    "any": [
        {"all": [{"criterion": "polar4_quintile", "values": [1, 2]}]},
        {"all": [{"criterion": "imd_quintile", "values": [1, 2]}]},
    ]
}
FSM = {"any": [{"all": [{"criterion": "free_school_meals"}]}]}


def page(world: World, client_for: Callable[..., Client], definition: dict, name: str) -> str:
    rule_set = rule_set_create(
        actor=system_actor("test"),
        partnership=world.north,
        name=name,
        purpose="",
        definition=definition,
    )
    eligibility_compute(rule_set)
    client = client_for(world.users[Role.OUTREACH_OFFICER])
    response = client.get(reverse("targeting:rule_set", args=[rule_set.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_names_each_unloaded_dataset_with_the_command_that_loads_it(
    world: World, client_for: Callable[..., Client]
) -> None:
    dataset_load("iod2019", IOD2019)
    html = page(world, client_for, POLAR4_OR_IMD, "POLAR4 or IMD")
    assert "OfS postcode look-up (POLAR4, TUNDRA, Uni Connect target wards) is not loaded" in html
    assert "no learner can meet POLAR4 quintile" in html
    assert "<code>widen data load ofs PATH</code>" in html
    assert "ONS postcode directory (postcode → OA, LSOA, MSOA) is not loaded" in html
    assert "<code>widen data load postcodes PATH</code>" in html
    listing = (
        client_for(world.users[Role.OUTREACH_OFFICER])
        .get(reverse("targeting:rule_sets"))
        .content.decode()
    )
    assert (
        "Needs data that is not loaded: OfS postcode look-up (POLAR4, TUNDRA, Uni Connect target "
        "wards); ONS postcode directory" in listing
    )
    # Loaded: IoD2019 is not named as missing.
    assert "Indices of Deprivation 2019 (IMD, IDACI) is not loaded" not in html
    assert "widen data fetch iod2019" not in html


def test_a_rule_set_on_recorded_facts_alone_needs_no_open_data(
    world: World, client_for: Callable[..., Client]
) -> None:
    html = page(world, client_for, FSM, "FSM")
    assert "is not loaded" not in html
    assert "Synthetic values" not in html


def test_synthetic_values_are_said_to_be_invented(
    world: World, client_for: Callable[..., Client]
) -> None:
    english_areas_loaded()
    dataset_load("ofs", DATA / "synthetic_ofs_postcode_lookup.csv", edition="Test", synthetic=True)
    html = page(world, client_for, POLAR4_OR_IMD, "POLAR4 or IMD")
    assert "is not loaded" not in html
    assert "Synthetic values, not official:" in html
    assert "synthetic_ofs_postcode_lookup.csv" in html
    assert "<code>widen data load ofs PATH</code>" in html
