"""Importing pupil lists through the pages: mapping, checking, templates, failed rows, admin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from tests.imports.support import sims_csv, start, upload
from widen.accounts.models import Role
from widen.core.academic_years import AcademicYear
from widen.learners.imports.services import (
    learner_import_check,
    learner_import_commit,
)
from widen.learners.models import ImportRun, ImportStatus, Learner
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells, xlsx_bytes
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_page_journey_map_check_fix_and_import(
    world: World, client_for: Callable[..., Client]
) -> None:
    client = client_for(world.users[Role.OUTREACH_OFFICER])
    rows = pupil_rows(5)
    good_birthday = rows[1]["date_of_birth"]
    rows[1]["date_of_birth"] = "13/13/2012"
    headings = {**MIS_HEADINGS["SIMS"], "preferred_name": "Pupil nickname"}
    response = upload(client, world, csv_bytes(table_cells(rows, headings)))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Pupil nickname" in page.content.decode()
    assert "needs-choice" in page.content.decode()
    run = ImportRun.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    choices = {
        f"column_{index}": run.column_mapping[heading] or ""
        for index, heading in enumerate(headings.values())
    }
    choices[f"column_{list(headings.values()).index('Pupil nickname')}"] = "preferred_name"
    page = client.post(response["Location"], choices, follow=True)
    text = page.content.decode()
    assert "not a date we can read" in text or "is not a date" in text
    assert "Download the 1 row to fix" in text
    fix = client.get(reverse("learners:import_failed_rows", args=[run.id]))
    assert fix.status_code == 200
    assert "13/13/2012" in fix.content.decode("utf-8-sig")
    # The school's column choice is remembered for the corrected file.
    rows[1]["date_of_birth"] = good_birthday
    response = upload(client, world, csv_bytes(table_cells(rows, headings)))
    page = client.get(response["Location"])
    assert "needs-choice" not in page.content.decode()
    assert "Import 5 learners" in page.content.decode()
    run.refresh_from_db()
    assert run.status == ImportStatus.REPLACED
    done = client.post(response["Location"] + "import/", follow=True)
    assert "Imported" in done.content.decode()
    assert Learner.objects.filter(upn=rows[1]["upn"]).exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "pupils.csv", "The submitted file is empty"),
        (b"Legal Surname,Forename,DOB\r\n", "pupils.csv", "Nothing to import"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "pupils.xlsx", "97-2003"),
        (b"MZ\x90\x00binary", "pupils.exe", "Upload a .csv or .xlsx file"),
    ],
)
def test_bad_uploads_get_a_clear_error_and_no_server_error(
    world: World, client_for: Callable[..., Client], content: bytes, name: str, message: str
) -> None:
    client = client_for(world.users[Role.OUTREACH_OFFICER])
    response = upload(client, world, content, name)
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 200
    assert message in response.content.decode()


@override_settings(WIDEN_IMPORT_MAX_BYTES=1024)
def test_an_oversized_upload_is_refused(world: World, client_for: Callable[..., Client]) -> None:
    client = client_for(world.users[Role.OUTREACH_OFFICER])
    response = upload(client, world, sims_csv(pupil_rows(50)))
    assert response.status_code == 200
    assert (
        "files of up to 0 MB" in response.content.decode()
        or "MB are accepted" in response.content.decode()
    )
    assert not ImportRun.objects.exists()


def test_templates_download_formula_safe_and_import_once_filled(
    world: World, client_for: Callable[..., Client], tmp_path: Path
) -> None:
    client = client_for(world.users[Role.OUTREACH_OFFICER])
    response = client.get(reverse("learners:import_template", args=["xlsx"]))
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Pupils", "Guidance"]
    headings = [cell.value for cell in workbook["Pupils"][1]]
    assert headings[:3] == ["UPN", "Legal first name", "Legal last name"]
    csv_template = client.get(reverse("learners:import_template", args=["csv"])).content
    labels = csv_template.decode("utf-8-sig").strip().split(",")
    rows = pupil_rows(2)
    by_label = {"UPN": "upn", "Legal first name": "first_name", "Legal last name": "last_name"}
    by_label["Date of birth"] = "date_of_birth"
    filled = csv_template + csv_bytes(
        [
            [
                row[by_label[label]].strftime("%d/%m/%Y")  # type: ignore[attr-defined]
                if by_label.get(label) == "date_of_birth"
                else str(row[by_label[label]])
                if label in by_label
                else ""
                for label in labels
            ]
            for row in rows
        ]
    )
    run = start(world, filled)
    report = learner_import_check(run, actor=run.uploaded_by)
    assert report.problems == []
    assert report.rows_to_create == 2


def test_failed_rows_files_are_formula_safe(
    world: World, client_for: Callable[..., Client], tmp_path: Path
) -> None:
    client = client_for(world.users[Role.OUTREACH_OFFICER])
    rows = pupil_rows(3)
    rows[0]["first_name"] = '=HYPERLINK("http://evil","x")'
    rows[1]["last_name"] = "@SUM(A1)"
    response = upload(client, world, xlsx_bytes(rows, MIS_HEADINGS["SIMS"]), "p.xlsx")
    run_id = response["Location"].rstrip("/").split("/")[-1]
    download = client.get(reverse("learners:import_failed_rows", args=[run_id]))
    path = tmp_path / "fix.xlsx"
    path.write_bytes(download.content)
    sheet = load_workbook(path).active
    assert sheet is not None
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert all(not str(value).startswith(("=", "+", "-", "@")) for value in values if value)
    assert sheet.cell(1, sheet.max_column).value == "Problem"
    assert sheet.max_row == 3


@override_settings(WIDEN_IMPORT_BACKGROUND_ROWS=10)
def test_large_files_import_in_the_background_with_progress(
    world: World,
    client_for: Callable[..., Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(world.users[Role.OUTREACH_OFFICER])
    response = upload(client, world, sims_csv(pupil_rows(25)))
    detail = response["Location"]
    assert "in the background" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail + "import/")
    progress = client.get(detail + "progress/").json()
    assert progress["status"] == "committed"
    assert progress["percent"] == 100
    assert Learner.objects.filter(organisation=world.alpha).count() == 26


def test_imports_are_listed_for_admins_with_who_when_and_checksum(
    world: World, client_for: Callable[..., Client]
) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    run = start(world, sims_csv(pupil_rows(4)))
    learner_import_commit(run=run, actor=actor)
    admin = client_for(world.users[Role.ORGANISATION_ADMIN])
    listing = admin.get(reverse("learners:import_list")).content.decode()
    assert "pupils.csv" in listing
    assert actor.username in listing
    detail = admin.get(reverse("learners:import_detail", args=[run.id])).content.decode()
    assert run.file_sha256 in detail
    assert "Roll back this import" in detail
    # A colleague without admin rights does not see someone else's import.
    other = client_for(world.users[Role.READ_ONLY])
    assert other.get(reverse("learners:import_detail", args=[run.id])).status_code == 404
    assert AcademicYear.current()  # the page worked out year groups for this year


def test_the_admin_site_lists_imports_read_only_and_scoped(
    world: World, client_for: Callable[..., Client]
) -> None:
    own = start(world, sims_csv(pupil_rows(2, seed=1)))
    foreign = ImportRun.objects.create(
        organisation=world.gamma,
        file_name="gamma-secret.csv",
        file_format="csv",
        file_sha256="0" * 64,
        file_size=1,
    )
    staff = client_for(world.users["staff"])  # an organisation admin of Alpha with staff access
    listing = staff.get(reverse("admin:learners_importrun_changelist")).content.decode()
    assert own.file_name in listing
    assert foreign.file_name not in listing
    change = staff.get(reverse("admin:learners_importrun_change", args=[own.pk]))
    assert change.status_code == 200
    assert 'name="file_name"' not in change.content.decode()  # nothing editable
    assert staff.get(reverse("admin:learners_importrun_change", args=[foreign.pk])).status_code in (
        302,
        404,
    )


def test_a_hostile_file_is_explained_escaped_and_stores_nothing(
    world: World, client_for: Callable[..., Client]
) -> None:
    client = client_for(world.users[Role.OUTREACH_OFFICER])
    rows = pupil_rows(6)
    rows[0]["first_name"] = "<script>alert('x')</script>"
    rows[1]["last_name"] = '=HYPERLINK("http://evil","click")'
    rows[2]["first_name"] = "Nul\x00Byte"
    rows[3]["last_name"] = "A" * 10_485_760
    rows[4]["home_postcode"] = "+44 E6 3SQ"
    rows[5]["first_name"] = "@SUM(1)"
    response = upload(client, world, sims_csv(rows))
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert" in text
    assert "10485760 characters long" in text
    assert len(text) < 1_000_000  # the 10 MB cell is not echoed back
    assert "0 new learners to add" in text
    assert "6 rows rejected" in text
    assert "Import the" not in text  # nothing valid to import
    assert Learner.objects.filter(organisation=world.alpha).count() == 1


def test_the_preview_never_shows_what_special_category_data_was(
    world: World, client_for: Callable[..., Client]
) -> None:
    client = client_for(world.users[Role.OUTREACH_OFFICER])
    rows = pupil_rows(1)
    headings = MIS_HEADINGS["Bromcom"]
    rows[0]["care_experienced"] = False
    learner_import_commit(
        run=start(world, csv_bytes(table_cells(rows, headings))),
        actor=world.users[Role.OUTREACH_OFFICER],
    )
    rows[0]["care_experienced"] = True
    response = upload(client, world, csv_bytes(table_cells(rows, headings)), "again.csv")
    text = client.get(response["Location"]).content.decode()
    assert "care experienced: not shown → Yes" in text
    assert "care experienced: No" not in text
