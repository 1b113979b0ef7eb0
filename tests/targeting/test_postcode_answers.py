"""Postcodes the look-up must explain: no area, outside the UK's statistics, Northern Ireland,
terminated with no area, and a letter typed for a digit.

`data/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_edge_cases.csv` holds these rows of the ONS May 2022
lookup unchanged (see `data/ATTRIBUTION.md`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from widen.accounts.models import Role
from widen.core import request_context
from widen.learners.models import Learner
from widen.reference.frames import snapshot_path
from widen.reference.models import PostcodeArea
from widen.reference.services import current_edition, dataset_load
from widen.targeting.lookup import postcodes_look_up
from widen.targeting.models import LearnerAreaProfile, ProfileStatus
from widen.targeting.services import area_profiles_compute
from widen.testing.world import World

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
EDGE_CASES = DATA / "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_edge_cases.csv"


@pytest.fixture
def directory() -> None:
    dataset_load("postcodes", EDGE_CASES)
    dataset_load("iod2019", DATA / "File_3_-_IoD2019_Supplementary_Indices_extract.csv")


def look_up(postcode: str) -> Any:
    (answer,) = postcodes_look_up([postcode])
    return answer


def test_gir_0aa_is_found_and_said_to_have_no_area(directory: None) -> None:
    answer = look_up("GIR 0AA")
    assert answer.status == ProfileStatus.FOUND
    assert (answer.lsoa, answer.msoa, answer.explanation) == ("", "", [])
    assert "GIR 0AA is a non-geographic postcode with no area" in answer.reason


@pytest.mark.parametrize(
    ("postcode", "nation"),
    [("JE2 3AB", "Channel Islands"), ("GY1 1AA", "Channel Islands"), ("IM1 1AD", "Isle of Man")],
)
def test_crown_dependencies_get_no_placeholder_area_and_are_told_why(
    directory: None, postcode: str, nation: str
) -> None:
    answer = look_up(postcode)
    assert answer.nation == nation
    assert (answer.lsoa, answer.msoa, answer.ward) == ("", "", "")
    assert "99999999" not in json.dumps(answer.as_dict())
    assert "outside the UK's statistical geographies" in answer.reason
    assert "no deprivation measure" in answer.reason


def test_the_pseudo_codes_are_not_loaded_as_areas(directory: None) -> None:
    assert not PostcodeArea.objects.filter(lsoa__endswith="99999999").exists()
    assert not PostcodeArea.objects.filter(msoa__endswith="99999999").exists()
    jersey = PostcodeArea.objects.get(postcode="JE2 3AB")
    assert jersey.country == "L"
    belfast = PostcodeArea.objects.get(postcode="BT1 1AA")
    assert (belfast.country, belfast.lsoa, belfast.msoa) == ("N", "95GG20S1", "")


def test_northern_ireland_says_why_there_is_no_deprivation_measure(directory: None) -> None:
    answer = look_up("BT1 1AA")
    assert answer.nation == "Northern Ireland"
    assert answer.imd_decile is None
    assert "Northern Ireland's deprivation measure (NIMDM) is not loaded" in answer.reason


def test_a_terminated_postcode_with_no_area_does_not_claim_one(directory: None) -> None:
    answer = look_up("AB11 3AG")
    assert answer.status == ProfileStatus.TERMINATED
    assert "terminated in July 1997" in answer.reason
    assert "still resolves" not in answer.reason
    assert "no area" in answer.reason


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("SW1A OAA", "SW1A 0AA"),
        ("sw1a oaa", "SW1A 0AA"),
        ("SWIA 0AA", "SW1A 0AA"),
        ("EI 6AN", "E1 6AN"),
    ],
)
def test_a_letter_typed_for_a_digit_gets_did_you_mean(
    directory: None, typed: str, meant: str
) -> None:
    answer = look_up(typed)
    assert answer.status in ("invalid", ProfileStatus.NOT_FOUND)
    assert answer.suggestion == meant
    assert f"Did you mean {meant}?" in answer.reason


def test_no_suggestion_when_the_corrected_postcode_is_not_loaded(directory: None) -> None:
    answer = look_up("SW1A OAB")
    assert answer.suggestion == ""
    assert "Did you mean" not in answer.reason


def test_the_page_and_the_api_give_the_same_explanations(
    world: World, directory: None, client_for: Callable[..., Client]
) -> None:
    page = client_for(world.users[Role.READ_ONLY]).get(
        reverse("targeting:postcode_lookup"), {"postcodes": "SW1A OAA\nJE2 3AB\nGIR 0AA\nBT1 1AA"}
    )
    text = page.content.decode()
    assert "Did you mean SW1A 0AA?" in text
    assert '<a href="?postcodes=SW1A%200AA">Look up SW1A 0AA</a>' in text
    assert "outside the UK&#x27;s statistical geographies" in text
    assert "non-geographic postcode" in text
    assert "(NIMDM) is not loaded" in text
    assert "L99999999" not in text
    headers = {"Authorization": f"Bearer {world.tokens[Role.OUTREACH_OFFICER]}"}
    one = Client().get("/api/v1/postcodes/SW1A%20OAA", headers=headers).json()
    assert one["suggestion"] == "SW1A 0AA"
    bulk = Client().post(
        "/api/v1/postcodes/lookup",
        json.dumps({"postcodes": ["IM1 1AD", "AB11 3AG"]}),
        content_type="application/json",
        headers=headers,
    )
    isle, ended = bulk.json()["results"]
    assert (isle["lsoa"], isle["msoa"]) == ("", "")
    assert "outside the UK's statistical geographies" in isle["reason"]
    assert "still resolves" not in ended["reason"]


def test_an_edition_loaded_with_the_placeholders_gives_learners_no_placeholder_area(
    world: World, directory: None
) -> None:
    # As an edition loaded before the placeholders were dropped holds them (its Parquet copy is
    # made again from the database).
    edition = current_edition("postcodes")
    assert edition is not None
    PostcodeArea.objects.filter(edition=edition, postcode="JE2 3AB").update(
        lsoa="L99999999", msoa="L99999999"
    )
    snapshot_path(edition).unlink(missing_ok=True)  # kept only once written
    with request_context.bind(source="test"):
        learner = Learner.objects.create(
            organisation=world.alpha,
            first_name="Ada",
            last_name="Jersey",
            date_of_birth=world.learner_alpha.date_of_birth,
            home_postcode="JE2 3AB",
        )
    area_profiles_compute([learner.pk])
    profile = LearnerAreaProfile.objects.get(learner=learner)
    assert (profile.nation, profile.lsoa, profile.msoa) == ("L", "", "")
    answer = look_up("JE2 3AB")
    assert (answer.lsoa, answer.msoa) == ("", "")
