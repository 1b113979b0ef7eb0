"""Area profiles and postcode look-ups from loaded open data, by page, API and command.

The files in `data/` are extracts of the official files (see `data/ATTRIBUTION.md`); the OfS
look-up there is synthetic: real postcodes, invented quintiles.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from conftest import api_call
from tests.targeting.support import DATA, IOD2019, ONS_LOOKUP, home_postcode_changed
from widen.accounts.models import Role
from widen.core import request_context
from widen.learners.models import Learner
from widen.reference.services import dataset_load
from widen.targeting.lookup import MAX_LOOKUP_POSTCODES, postcodes_look_up
from widen.targeting.models import LearnerAreaProfile, ProfileStatus
from widen.targeting.services import area_profiles_compute
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def open_data(tmp_path: Path) -> dict[str, Any]:
    return {
        "postcodes": dataset_load("postcodes", ONS_LOOKUP).edition,
        "iod2019": dataset_load("iod2019", IOD2019).edition,
        "wimd2019": dataset_load("wimd2019", DATA / "wimd2019_ranks_extract.csv").edition,
        "simd2020": dataset_load("simd2020", DATA / "simd2020v2_ranks_extract.csv").edition,
    }


def _learner_at(world: World, postcode: str, last_name: str) -> Learner:
    with request_context.bind(source="test"):
        return Learner.objects.create(
            organisation=world.alpha,
            first_name="Ada",
            last_name=last_name,
            date_of_birth=world.learner_alpha.date_of_birth,
            home_postcode=postcode,
        )


def test_each_nation_gets_its_own_measure_with_the_edition_behind_it(
    world: World, open_data: dict[str, Any]
) -> None:
    english = world.learner_alpha  # E15 4LZ, Newham 009D
    welsh = _learner_at(world, "CF10 1AA", "Cardiff")
    scottish = _learner_at(world, "EH1 1YZ", "Edinburgh")
    northern_irish = _learner_at(world, "BT1 1AA", "Belfast")
    run = area_profiles_compute()
    assert run.learners == Learner.objects.count()

    profile = LearnerAreaProfile.objects.get(learner=english)
    assert (profile.status, profile.nation, profile.lsoa, profile.msoa) == (
        ProfileStatus.FOUND,
        "E",
        "E01003559",
        "E02000722",
    )
    assert (profile.imd_rank, profile.imd_decile, profile.imd_quintile) == (13767, 5, 3)
    assert (profile.idaci_decile, profile.idaci_quintile) == (4, 2)
    assert (profile.wimd_decile, profile.simd_decile) == (None, None)
    assert profile.postcode_edition == open_data["postcodes"]
    assert profile.deprivation_edition == open_data["iod2019"]
    assert profile.idaci_edition == open_data["iod2019"]

    profile = LearnerAreaProfile.objects.get(learner=welsh)
    assert (profile.nation, profile.lsoa) == ("W", "W01001941")
    # WIMD 2019 rank 999 of 1,909 Welsh LSOAs: the sixth tenth. Never an English decile.
    assert (profile.wimd_decile, profile.imd_decile, profile.idaci_decile) == (6, None, None)
    assert profile.deprivation_edition == open_data["wimd2019"]

    profile = LearnerAreaProfile.objects.get(learner=scottish)
    assert (profile.nation, profile.lsoa) == ("S", "S01008675")
    # SIMD 2020v2 rank 2,592 of 6,976 data zones: decile 4 (ranks 2,093 to 2,790).
    assert (profile.simd_decile, profile.imd_decile) == (4, None)
    assert profile.deprivation_edition == open_data["simd2020"]

    profile = LearnerAreaProfile.objects.get(learner=northern_irish)
    assert (profile.status, profile.nation) == (ProfileStatus.FOUND, "N")
    assert (profile.imd_decile, profile.wimd_decile, profile.simd_decile) == (None, None, None)
    assert profile.deprivation_edition is None
    assert "POLAR4/TUNDRA not loaded — load the OfS postcode look-up" in run.summary_lines()[-1]


def test_terminated_unknown_and_missing_postcodes_say_so(
    world: World, open_data: dict[str, Any]
) -> None:
    terminated = _learner_at(world, "E15 4EG", "Stratford")
    unknown = _learner_at(world, "E20 1EJ", "Stratford")  # real, but not in this extract
    nowhere = _learner_at(world, "", "Nowhere")
    area_profiles_compute()
    profile = LearnerAreaProfile.objects.get(learner=terminated)
    assert (profile.status, profile.terminated, profile.imd_decile) == (
        ProfileStatus.TERMINATED,
        "201909",
        5,
    )
    assert LearnerAreaProfile.objects.get(learner=unknown).status == ProfileStatus.NOT_FOUND
    assert LearnerAreaProfile.objects.get(learner=nowhere).status == ProfileStatus.NO_POSTCODE


def test_without_open_data_every_profile_says_the_directory_is_not_loaded(world: World) -> None:
    run = area_profiles_compute()
    assert set(run.by_status) == {ProfileStatus.NOT_LOADED}
    lines = "\n".join(run.summary_lines())
    assert "Postcode directory not loaded — load the ONS postcode lookup" in lines
    assert "POLAR4/TUNDRA not loaded — load the OfS postcode look-up" in lines


def test_polar4_and_tundra_come_from_the_ofs_look_up_once_loaded(
    world: World, open_data: dict[str, Any], tmp_path: Path
) -> None:
    ofs = dataset_load(
        "ofs",
        DATA / "synthetic_ofs_postcode_lookup.csv",
        edition="September 2024 (synthetic)",
        synthetic=True,
    ).edition
    area_profiles_compute()
    profile = LearnerAreaProfile.objects.get(learner=world.learner_alpha)
    assert (
        profile.polar4_quintile,
        profile.tundra_lsoa_quintile,
        profile.tundra_msoa_quintile,
    ) == (
        1,
        1,
        2,
    )
    assert profile.uni_connect_target_ward is True
    assert profile.participation_edition == ofs
    assert "(synthetic)" in str(ofs)


def test_a_postcode_edit_updates_the_profile_after_it_is_saved(
    world: World, open_data: dict[str, Any], django_capture_on_commit_callbacks: Callable
) -> None:
    area_profiles_compute()
    learner = world.learner_alpha
    with django_capture_on_commit_callbacks(execute=True):
        home_postcode_changed(world.users[Role.OUTREACH_OFFICER], learner, "CF10 1AA")
    profile = LearnerAreaProfile.objects.get(learner=learner)
    assert (profile.postcode, profile.nation, profile.wimd_decile) == ("CF10 1AA", "W", 6)


def test_a_new_edition_leaves_earlier_profiles_naming_the_edition_they_used(
    world: World, open_data: dict[str, Any], tmp_path: Path
) -> None:
    area_profiles_compute()
    before = LearnerAreaProfile.objects.get(learner=world.learner_alpha)
    changed = ONS_LOOKUP.read_text().replace("E01003559,E02000722", "E01032739,E02000001")
    newer = dataset_load(
        "postcodes", _write(tmp_path, "PCD_OA_LSOA_MSOA_LAD_NOV22_UK_LU.csv", changed)
    ).edition
    assert LearnerAreaProfile.objects.get(learner=world.learner_alpha).imd_decile == 5
    assert before.postcode_edition == open_data["postcodes"]
    area_profiles_compute()
    after = LearnerAreaProfile.objects.get(learner=world.learner_alpha)
    assert (after.postcode_edition, after.lsoa, after.imd_decile) == (newer, "E01032739", 7)


def test_postcode_look_up_explains_each_answer(open_data: dict[str, Any]) -> None:
    answers = postcodes_look_up(["e154lz", "CF10 1AA", "NPT 0AD", "ZZ99 9ZZ", "=cmd|x", ""])
    english, welsh, terminated, unknown, hostile, empty = answers
    assert english.postcode == "E15 4LZ"
    assert english.explanation == [
        "IMD decile 5 (LSOA E01003559, IoD2019)",
        "IDACI decile 4 (LSOA E01003559, IoD2019)",
    ]
    assert welsh.explanation == ["WIMD decile 6 (Wales; LSOA W01001941, WIMD 2019)"]
    assert terminated.status == ProfileStatus.TERMINATED
    assert "terminated in December 1984" in terminated.reason
    assert unknown.status == ProfileStatus.NOT_FOUND
    assert "not in the loaded postcode directory" in unknown.reason
    assert hostile.status == "invalid"
    assert "is not a UK postcode" in hostile.reason
    assert empty.status == ProfileStatus.NO_POSTCODE


def test_the_look_up_page_answers_several_postcodes_at_once(
    world: World, open_data: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    client = client_for(world.users[Role.READ_ONLY])
    response = client.get(reverse("targeting:postcode_lookup"), {"postcodes": "E15 4LZ\nnope"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "IMD decile 5 (LSOA E01003559, IoD2019)" in page
    assert "&#x27;nope&#x27; is not a UK postcode" in page
    assert "POLAR4/TUNDRA not loaded — load the OfS postcode look-up" in page


def test_the_api_answers_one_postcode_and_bulk_look_ups_up_to_the_limit(
    world: World, open_data: dict[str, Any]
) -> None:
    token = world.tokens[Role.OUTREACH_OFFICER]
    response = api_call(token, "GET", "/api/v1/postcodes/CF10%201AA")
    assert response.status_code == 200
    assert response.json()["wimd_decile"] == 6
    assert response.json()["editions"]["deprivation"].endswith("WIMD 2019")

    body = {"postcodes": ["E15 4LZ", "EH1 1YZ", "bad"] * 3_000}
    response = api_call(token, "POST", "/api/v1/postcodes/lookup", body)
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 9_000
    assert [result["simd_decile"] for result in results[:3]] == [None, 4, None]
    assert results[2]["status"] == "invalid"

    body = {"postcodes": ["E15 4LZ"] * (MAX_LOOKUP_POSTCODES + 1)}
    response = api_call(token, "POST", "/api/v1/postcodes/lookup", body)
    assert response.status_code == 422
    assert "at most 10,000" in response.json()["detail"]


def test_widen_targeting_run_prints_a_summary(world: World, open_data: dict[str, Any]) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("targeting", "run", stdout=out, stderr=err)
    assert f"Area profiles of {Learner.objects.count()} learners:" in out.getvalue()
    assert "Found: " in out.getvalue()
    assert "100% Done" in err.getvalue()
    assert LearnerAreaProfile.objects.count() == Learner.objects.count()


def test_a_past_edition_can_be_used_again_to_recompute_exactly(
    world: World, open_data: dict[str, Any], tmp_path: Path
) -> None:
    first = open_data["postcodes"]
    changed = ONS_LOOKUP.read_text().replace("E01003559,E02000722", "E01032739,E02000001")
    dataset_load("postcodes", _write(tmp_path, "PCD_OA_LSOA_MSOA_LAD_NOV22_UK_LU.csv", changed))
    out = io.StringIO()
    call_command("data", "list", stdout=out)
    assert "November 2022" in out.getvalue()
    call_command("targeting", "run", "--edition", str(first.pk), stdout=out, stderr=io.StringIO())
    profile = LearnerAreaProfile.objects.get(learner=world.learner_alpha)
    assert (profile.postcode_edition, profile.lsoa, profile.imd_decile) == (first, "E01003559", 5)
    with pytest.raises(CommandError, match="no dataset edition 999999"):
        call_command("targeting", "run", "--edition", "999999", stderr=io.StringIO())
