"""A tiny workbook whose sheet runs to XFD200000 is refused on every path before it is read.

The spreadsheet reader builds a sheet as a grid from A1 to its furthest cell: a 1.6 KB XLSX with
cells at A1 and XFD200000 asks it for 3,276,800,000 cells (about 100 GB) and the process dies.
These tests never let the reader see such a file: an autouse tripwire stands in front of it and
fails the test (instead of the process) should a refused workbook ever get that far.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from html import escape
from pathlib import Path
from typing import Any

import pytest
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from tests.evaluation.support import officer
from widen.accounts.models import Role
from widen.activities.imports import register_import_start
from widen.activities.models import RegisterImport, Session
from widen.core.exceptions import ApplicationError
from widen.core.spreadsheet_guard import SheetLimits, WorkbookTooBigError, check_workbook
from widen.core.tabular import TableError, read_table
from widen.evaluation.imports import scale_import_start
from widen.evaluation.models import Scale, ScaleImport
from widen.learners.imports.services import learner_import_start
from widen.learners.models import ImportRun, Learner
from widen.reference.models import DatasetEdition
from widen.reference.reading import DatasetError
from widen.reference.services import dataset_load
from widen.testing.delivery import student_finance_talk
from widen.testing.pupil_lists import MIS_HEADINGS, pupil_rows, xlsx_bytes
from widen.testing.world import World

pytestmark = pytest.mark.django_db

LIMITS = SheetLimits(max_rows=250_011, max_columns=200)
FAR = "runs to column XFD and row 200,000"
SAYS_FAR = "says it runs to column XFD and row 200,000"
IOD_EXTRACT = (
    Path(__file__).parent.parent
    / "targeting"
    / "data"
    / "File_3_-_IoD2019_Supplementary_Indices_extract.csv"
)

# --- Workbooks written by hand --------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package'
    '/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org'
    '/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Pupils" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org'
    '/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_by_hand(sheet_data: str, *, dimension: str | None = "A1:XFD200000") -> bytes:
    """A workbook of one sheet, 'Pupils', holding exactly `sheet_data`."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
        f'/spreadsheetml/2006/main">{declared}<sheetData>{sheet_data}</sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


FAR_CELLS = (
    '<row r="1">' + text_cell("A1", "Surname") + "</row>"
    '<row r="200000">' + text_cell("XFD200000", "x") + "</row>"
)
# The file of the report: cells at A1 and XFD200000, and a dimension that says so.
KILLER = xlsx_by_hand(FAR_CELLS)
# The same cells with a dimension that lies, and with none at all.
LYING = xlsx_by_hand(FAR_CELLS, dimension="A1:B2")
UNDECLARED = xlsx_by_hand(FAR_CELLS, dimension=None)


def ods_by_hand(table_body: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Data">'
        f"{table_body}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:'
        'tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
        'manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def ods_cell(text: str, repeated: int = 1) -> str:
    repeat = f' table:number-columns-repeated="{repeated}"' if repeated > 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{repeat}><text:p>{escape(text)}</text:p>'
        "</table:table-cell>"
    )


def ods_row(cells: str, repeated: int = 1) -> str:
    repeat = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
    return f"<table:table-row{repeat}>{cells}</table:table-row>"


# A value repeated across 16,384 columns, in a row repeated 200,000 times: 3.3 billion cells.
REPEATED_ODS = ods_by_hand(ods_row(ods_cell("x", 16_384), 200_000))

REFUSED = {KILLER, LYING, UNDECLARED, REPEATED_ODS}


class _Tripwire:
    """Stands in for the reader: reaching it with a refused workbook fails the test."""

    real = python_calamine.CalamineWorkbook

    @classmethod
    def from_filelike(cls, filelike: Any) -> Any:
        content = filelike.read()
        if any(content == refused for refused in REFUSED) or content in _extra_refused:
            pytest.fail("The spreadsheet reader was reached with a workbook that must be refused")
        return cls.real.from_filelike(io.BytesIO(content))


_extra_refused: set[bytes] = set()


@pytest.fixture(autouse=True)
def tripwire(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(python_calamine, "CalamineWorkbook", _Tripwire)
    yield
    _extra_refused.clear()


def refuses(content: bytes) -> bytes:
    _extra_refused.add(content)
    return content


# --- The measure itself ---------------------------------------------------------------------


def test_the_file_of_the_report_is_small() -> None:
    assert len(KILLER) < 2_000


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (KILLER, "Sheet 'Pupils' " + SAYS_FAR),
        (LYING, "Sheet 'Pupils' " + FAR),
        (UNDECLARED, "Sheet 'Pupils' " + FAR),
    ],
)
def test_a_sheet_running_far_is_refused_naming_the_limits(content: bytes, message: str) -> None:
    with pytest.raises(WorkbookTooBigError) as refused:
        check_workbook(content, LIMITS)
    assert message in refused.value.message
    assert "at most 200 columns, 250,011 rows and 10,000,000 cells" in refused.value.message


