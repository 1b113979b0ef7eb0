"""Every download: formula-safe cells, a safe file name in a correct header, identity columns left
out unless the person may see identities, and the access log written before the file goes."""

from __future__ import annotations

import csv
import io
from email.message import Message
from typing import Any
from urllib.parse import unquote

import pytest
from django.http.response import HttpResponseBase
from openpyxl import load_workbook

from widen.audit.models import AccessLogEntry
from widen.audit.services import access_log_record
from widen.core import request_context
from widen.core.downloads import (
    NO_PERSONAL_DATA,
    Column,
    Sheet,
    content_disposition,
    file_download,
    safe_file_name,
    table_download,
)
from widen.organisations.models import DataCategory
from widen.testing.world import World

COLUMNS = [Column("Pseudonym"), Column("Name", identity=True), Column("School")]
ROWS = [
    ["P-1", "Amara Okafor", '=HYPERLINK("http://evil.example","Click")'],
    ["P-2", "+44 7700 900123", "@SUM(A1:A9)"],
    ["P-3", "Bea", " -2+3"],
]


def _body(response: HttpResponseBase) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def _csv(response: HttpResponseBase) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"), newline="")))


def _file_name(header: str) -> tuple[str, str]:
    """The `filename` and the decoded `filename*` a browser reads from the header."""
    message = Message()
    message["Content-Disposition"] = header
    plain = message.get_param("filename", header="Content-Disposition")
    extended = header.split("filename*=UTF-8''", 1)[1] if "filename*=" in header else ""
    return str(plain), unquote(extended)


def _named_download(file_name: str, **options: Any) -> HttpResponseBase:
    """The test rows downloaded by someone who may see who the learners are."""
    return table_download(
        file_name=file_name,
        columns=COLUMNS,
        rows=ROWS,
        identities=True,
        access_log=NO_PERSONAL_DATA,
        **options,
    )


def test_formula_cells_are_neutralised_in_csv() -> None:
    response = _named_download("pupils")

    rows = _csv(response)

    assert rows[0] == ["Pseudonym", "Name", "School"]
    assert [row[2] for row in rows[1:]] == [
        '\'=HYPERLINK("http://evil.example","Click")',
        "'@SUM(A1:A9)",
        "' -2+3",
    ]
    assert rows[2][1] == "'+44 7700 900123"
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_formula_cells_are_text_in_xlsx_and_further_sheets_are_kept() -> None:
    response = _named_download(
        "pupils.xlsx",
        file_format="xlsx",
        sheet_name="Pupils",
        more_sheets=[Sheet("Guidance", ["Column", "What to put"], [["Name", "=1+1"]])],
    )

    workbook = load_workbook(io.BytesIO(_body(response)))

    assert workbook.sheetnames == ["Pupils", "Guidance"]
    pupils = workbook["Pupils"]
    assert pupils["C2"].value == '\'=HYPERLINK("http://evil.example","Click")'
    assert pupils["C2"].data_type == "s"
    assert workbook["Guidance"]["B2"].value == "'=1+1"
    assert response["Content-Disposition"].startswith('attachment; filename="pupils.xlsx"')


def test_identity_columns_are_left_out_unless_the_person_may_see_identities() -> None:
    by_default = _csv(
        table_download(file_name="pupils", columns=COLUMNS, rows=ROWS, access_log=NO_PERSONAL_DATA)
    )
    named = _csv(_named_download("pupils"))

    assert by_default[0] == ["Pseudonym", "School"]
    assert "Amara Okafor" not in str(by_default)
    assert all(len(row) == 2 for row in by_default)  # noqa: PLR2004
    assert named[1][1] == "Amara Okafor"


@pytest.mark.django_db
def test_the_access_log_is_written_before_the_file_is_sent(world: World) -> None:
    officer = world.users["outreach_officer"]
    learner = world.learner_beta

    def log() -> None:
        access_log_record(
            actor=officer,
            learner_ids=[learner.pk],
            data_categories=[DataCategory.IDENTITY],
            purpose="pupil list download",
        )

    with request_context.bind(source="test"):
        response = table_download(
            file_name="pupils", columns=COLUMNS, rows=ROWS, identities=True, access_log=log
        )

    entry = AccessLogEntry.objects.get(purpose="pupil list download")
    assert (entry.learner_id, entry.actor_id) == (learner.pk, officer.pk)
    assert entry.data_categories == [DataCategory.IDENTITY]
    assert len(_csv(response)) == 4  # noqa: PLR2004


def test_a_download_that_cannot_be_logged_is_not_sent() -> None:
    def broken_log() -> None:
        raise RuntimeError("the access log cannot be written")

    with pytest.raises(RuntimeError):
        table_download(file_name="pupils", columns=COLUMNS, rows=ROWS, access_log=broken_log)
    with pytest.raises(TypeError):
        table_download(file_name="pupils", columns=COLUMNS, rows=ROWS, access_log=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "hostile",
    [
        '../../etc/passwd"; filename="evil.exe',
        "..\\..\\windows\\system32\\pupils",
        "pupils\r\nSet-Cookie: session=stolen",
        "pupils\x00.exe",
        "CON<>:|?*",
        "." * 300,
    ],
)
def test_a_hostile_file_name_is_made_safe(hostile: str) -> None:
    response = table_download(
        file_name=hostile, columns=COLUMNS, rows=ROWS, access_log=NO_PERSONAL_DATA
    )

    header = response["Content-Disposition"]
    plain, extended = _file_name(header)

    assert "\r" not in header
    assert "\n" not in header
    assert header.count("; filename=") == 1
    for name in (plain, extended or plain):
        assert name.endswith(".csv")
        assert not {"/", "\\", '"', "\x00", ":", "<", ">", "|", "?", "*"} & set(name)
        assert not name.startswith(".")
        assert len(name) <= 120  # noqa: PLR2004


def test_a_name_in_other_letters_keeps_them_for_browsers_that_read_them() -> None:
    response = file_download(
        b"%PDF-1.7",
        file_name="Élèves de Newham – rapport.pdf",
        content_type="application/pdf",
        access_log=NO_PERSONAL_DATA,
    )

    plain, extended = _file_name(response["Content-Disposition"])

    assert plain == "Eleves de Newham - rapport.pdf"
    assert extended == "Élèves de Newham – rapport.pdf"
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_safe_file_names_keep_their_extension_once() -> None:
    assert safe_file_name("report.csv", extension="csv") == "report.csv"
    assert safe_file_name("report", extension=".CSV") == "report.csv"
    assert safe_file_name("", extension="xlsx") == "download.xlsx"
    assert content_disposition("a.ics", inline=True) == 'inline; filename="a.ics"'
