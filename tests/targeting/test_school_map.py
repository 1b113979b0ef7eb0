"""The map of schools: each school at its GIAS grid reference, coloured and sized by the chosen
measure (share of learners the rule set is for, or reach), with the same schools in a table."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
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
from widen.testing.world import World

pytestmark = pytest.mark.django_db
FSM = {"any": [{"all": [{"criterion": "free_school_meals"}]}]}
# GIAS's own headings, with its grid references (British National Grid, metres).
GIAS = """URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentTypeGroup (name),\
EstablishmentStatus (name),PhaseOfEducation (name),LA (name),Postcode,PercentageFSM,\
NumberOfPupils,Easting,Northing
102776,Little Ilford School,Community school,Local authority maintained schools,Open,\
Secondary,Newham,E12 6JB,39.7,1641,542700,185600
102782,Plashet School,Community school,Local authority maintained schools,Open,Secondary,\
Newham,E6 1DG,36.2,1487,542000,184000
132058,Kingsford Community School,Community school,Local authority maintained schools,Open,\
Secondary,Newham,E6 5JG,44.3,1559,543500,181000
100001,Sixth Form School,Community school,Local authority maintained schools,Open,Secondary,\
Newham,E15 1AA,20.0,900,,
"""
POINT = re.compile(
    r'<a class="map-point" href="([^"]*)" aria-label="([^":]*): ([^"]*)" data-band="(\w+)">'
    r'.*?<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" fill="(#\w+)"',
    re.S,
)


@pytest.fixture
def mapped(world: World, tmp_path: Path) -> World:
    path = tmp_path / "edubasealldata20250524.csv"
    path.write_text(GIAS, encoding="utf-8")
    dataset_load("gias", path)
    with request_context.bind(source="test"):
        schools = {
            name: Organisation.objects.create(
                name=name,
                organisation_type=OrganisationType.SCHOOL,
                urn=urn,
                local_authority="Newham",
                phase="Secondary",
            )
            for urn, name in (("102776", "Little Ilford School"), ("102782", "Plashet School"))
        }
        for school in schools.values():
            world.north.members.add(school)
        for number, (school, fsm) in enumerate(
            [("Little Ilford School", True)] * 3
            + [("Little Ilford School", False)]
            + [("Plashet School", False)] * 2
        ):
            Learner.objects.create(
                organisation=world.alpha,
                school=schools[school],
                first_name="Pupil",
                last_name=f"Number{number}",
                date_of_birth=world.learner_alpha.date_of_birth,
                free_school_meals=fsm,
            )
    rule_set = rule_set_create(
        actor=system_actor("test"), partnership=world.north, name="FSM", definition=FSM
    )
    eligibility_compute(rule_set)
    return world


def points(client: Client, **query: str) -> tuple[dict[str, tuple[str, ...]], str]:
    """The map's points, and the page."""
    response = client.get(reverse("targeting:map"), query)
    assert response.status_code == 200
    page = response.content.decode()
    # By name: (link, value in words, band, x, y, radius, fill).
    return {
        unescape(match[2]): (match[1], unescape(match[3]), *match.groups()[3:])
        for match in POINT.finditer(page)
    }, page


def test_places_each_school_at_its_grid_reference_north_up(
    mapped: World, client_for: Callable[..., Client]
) -> None:
    placed, page = points(client_for(mapped.users[Role.OUTREACH_OFFICER]))
    assert set(placed) == {"Little Ilford School", "Plashet School", "Kingsford Community School"}
    x = {name: float(point[3]) for name, point in placed.items()}
    y = {name: float(point[4]) for name, point in placed.items()}
    # Kingsford is east and south of Plashet; Little Ilford north of both.
    assert x["Kingsford Community School"] > x["Plashet School"]
    assert y["Kingsford Community School"] > y["Plashet School"] > y["Little Ilford School"]
    # One scale both ways: 1,600 m north equals 700 m east times 16/7.
    ratio = (y["Plashet School"] - y["Little Ilford School"]) / (
        x["Little Ilford School"] - x["Plashet School"]
    )
    assert ratio == pytest.approx(1600 / 700, rel=0.01)
    # No grid reference: listed in the table and named as not on the map.
    assert "Not on the map (no grid reference in GIAS): Sixth Form School" in page
    assert '<tr id="school-100001">' in page
    assert '<title id="map-title">' in page
    assert 'aria-describedby="map-description"' in page


def test_colours_and_sizes_by_the_measure_chosen(
    mapped: World, client_for: Callable[..., Client]
) -> None:
    client = client_for(mapped.users[Role.OUTREACH_OFFICER])
    share, page = points(client, measure="share")
    assert share["Little Ilford School"][1] == "75% of 4 learners the rule set is for"
    assert share["Little Ilford School"][2] == "q4"
    assert share["Plashet School"][2] == "q1"  # 0% of 2
    assert share["Kingsford Community School"][2] == "none"
    assert float(share["Little Ilford School"][5]) > float(share["Plashet School"][5])
    assert share["Little Ilford School"][6] != share["Plashet School"][6]
    assert "Share of learners the rule set is for</h2>" in page
    assert "No share (no learners yet, or none you may see) (1 school)" in page

    reach, page = points(client, measure="reach")
    assert reach["Little Ilford School"][1] == "4 of the partnership's learners you may see"
    assert reach["Little Ilford School"][2] == reach["Plashet School"][2] == "q1"
    assert reach["Kingsford Community School"][2] == "none"
    assert reach["Kingsford Community School"][1].startswith("not reached yet")
    assert reach["Kingsford Community School"][6] == "#ffffff"  # a white, dashed ring
    assert "Reach: the partnership&#x27;s learners at the school</h2>" in page
    assert "Not reached yet (no learners) (1 school)" in page


def test_members_link_to_their_page_and_others_to_their_row(
    mapped: World, client_for: Callable[..., Client]
) -> None:
    placed, _ = points(client_for(mapped.users[Role.READ_ONLY]))
    little_ilford = Organisation.objects.get(urn="102776")
    assert placed["Little Ilford School"][0] == f"/organisations/{little_ilford.pk}/"
    # Not a member: no page of its own here, so its point leads to its row of the table.
    assert placed["Kingsford Community School"][0] == "#school-132058"