@pytest.mark.parametrize(
    "sheet_data",
    [
        # Cells with no reference follow the row's: 201 of them reach column GS.
        '<row r="1">' + "<c><v>1</v></c>" * 201 + "</row>",
        # A row with no number follows the one before it.
        '<row r="250011"><c><v>1</v></c></row><row><c><v>1</v></c></row>',
        # A self-closing row or cell is skipped by the reader: it does not move the count back.
        '<row r="250011"><c r="A250011"><v>1</v></c></row><row r="1"/><row><c><v>1</v></c></row>',
        '<row r="1"><c r="GR1"><v>1</v></c><c r="A1"/><c><v>1</v></c></row>',
        # Cells with a namespace prefix, single quotes, or spaces around '='.
        '<x:row r="1"><x:c r="XFD1"><x:v>1</x:v></x:c></x:row>',
        "<row r='1'><c r='XFD1'><v>1</v></c></row>",
        '<row r="1"><c t="n" r = "XFD1"><v>1</v></c></row>',
        # A '>' inside another attribute's value does not hide the reference.
        '<row r="1"><c s="a>b" r="XFD1"><v>1</v></c></row>',
        # Many cells, each within the columns and rows allowed: 300 columns by 40,000 rows.
        '<row r="40000"><c r="KN40000"><v>1</v></c></row>',
    ],
)
def test_every_way_of_placing_a_cell_is_measured(sheet_data: str) -> None:
    with pytest.raises(WorkbookTooBigError, match="more than Widen reads"):
        check_workbook(xlsx_by_hand(sheet_data, dimension=None), LIMITS)


def test_a_reference_that_cannot_be_read_refuses_the_file() -> None:
    with pytest.raises(WorkbookTooBigError, match="damaged"):
        check_workbook(
            xlsx_by_hand('<row r="1"><c r="&#88;FD1"><v>1</v></c></row>', dimension=None), LIMITS
        )


def test_a_sheet_in_utf_16_is_measured_too() -> None:
    sheet = (
        '<?xml version="1.0" encoding="UTF-16"?><worksheet xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main"><sheetData>' + FAR_CELLS + "</sheetData></worksheet>"
    ).encode("utf-16")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(KILLER)) as source, zipfile.ZipFile(buffer, "w") as archive:
        for entry in source.infolist():
            data = source.read(entry)
            archive.writestr(
                entry.filename, sheet if entry.filename.endswith("sheet1.xml") else data
            )
    with pytest.raises(WorkbookTooBigError, match=FAR):
        check_workbook(buffer.getvalue(), LIMITS)


def test_a_part_that_unpacks_to_more_than_it_says_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData>" + FAR_CELLS)
    content = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        entry = archive.getinfo("xl/worksheets/sheet1.xml")
    # Say, in the central directory, that the sheet is 40 bytes: the far cell comes later.
    directory = content.rfind(b"PK\x01\x02", 0, len(content))
    while content[directory + 46 : directory + 46 + len(entry.filename)] != entry.filename.encode():
        directory = content.rfind(b"PK\x01\x02", 0, directory)
    content[directory + 24 : directory + 28] = (40).to_bytes(4, "little")
    with pytest.raises(WorkbookTooBigError, match="damaged"):
        check_workbook(bytes(content), LIMITS)


def test_repeated_rows_and_columns_of_an_ods_are_counted_as_the_reader_expands_them() -> None:
    with pytest.raises(
        WorkbookTooBigError, match="Sheet 'Data' runs to column XFD and row 200,000"
    ):
        check_workbook(REPEATED_ODS, LIMITS)
    far_row = ods_by_hand(
        ods_row(ods_cell("a")) + ods_row("<table:table-cell/>", 300_000) + ods_row(ods_cell("b"))
    )
    with pytest.raises(WorkbookTooBigError, match="row 300,002"):
        check_workbook(far_row, LIMITS)


def test_the_empty_rows_and_columns_a_spreadsheet_program_saves_after_the_data_are_fine() -> None:
    trailing = ods_by_hand(
        ods_row(ods_cell("a") + '<table:table-cell table:number-columns-repeated="16383"/>')
        + ods_row('<table:table-cell table:number-columns-repeated="16384"/>', 1_048_575)
    )
    check_workbook(trailing, LIMITS)


def test_ordinary_workbooks_pass() -> None:
    check_workbook(xlsx_bytes(pupil_rows(50), MIS_HEADINGS["SIMS"]), LIMITS)
    check_workbook(xlsx_by_hand(text_cell("A1", "a"), dimension="A1"), LIMITS)
    # A cell of 3 MB of text (more than Excel allows) is read past, not taken for damage.
    check_workbook(
        xlsx_by_hand('<row r="1">' + text_cell("A1", "x" * 3_000_000) + "</row>", dimension="A1"),
        LIMITS,
    )


# --- Every upload path ----------------------------------------------------------------------


@pytest.mark.parametrize("content", [KILLER, LYING, UNDECLARED])
def test_read_table_refuses_before_reading(content: bytes) -> None:
    with pytest.raises(TableError, match="more than Widen reads"):
        read_table(content, "pupils.xlsx")


