"""A pupil list may carry each pupil's own reference (kept, shown, searchable, in the API) and,
for a list covering several schools, each row's school by URN (checked against the schools the
organisation imports pupils for, refused by row and column)."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import signed_in_client
from widen.accounts.models import Role
from widen.learners.imports.services import (
    learner_import_check,
    learner_import_commit,
    learner_import_start,
)
from widen.learners.models import ImportRun, Learner
from widen.organisations.models import Organisation
from widen.testing.builders import school
from widen.testing.pupil_lists import csv_bytes, valid_upn
from widen.testing.world import World, riverside_academy

pytestmark = pytest.mark.django_db
HEADINGS = ["Surname", "Forename", "DOB", "UPN", "Reference", "School URN"]


@pytest.fixture
def riverside(world: World) -> Organisation:
    """Another school in the partnership the importer imports pupils for."""
    return riverside_academy(world)


@pytest.fixture
def elsewhere() -> Organisation:
    """A school in no partnership of the importer's."""
    return school("Faraway High", "199999", local_authority="Cumbria", postcode="CA1 1AA")


def start(world: World, rows: list[list[str]]) -> ImportRun:
    return learner_import_start(
        actor=world.users[Role.OUTREACH_OFFICER],
        organisation=world.alpha,
        school=None,
        file_name="several-schools.csv",
        content=csv_bytes([HEADINGS, *rows]),
    )


def test_a_list_covering_several_schools_gives_each_pupil_their_school_and_reference(
    world: World, riverside: Organisation
) -> None:
    run = start(
        world,
        [
            ["Okafor", "Chidi", "04/03/2012", valid_upn(316, 11), "NTH-001", "100001"],
            ["Nowak", "Oliwia", "05/03/2012", valid_upn(316, 12), "NTH-002", "100002"],
        ],
    )
    report = learner_import_check(run, actor=run.uploaded_by)
    assert report.problems == []
    learner_import_commit(run=run, actor=world.users[Role.OUTREACH_OFFICER])

    chidi = Learner.objects.get(last_name="Okafor")
    oliwia = Learner.objects.get(last_name="Nowak")
    assert (chidi.school, chidi.reference) == (world.school, "NTH-001")
    assert (oliwia.school, oliwia.reference) == (riverside, "NTH-002")


def test_a_urn_the_organisation_does_not_import_for_is_refused_by_row_and_column(
    world: World, elsewhere: Organisation
) -> None:
    run = start(
        world,
        [
            ["Okafor", "Chidi", "04/03/2012", valid_upn(316, 11), "NTH-001", "100001"],
            ["Nowak", "Oliwia", "05/03/2012", valid_upn(316, 12), "NTH-002", "199999"],
            ["Begum", "Amira", "06/03/2012", valid_upn(316, 13), "NTH-003", "12345"],
        ],
    )
    report = learner_import_check(run, actor=run.uploaded_by)
    assert [(problem.row, problem.column) for problem in report.problems] == [
        (3, "School URN"),
        (4, "School URN"),
    ]
    assert "199999 is not the URN of a school whose pupils this organisation imports" in (
        report.problems[0].reason
    )
    assert "is not a school URN" in report.problems[1].reason
    assert report.rows_to_create == 1
    assert not Learner.objects.filter(last_name__in=["Nowak", "Begum"]).exists()


def test_a_reference_that_could_be_a_formula_is_refused(world: World) -> None:
    run = start(
        world, [["Okafor", "Chidi", "04/03/2012", valid_upn(316, 11), "=cmd|' /C calc'!A0", ""]]
    )
    report = learner_import_check(run, actor=run.uploaded_by)
    assert [(problem.row, problem.column) for problem in report.problems] == [(2, "Reference")]


def test_the_reference_is_shown_found_by_search_and_given_by_the_api(world: World) -> None:
    run = start(world, [["Okafor", "Chidi", "04/03/2012", valid_upn(316, 11), "NTH-0042", ""]])
    learner_import_commit(run=run, actor=world.users[Role.OUTREACH_OFFICER])
    chidi = Learner.objects.get(last_name="Okafor")
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])

    assert "NTH-0042" in officer.get(f"/learners/{chidi.pk}/").content.decode()
    assert "Okafor" in officer.get("/learners/?q=nth-0042").content.decode()
    response = Client().get(
        f"/api/v1/learners/{chidi.pk}",
        headers={"Authorization": f"Bearer {world.tokens[Role.OUTREACH_OFFICER]}"},
    )
    assert response.json()["reference"] == "NTH-0042"
