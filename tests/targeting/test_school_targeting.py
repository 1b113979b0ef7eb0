"""School targeting: schools ranked by the share of learners a rule set is for, with GIAS % FSM,
the target schools not reached yet, filters, sorting and the CSV download."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.core import request_context
from widen.learners.models import Learner
from widen.organisations.models import Organisation, OrganisationType
from widen.reference.services import dataset_load
from widen.targeting.rule_sets import eligibility_compute, rule_set_create
from widen.targeting.schools import school_targeting
from widen.targeting.services import area_profiles_compute
from widen.testing.world import World

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
FSM = {"any": [{"all": [{"criterion": "free_school_meals"}]}]}


@pytest.fixture
def schools(world: World) -> dict[str, Organisation]:
    dataset_load("gias", DATA / "edubasealldata_newham_extract.csv", edition="24 May 2025")
    made = {}
    with request_context.bind(source="test"):
        for urn, name in (("102776", "Little Ilford School"), ("102782", "Plashet School")):
            made[name] = Organisation.objects.create(
                name=name,
                organisation_type=OrganisationType.SCHOOL,
                urn=urn,
                local_authority="Newham",
                phase="Secondary",
            )
        for number, (school, fsm) in enumerate(
            [("Little Ilford School", True)] * 3
            + [("Little Ilford School", False)]
            + [("Plashet School", True), ("Plashet School", False)]
        ):
            Learner.objects.create(
                organisation=world.alpha,
                school=made[school],
                first_name="Pupil",
                last_name=f"Number{number}",
                date_of_birth=world.learner_alpha.date_of_birth,
                free_school_meals=fsm,
            )
    area_profiles_compute()
    return made


def test_schools_rank_by_share_eligible_and_list_the_ones_not_reached(
    world: World, schools: dict[str, Organisation]
) -> None:
    rule_set = rule_set_create(
        actor=system_actor("test"), partnership=world.north, name="FSM", definition=FSM
    )
    eligibility_compute(rule_set)
    rows = school_targeting(world.north, rule_set, actor=system_actor("test"))
    reached = [
        (row.name, row.learners, row.eligible, row.share_text) for row in rows if row.reached
    ]
    assert reached == [
        ("Sixth Form School", 3, 3, "100%"),  # the world's school: three learners, all on FSM
        ("Little Ilford School", 4, 3, "75%"),
        ("Plashet School", 2, 1, "50%"),
    ]
    not_reached = [(row.name, str(row.percentage_fsm)) for row in rows if not row.reached]
    # Newham's other secondary schools in GIAS, most free school meals first.
    assert not_reached == [
        ("Kingsford Community School", "44.3"),
        ("St Bonaventure's RC School", "34.0"),
        ("St Angela's Ursuline School", "32.8"),
    ]
    by_fsm = school_targeting(world.north, rule_set, sort="fsm", actor=system_actor("t"))
    first_two = [row.name for row in by_fsm[:2]]
    assert first_two == ["Kingsford Community School", "Little Ilford School"]


def test_the_page_filters_sorts_and_downloads_the_table(
    world: World, schools: dict[str, Organisation], client_for: Callable[..., Client]
) -> None:
    rule_set = rule_set_create(
        actor=system_actor("test"), partnership=world.north, name="FSM", definition=FSM
    )
    eligibility_compute(rule_set)
    client = client_for(world.users[Role.READ_ONLY])
    response = client.get(reverse("targeting:schools"), {"rule_set": str(rule_set.pk)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Little Ilford School" in page
    assert "Kingsford Community School" in page
    assert "Number0" not in page  # counts only, never a learner
    response = client.get(
        reverse("targeting:schools"),
        {"rule_set": str(rule_set.pk), "sort": "name", "format": "csv"},
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "school-targeting.csv" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:6] == [
        "School or college",
        "URN",
        "Local authority",
        "Phase",
        "Learners",
        "Eligible (FSM)",
    ]
    names = [row[0] for row in rows[1:]]
    assert names == sorted(names, key=str.casefold)
    assert rows[names.index("Little Ilford School") + 1][:7] == [
        "Little Ilford School",
        "102776",
        "Newham",
        "Secondary",
        "4",
        "3",
        "75%",
    ]
