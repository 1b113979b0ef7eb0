"""Importing pupil lists from the command line: its report, exit codes and failed-row files."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.imports.support import run_command, sims_csv
from widen.audit.models import AuditEvent
from widen.learners.models import ImportColumnMapping, Learner
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells, xlsx_bytes
from widen.testing.world import World

pytestmark = pytest.mark.django_db


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
