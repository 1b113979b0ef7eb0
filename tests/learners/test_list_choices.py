"""A school or organisation chosen from a list: a malformed value sent in its place is refused on
the field in the users' words (never Django's "'x' is not a valid UUID"), and saves nothing."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import signed_in_client
from widen.accounts.models import Role
from widen.learners.models import ImportRun, Learner
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db

CHOOSE_SCHOOL = "Choose a school from the list."
CHOOSE_ORGANISATION = "Choose an organisation from the list."


def _field_error(response: object, field: str) -> str:
    assert getattr(response, "status_code", None) == 200
    page = BeautifulSoup(response.content.decode(), "html.parser")  # type: ignore[attr-defined]
    error = page.select_one(f"#id_{field}_error")
    assert error is not None, f"no error shown on {field}"
    assert "valid UUID" not in page.get_text()
    return error.get_text()


# A fixed unknown id: every test worker must collect the same tests.
@pytest.mark.parametrize("school", ["not-a-school", "0d3c1f0e-5d7a-4e59-9a51-0c1d2e3f4a5b"])
def test_adding_a_learner_with_a_school_not_on_the_list_says_to_choose_one(
    world: World, school: str
) -> None:
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    response = client.post(
        reverse("learners:create"),
        {
            "organisation": str(world.alpha.id),
            "school": school,
            "first_name": "Nia",
            "last_name": "Newcomer",
            "date_of_birth": year_group_birthday(10).isoformat(),
        },
    )

    assert CHOOSE_SCHOOL in _field_error(response, "school")
    assert not Learner.objects.filter(last_name="Newcomer").exists()


def test_editing_a_learner_with_a_malformed_school_says_to_choose_one(world: World) -> None:
    learner = world.learner_alpha
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    response = client.post(
        reverse("learners:edit", args=[learner.id]),
        {
            "school": "not-a-school",
            "first_name": "Renamed",
            "last_name": learner.last_name,
            "date_of_birth": learner.date_of_birth.isoformat(),
        },
    )

    assert CHOOSE_SCHOOL in _field_error(response, "school")
    learner.refresh_from_db()
    assert learner.first_name == "Amara"
    assert learner.school == world.school


@pytest.mark.parametrize(
    ("field", "message"),
    [("organisation", CHOOSE_ORGANISATION), ("school", CHOOSE_SCHOOL)],
)
def test_importing_a_pupil_list_into_a_malformed_choice_says_to_choose_one(
    world: World, field: str, message: str
) -> None:
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    choices = {"organisation": str(world.alpha.id), "school": str(world.school.id)}
    choices[field] = "not-a-choice"
    content = csv_bytes(table_cells(pupil_rows(2), MIS_HEADINGS["SIMS"]))
    response = client.post(
        reverse("learners:import_start"),
        {**choices, "pupil_list": SimpleUploadedFile("pupils.csv", content)},
    )

    assert message in _field_error(response, field)
    assert not ImportRun.objects.exists()