@pytest.mark.parametrize("content", [KILLER, LYING, UNDECLARED])
def test_the_pupil_list_upload_page_refuses_and_keeps_nothing(
    world: World, client_for: Callable[..., Client], content: bytes
) -> None:
    client = client_for(world.users[Role.OUTREACH_OFFICER])
    held = Learner.objects.count()
    response = client.post(
        reverse("learners:import_start"),
        {
            "organisation": str(world.alpha.id),
            "school": str(world.school.id),
            "pupil_list": SimpleUploadedFile("pupils.xlsx", content),
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "column XFD and row 200,000" in page
    assert "Save only the columns and rows of the list" in page
    assert Learner.objects.count() == held
    assert not ImportRun.objects.filter(rows_created__gt=0).exists()


def test_the_pupil_list_service_refuses(world: World) -> None:
    with pytest.raises(ApplicationError, match=SAYS_FAR):
        learner_import_start(
            actor=world.users[Role.OUTREACH_OFFICER],
            organisation=world.alpha,
            school=world.school,
            file_name="pupils.xlsx",
            content=KILLER,
        )


def _command(*args: str) -> tuple[int, str]:
    """The exit status, and what the command wrote (out and err) or stopped with."""
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=out)
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue()
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def test_widen_import_learners_exits_2_saying_why(world: World, tmp_path: Path) -> None:
    path = tmp_path / "pupils.xlsx"
    path.write_bytes(KILLER)
    held = Learner.objects.count()
    code, out = _command("import", "learners", str(path), "--organisation", world.school.urn)
    assert code == 2
    assert SAYS_FAR in out
    assert Learner.objects.count() == held


def _session(world: World) -> Session:
    return student_finance_talk(world, actor=world.users[Role.OUTREACH_OFFICER])


def test_the_register_import_refuses_on_the_page_and_the_command(
    world: World, tmp_path: Path
) -> None:
    session = _session(world)
    actor = world.users[Role.OUTREACH_OFFICER]
    with pytest.raises(ApplicationError, match=SAYS_FAR):
        register_import_start(actor=actor, session=session, file_name="r.xlsx", content=KILLER)
    page = signed_in_client(actor).post(
        reverse("activities:register_import", args=[session.pk]),
        {"register": SimpleUploadedFile("register.xlsx", LYING)},
    )
    assert page.status_code == 200
    assert FAR in page.content.decode()
    path = tmp_path / "register.xlsx"
    path.write_bytes(UNDECLARED)
    code, out = _command(
        "import", "register", str(path), "--session", str(session.pk), "--user", actor.username
    )
    assert code == 2
    assert FAR in out
    assert not RegisterImport.objects.exists()
    assert not session.register.exists()


def test_the_scale_import_refuses_on_the_page_and_the_command(world: World, tmp_path: Path) -> None:
    with pytest.raises(ApplicationError, match=SAYS_FAR):
        scale_import_start(
            actor=officer(world), partnership=world.north, file_name="items.xlsx", content=KILLER
        )
    assert not ScaleImport.objects.exists()
    client = signed_in_client(officer(world))
    page = client.post(
        reverse("evaluation:scale_import", kwargs={"partnership_id": world.north.pk}),
        {"items_file": SimpleUploadedFile("items.xlsx", LYING), "source": "taso_asq"},
        follow=True,
    )
    assert page.status_code == 200
    assert FAR in page.content.decode()
    path = tmp_path / "items.xlsx"
    path.write_bytes(UNDECLARED)
    code, out = _command(
        "evaluation",
        "import-scales",
        str(path),
        "--partnership",
        str(world.north.pk),
        "--user",
        officer(world).username,
    )
    assert code == 2
    assert FAR in out
    assert not Scale.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("File_3.xlsx", KILLER, SAYS_FAR),
        ("File_3.xlsx", LYING, FAR),
        ("File_3.xlsx", UNDECLARED, FAR),
        ("File_3.ods", REPEATED_ODS, FAR),
    ],
)
def test_widen_data_load_refuses_and_loads_nothing(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DatasetError, match=message):
        dataset_load("iod2019", path)
    with pytest.raises(CommandError) as refused:
        call_command("data", "load", "iod2019", str(path), stderr=io.StringIO())
    assert refused.value.returncode == 2
    assert message in str(refused.value)
    assert not DatasetEdition.objects.exists()


def test_a_published_workbook_saved_with_trailing_empty_rows_still_loads(tmp_path: Path) -> None:
    lines = list(csv.reader(IOD_EXTRACT.read_text().splitlines()))
    body = "".join(
        ods_row(
            "".join(ods_cell(cell) for cell in line)
            + '<table:table-cell table:number-columns-repeated="1000"/>'
        )
        for line in lines
    ) + ods_row('<table:table-cell table:number-columns-repeated="1024"/>', 1_048_000)
    path = tmp_path / "File_3.ods"
    path.write_bytes(ods_by_hand(body))
    loaded = dataset_load("iod2019", path)
    assert loaded.edition.row_count == len(lines) - 1
