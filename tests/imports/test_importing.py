"""Importing pupil lists end to end: MIS exports, matching, twins, atomicity, roll back, pages."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from widen.accounts.models import Role
from widen.audit.models import AuditEvent
from widen.core.academic_years import AcademicYear
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.imports.services import (
    learner_import_check,
    learner_import_commit,
    learner_import_roll_back,
    learner_import_start,
)
from widen.learners.models import ImportColumnMapping, ImportRun, ImportStatus, Learner
from widen.testing.pupil_lists import (
    MIS_HEADINGS,
    csv_bytes,
    pupil_rows,
    table_cells,
    xlsx_bytes,
)
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def start(
    world: World, content: bytes, name: str = "pupils.csv", role: str = Role.OUTREACH_OFFICER
) -> ImportRun:
    return learner_import_start(
        actor=world.users[role],
        organisation=world.organisation_of(role),
        school=world.school,
        file_name=name,
        content=content,
    )


def sims_csv(rows: list[dict[str, object]]) -> bytes:
    return csv_bytes(table_cells(rows, MIS_HEADINGS["SIMS"]))


def held(world: World) -> int:
    return Learner.objects.filter(organisation=world.alpha).count()


@pytest.mark.parametrize("mis", sorted(MIS_HEADINGS))
def test_each_mis_export_imports_without_any_mapping(world: World, mis: str) -> None:
    rows = pupil_rows(40)
    run = start(world, csv_bytes(table_cells(rows, MIS_HEADINGS[mis], year_style="Year")))
    report = learner_import_check(run, actor=run.uploaded_by)
    assert report.unknown_headings == []
    assert report.problems == []
    assert report.rows_to_create == 40
    learner_import_commit(run=run, actor=world.users[Role.OUTREACH_OFFICER])
    upn = str(rows[0]["upn"])
    learner = Learner.objects.get(organisation=world.alpha, upn=upn)
    assert learner.date_of_birth == rows[0]["date_of_birth"]
    assert learner.school == world.school
    assert learner.first_name == rows[0]["first_name"]


def test_xlsx_with_serial_dates_imports(world: World) -> None:
    rows = pupil_rows(20)
    run = start(world, xlsx_bytes(rows, MIS_HEADINGS["Bromcom"], dates_as="serial"), "p.xlsx")
    report = learner_import_commit(run=run, actor=world.users[Role.OUTREACH_OFFICER])
    assert report.run.rows_created == 20
    assert (
        Learner.objects.filter(upn=rows[5]["upn"]).get().care_experienced
        == rows[5]["care_experienced"]
    )


def test_importing_the_same_file_twice_changes_nothing(world: World) -> None:
    content = sims_csv(pupil_rows(30))
    actor = world.users[Role.OUTREACH_OFFICER]
    learner_import_commit(run=start(world, content), actor=actor)
    before, events = held(world), AuditEvent.objects.count()
    again = start(world, content)
    report = learner_import_check(again, actor=again.uploaded_by)
    assert report.already_imported is not None
    with pytest.raises(ApplicationError, match="already imported"):
        learner_import_commit(run=again, actor=actor)
    # The same rows in a new file (say, exported again next week) change nothing either.
    report = learner_import_commit(run=start(world, content + b"\r\n"), actor=actor)
    assert (report.run.rows_created, report.run.rows_updated, report.run.rows_unchanged) == (
        0,
        0,
        30,
    )
    assert (held(world), AuditEvent.objects.count()) == (before, events)


def test_a_learner_already_held_is_updated_not_duplicated(world: World) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    rows = pupil_rows(10)
    learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    rows[0]["free_school_meals"] = not rows[0]["free_school_meals"]
    rows[1]["upn"] = ""  # known by name, date of birth and postcode instead
    rows[1]["sex"] = "F" if rows[1]["sex"] == "M" else "M"
    report = learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    assert (report.run.rows_created, report.run.rows_updated) == (0, 2)
    assert held(world) == 1 + 10  # the world's own learner and the ten
    first = Learner.objects.get(upn=rows[0]["upn"])
    assert first.free_school_meals == rows[0]["free_school_meals"]
    update_events = AuditEvent.objects.filter(learner_id=first.id, action="update")
    assert [event.changed_fields for event in update_events] == [["free_school_meals"]]
    assert update_events.get().actor_username == actor.username


def test_twins_are_never_merged(world: World) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    rows = pupil_rows(2)
    for row in rows:
        row.update(
            upn="",
            last_name="Okafor",
            date_of_birth=rows[0]["date_of_birth"],
            home_postcode="E6 3SQ",
            year_group=rows[0]["year_group"],
        )
    rows[0]["first_name"], rows[1]["first_name"] = "Chidi", "Chika"
    report = learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    assert report.run.rows_created == 2
    # A later list with just one twin updates that twin, and never the other.
    rows[1]["free_school_meals"] = True
    rows[0]["free_school_meals"] = False
    report = learner_import_commit(run=start(world, sims_csv(rows[1:])), actor=actor)
    assert report.run.rows_created == 0
    twins = Learner.objects.filter(last_name="Okafor").order_by("first_name")
    assert [(t.first_name, t.free_school_meals) for t in twins] == [
        ("Chidi", False),
        ("Chika", True),
    ]


def test_a_failure_part_way_leaves_the_database_as_it_was(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    learner_import_commit(run=start(world, sims_csv(pupil_rows(5, seed=3))), actor=actor)
    before = (
        held(world),
        AuditEvent.objects.count(),
        sorted(Learner.objects.values_list("id", "updated_at")),
    )
    rows = pupil_rows(5000, seed=4)
    run = start(world, sims_csv(rows))
    calls = {"count": 0}
    real_bulk_insert = Learner.objects.bulk_insert

    def failing_bulk_insert(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == 2:  # the second batch: row 2,001 onwards
            raise RuntimeError("the disk is full")
        return real_bulk_insert(*args, **kwargs)

    monkeypatch.setattr(Learner.objects, "bulk_insert", failing_bulk_insert)
    with pytest.raises(RuntimeError):
        learner_import_commit(run=run, actor=actor)
    after = (
        held(world),
        AuditEvent.objects.count(),
        sorted(Learner.objects.values_list("id", "updated_at")),
    )
    assert after == before
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED


def test_rejected_rows_block_the_import_unless_the_rest_is_chosen(world: World) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    rows = pupil_rows(10)
    rows[4]["date_of_birth"] = "31/02/2012"
    run = start(world, sims_csv(rows))
    with pytest.raises(ApplicationError, match="1 of the rows have problems"):
        learner_import_commit(run=run, actor=actor)
    assert held(world) == 1
    report = learner_import_commit(run=run, actor=actor, accept_partial=True)
    assert (report.run.rows_created, report.run.rows_rejected, report.run.partial) == (9, 1, True)


def test_school_staff_may_not_import_special_category_columns(world: World) -> None:
    rows = pupil_rows(3)
    content = csv_bytes(table_cells(rows, MIS_HEADINGS["Bromcom"]))  # has "Looked After"
    run = learner_import_start(
        actor=world.users[Role.SCHOOL_STAFF],
        organisation=world.school,
        school=None,
        file_name="bromcom.csv",
        content=content,
    )
    assert run.school == world.school
    report = learner_import_check(run, actor=run.uploaded_by)
    assert any("Looked After" in problem for problem in report.column_problems)
    with pytest.raises(ApplicationError, match="may not record care experienced"):
        learner_import_commit(run=run, actor=world.users[Role.SCHOOL_STAFF])


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.READ_ONLY])
def test_roles_that_cannot_add_learners_cannot_import(world: World, role: str) -> None:
    with pytest.raises(NotFound):
        learner_import_start(
            actor=world.users[role],
            organisation=world.alpha,
            school=None,
            file_name="p.csv",
            content=sims_csv(pupil_rows(1)),
        )


def test_rolling_back_removes_added_learners_and_restores_changed_ones(world: World) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    rows = pupil_rows(6)
    learner_import_commit(run=start(world, sims_csv(rows[:3])), actor=actor)
    original = Learner.objects.get(upn=rows[0]["upn"])
    rows[0]["home_postcode"] = "E16 1AA"
    report = learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    assert (report.run.rows_created, report.run.rows_updated) == (3, 1)
    learner_import_roll_back(run=report.run, actor=world.users[Role.ORGANISATION_ADMIN])
    assert held(world) == 1 + 3
    assert Learner.objects.get(upn=rows[0]["upn"]).home_postcode == original.home_postcode
    assert not Learner.objects.filter(upn=rows[5]["upn"]).exists()
    assert AuditEvent.objects.filter(action="delete", object_type="learners.learner").count() == 3
    report.run.refresh_from_db()
    assert report.run.status == ImportStatus.ROLLED_BACK
    # Rolled back, the same file may be imported again.
    learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    assert held(world) == 1 + 6


def test_roll_back_is_refused_after_the_period_or_after_later_changes(world: World) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    rows = pupil_rows(3)
    report = learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    learner = Learner.objects.get(upn=rows[0]["upn"])
    learner.preferred_name = "Changed later"
    learner.save()
    with pytest.raises(ApplicationError, match="changed since"):
        learner_import_roll_back(run=report.run, actor=actor)
    ImportRun.objects.filter(pk=report.run.pk).update(
        committed_at=timezone.now() - timedelta(days=15)
    )
    with pytest.raises(ApplicationError, match="rollback period has ended"):
        learner_import_roll_back(run=report.run, actor=actor)
    with pytest.raises(NotFound):
        learner_import_roll_back(run=report.run, actor=world.users[Role.READ_ONLY])
    assert held(world) == 1 + 3


def test_100k_rows(world: World) -> None:
    rows = pupil_rows(100_000, seed=9)
    run = start(world, sims_csv(rows))
    report = learner_import_commit(run=run, actor=world.users[Role.OUTREACH_OFFICER])
    assert report.run.rows_created == 100_000
    assert held(world) == 100_001
    assert AuditEvent.objects.filter(action="create", source="system").count() >= 100_000


# --- The command ------------------------------------------------------------------------------


def run_command(*args: str) -> tuple[int, str]:
    import io  # noqa: PLC0415

    out = io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=io.StringIO())
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue()
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_command_reports_like_the_page_and_exits_by_outcome(world: World, tmp_path: Path) -> None:
    rows = pupil_rows(8)
    rows[2]["upn"] = "A123"
    path = tmp_path / "sims.csv"
    path.write_bytes(sims_csv(rows))
    failed = tmp_path / "failed.csv"
    code, out = run_command("learners", str(path), "--organisation", world.school.urn, "--dry-run")
    assert code == 1
    assert "Row 4, UPN: A UPN has 13 characters" in out
    assert "Dry run: nothing was changed." in out
    code, out = run_command(
        "learners", str(path), "--organisation", world.school.urn, "--failed-rows", str(failed)
    )
    assert code == 1
    assert Learner.objects.filter(organisation=world.school).count() == 1
    assert "Problem" in failed.read_text(encoding="utf-8-sig").splitlines()[0]
    code, out = run_command(
        "learners", str(path), "--organisation", world.school.urn, "--accept-partial"
    )
    assert code == 1
    assert "Imported: 7 new learners added" in out
    assert AuditEvent.objects.filter(source="cli", action="create").count() == 7
    code, out = run_command("learners", str(tmp_path / "nope.csv"), "--organisation", "100001")
    assert code == 2


def test_command_needs_unknown_columns_mapped_and_remembers_saved_mappings(
    world: World, tmp_path: Path
) -> None:
    rows = pupil_rows(3)
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(table_cells(rows, {**MIS_HEADINGS["SIMS"], "house": "Pastoral"})))
    code, out = run_command("learners", str(path), "--organisation", "100001")
    assert code == 2
    assert "Say what these columns are" in out
    assert "Pastoral" in out
    ImportColumnMapping.objects.create(
        organisation=world.school,
        school=world.school,
        name="Sixth Form SIMS",
        columns={"Pastoral": ""},
    )
    code, out = run_command(
        "learners", str(path), "--organisation", "100001", "--mapping", "Sixth Form SIMS"
    )
    assert code == 0, out
    assert "Pastoral: not imported" in out


# --- The pages --------------------------------------------------------------------------------


def upload(client: Client, world: World, content: bytes, name: str = "pupils.csv") -> Any:
    return client.post(
        reverse("learners:import_start"),
        {
            "organisation": str(world.alpha.id),
            "school": str(world.school.id),
            "pupil_list": SimpleUploadedFile(name, content),
        },
    )


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


def test_uploaded_files_are_forgotten_after_the_rollback_period(world: World) -> None:
    recent = start(world, sims_csv(pupil_rows(2, seed=1)))
    old = start(world, sims_csv(pupil_rows(2, seed=2)), role=Role.ORGANISATION_ADMIN)
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=15))
    call_command("import_purge", stdout=io.StringIO())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.file_content is None
    assert recent.file_content is not None


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


@pytest.mark.parametrize(("given", "asked"), [("csv", "xlsx"), ("xlsx", "csv"), ("xlsx", "xlsx")])
def test_failed_rows_are_written_in_the_format_their_name_asks_for(
    world: World, tmp_path: Path, given: str, asked: str
) -> None:
    rows = pupil_rows(4)
    rows[1]["upn"] = "A123"
    path = tmp_path / f"pupils.{given}"
    path.write_bytes(sims_csv(rows) if given == "csv" else xlsx_bytes(rows, MIS_HEADINGS["SIMS"]))
    failed = tmp_path / f"to-fix.{asked}"
    code, _ = run_command(
        "learners", str(path), "--organisation", world.school.urn, "--failed-rows", str(failed)
    )
    assert code == 1
    if asked == "xlsx":
        sheet = load_workbook(failed).active
        assert sheet is not None
        assert sheet.cell(1, sheet.max_column).value == "Problem"
        assert sheet.max_row == 2
    else:
        lines = failed.read_text(encoding="utf-8-sig").splitlines()
        assert lines[0].endswith("Problem")
        assert len(lines) == 2


def test_importing_again_a_file_with_rejected_rows_still_fails(
    world: World, tmp_path: Path
) -> None:
    rows = pupil_rows(5)
    rows[3]["upn"] = "A123"
    path = tmp_path / "sims.csv"
    path.write_bytes(sims_csv(rows))
    organisation = ("--organisation", world.school.urn)
    code, _ = run_command("learners", str(path), *organisation, "--accept-partial")
    assert code == 1
    code, out = run_command("learners", str(path), *organisation)
    assert code == 1
    assert "This file was already imported" in out
    assert "1 row of it is still rejected" in out


def test_accept_partial_says_what_happened_when_no_row_could_be_imported(
    world: World, tmp_path: Path
) -> None:
    rows = pupil_rows(3)
    for row in rows:
        row["upn"] = "A123"
    path = tmp_path / "sims.csv"
    path.write_bytes(sims_csv(rows))
    code, out = run_command(
        "learners", str(path), "--organisation", world.school.urn, "--accept-partial"
    )
    assert code == 1
    assert "every row was rejected or already up to date" in out
    assert "use --accept-partial" not in out
    assert "with --accept-partial" not in out


@pytest.mark.parametrize(
    ("held_name", "row_name"), [("O'Brien", "O’Brien"), ("Siân", "SIAN"), ("Müller", "Muller")]
)
def test_a_row_is_the_learner_held_whatever_the_apostrophe_case_or_accents(
    world: World, held_name: str, row_name: str
) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    rows = pupil_rows(1)
    rows[0]["upn"] = ""
    rows[0]["last_name"] = held_name
    learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    rows[0]["last_name"] = row_name
    rows[0]["free_school_meals"] = not rows[0]["free_school_meals"]

    report = learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)

    assert (report.run.rows_created, report.run.rows_updated) == (0, 1)
    assert held(world) == 1 + 1
    learner = Learner.objects.get(
        organisation=world.alpha, upn="", first_name=rows[0]["first_name"]
    )
    assert learner.last_name == held_name  # the same name: kept as it was written
    assert learner.free_school_meals == rows[0]["free_school_meals"]
