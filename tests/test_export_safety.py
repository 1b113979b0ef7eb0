"""Every file people open in a spreadsheet is safe from formula injection (SECURITY 18).

A payload corpus goes through every export path; the output is reopened with `csv` and openpyxl
and no cell may be read as a formula: each payload comes back whole, behind a `'`.
"""

from __future__ import annotations

import ast
import csv
import io
import unicodedata
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from widen.accounts.models import Role
from widen.audit.services import access_log_record
from widen.core import request_context
from widen.core.spreadsheets import csv_download, safe_cell, xlsx_download
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells, xlsx_bytes
from widen.testing.world import World

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\n\n@SUM(A1)",
    "\0=1+1",
    " =1+1",
    "   +1",
    '"=1+1"',
    '" =HYPERLINK("http://evil.example")',
    "\u00a0=1+1",
    "\u3000=1+1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "﹦1+1",
    "\ufeff=1+1",
]
HARMLESS = ["Amara", "O'Brien", "'t Hooft", "Smith-Jones", "a=b", "Siân", ""]

TRIGGERS = ("=", "+", "-", "@")


def spreadsheet_would_run(cell: str) -> bool:
    """Whether a spreadsheet could read this cell as a formula, now or after trimming its front."""
    if cell.startswith("'"):
        return False
    folded = unicodedata.normalize("NFKC", cell)
    if folded[:1] in ("\t", "\r", "\n", "\0"):
        return True
    trimmed = folded.lstrip(" \t\r\n\0\x0b\x0c\"'\u00a0\u3000\ufeff")
    return trimmed.startswith(TRIGGERS)


def test_the_check_itself_sees_every_payload_as_dangerous() -> None:
    assert all(spreadsheet_would_run(payload) for payload in PAYLOADS)
    assert not any(spreadsheet_would_run(text) for text in HARMLESS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_cell_neutralises_and_keeps_the_text(payload: str) -> None:
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("text", HARMLESS)
def test_safe_cell_leaves_ordinary_text_alone(text: str) -> None:
    assert safe_cell(text) == text


def test_numbers_stay_numbers() -> None:
    assert safe_cell(-3) == "-3"
    assert safe_cell(None) == ""


def test_csv_reopened_has_no_formula() -> None:
    content = csv_download([["heading"], *([payload] for payload in PAYLOADS)])
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    cells = [row[0] for row in rows[1:]]
    assert cells == ["'" + payload for payload in PAYLOADS]
    assert not any(spreadsheet_would_run(cell) for cell in cells)


def test_xlsx_reopened_has_no_formula(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    path.write_bytes(xlsx_download([("Payloads", [[payload] for payload in PAYLOADS])]))
    sheet = load_workbook(path).active
    assert sheet is not None
    cells = [row[0].value for row in sheet.iter_rows()]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row)
    assert len(cells) == len(PAYLOADS)
    assert not any(spreadsheet_would_run(str(cell)) for cell in cells if cell)
    # Control characters XML cannot hold are shown, not dropped, so nothing is lost silently.
    assert "'\\x00=1+1" in cells


# The export paths, end to end ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_failed_rows_files_neutralise_every_payload(
    world: World, client_for: Callable[..., Client], tmp_path: Path, file_format: str
) -> None:
    client = client_for(world.users[Role.OUTREACH_OFFICER])
    payloads = [p for p in PAYLOADS if "\0" not in p]
    rows = pupil_rows(len(payloads))
    for row, payload in zip(rows, payloads, strict=True):
        row["first_name"] = payload
    headings = MIS_HEADINGS["SIMS"]
    if file_format == "xlsx":
        content = xlsx_bytes(rows, headings)
    else:
        content = csv_bytes(table_cells(rows, headings))
    response = client.post(
        reverse("learners:import_start"),
        {
            "organisation": str(world.alpha.id),
            "school": str(world.school.id),
            "pupil_list": SimpleUploadedFile(f"pupils.{file_format}", content),
        },
    )
    run_id = response["Location"].rstrip("/").split("/")[-1]
    download = client.get(reverse("learners:import_failed_rows", args=[run_id]))
    assert download.status_code == 200
    if file_format == "xlsx":
        path = tmp_path / "fix.xlsx"
        path.write_bytes(download.content)
        sheet = load_workbook(path).active
        assert sheet is not None
        cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    else:
        reader = csv.reader(io.StringIO(download.content.decode("utf-8-sig"), newline=""))
        cells = [cell for row in reader for cell in row]
    assert not [cell for cell in cells if spreadsheet_would_run(cell)]
    # Every payload came back, neutralised rather than dropped: the person can see what to fix.
    # (openpyxl writes a text starting with "=" as a formula, so the XLSX given has no such text.)
    given = [p for p in payloads if file_format == "csv" or not p.startswith("=")]
    assert sum(cell.startswith("'") for cell in cells) >= len(given)


@pytest.mark.django_db
def test_who_accessed_neutralises_every_payload(world: World) -> None:
    # PostgreSQL keeps no NUL in text, so such a purpose never reaches the log there.
    stored = [p for p in PAYLOADS if connection.vendor != "postgresql" or "\0" not in p]
    for payload in stored:
        with request_context.bind(source="web", request_id=payload[:60]):
            access_log_record(
                actor=world.users["outreach_officer"],
                learner_ids=[world.learner_alpha.id],
                data_categories=["identity"],
                purpose=payload,
            )
    today = timezone.localdate().isoformat()
    out = StringIO()
    call_command(
        "who_accessed",
        "--learners",
        str(world.learner_alpha.id),
        "--from",
        today,
        "--to",
        today,
        stdout=out,
        stderr=StringIO(),
    )
    rows = list(csv.reader(StringIO(out.getvalue(), newline="")))
    assert not [(cell, row) for row in rows for cell in row if spreadsheet_would_run(cell)]
    purposes = {row[rows[0].index("purpose")] for row in rows[1:]}
    assert {"'" + payload for payload in stored} <= purposes


def test_no_export_writes_a_spreadsheet_except_through_safe_cell() -> None:
    """Any module that writes CSV or XLSX goes through `widen.core.spreadsheets`."""
    root = Path(__file__).resolve().parent.parent / "widen"
    # Files that write data for Widen to read back (demo and test pupil lists), not exports.
    not_exports = {"demo/builder.py", "testing/pupil_lists.py", "core/spreadsheets.py"}
    unsafe = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative in not_exports or "/tests/" in relative or "/migrations/" in relative:
            continue
        source = path.read_text()
        tree = ast.parse(source)
        writes = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter"):
                writes = writes or (isinstance(node.value, ast.Name) and node.value.id == "csv")
            if isinstance(node, ast.Name) and node.id in ("Workbook", "xlsxwriter"):
                writes = True
        if writes and "safe_cell" not in source:
            unsafe.append(relative)
    assert unsafe == []
