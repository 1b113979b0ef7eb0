"""`widen data fetch` against a local HTTP server serving official-format files."""

from __future__ import annotations

import http.server
import io
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from widen.reference.models import AreaDeprivation, DatasetEdition, PostcodeArea

pytestmark = pytest.mark.django_db
EXTRACTS = Path(__file__).parent / "targeting" / "data"
FILE_1 = "File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx"
FILE_3 = "File_3_-_IoD2019_Supplementary_Indices_-_IDACI_and_IDAOPI.xlsx"


class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        return

    def do_GET(self) -> None:  # noqa: N802 - the base's name
        if self.path.endswith("cut-short.csv"):
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"pcds,lsoa11cd\nE1 6AN,E01032739\n")
            return
        super().do_GET()


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[str]:
    """The official file names, served from a folder, as a mirror of the publishers would."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    shutil.copy(EXTRACTS / "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_extract.csv", folder)
    rows = (EXTRACTS / "File_3_-_IoD2019_Supplementary_Indices_extract.csv").read_text()
    records = [line.split(",") for line in rows.splitlines()]
    for name, columns in ((FILE_1, 6), (FILE_3, 10)):
        workbook = Workbook()
        notes = workbook.active
        assert notes is not None
        notes.title = "Notes"
        notes.append(["English Indices of Deprivation 2019"])
        data = workbook.create_sheet("IoD2019")
        for record in records:
            data.append([int(cell) if cell.isdigit() else cell for cell in record[:columns]])
        workbook.save(folder / name)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *args: Handler(*args, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_fetch_downloads_the_official_files_and_loads_them(mirror: str) -> None:
    out = io.StringIO()
    call_command("data", "fetch", "iod2019", "--mirror", mirror, stdout=out, stderr=io.StringIO())
    assert out.getvalue().count("Loaded 2 rows of English Indices of Deprivation 2019") == 2
    editions = DatasetEdition.objects.filter(dataset="iod2019").order_by("file_name")
    assert [edition.file_name for edition in editions] == [FILE_1, FILE_3]
    assert [edition.measures for edition in editions] == [["imd"], ["idaci", "imd"]]
    idaci = AreaDeprivation.objects.get(edition=editions[1], measure="idaci", area="E01003559")
    assert (idaci.rank, idaci.decile) == (12969, 4)
    # Fetching again finds the same files already loaded and changes nothing.
    call_command("data", "fetch", "iod2019", "--mirror", mirror, stdout=out, stderr=io.StringIO())
    assert "already loaded" in out.getvalue()
    assert DatasetEdition.objects.count() == 2


def test_fetch_from_a_url_names_the_edition_from_the_file(mirror: str) -> None:
    url = f"{mirror}/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_extract.csv"
    call_command("data", "fetch", "postcodes", "--url", url, stdout=io.StringIO())
    edition = DatasetEdition.objects.get(dataset="postcodes")
    assert edition.edition == "May 2022"
    assert PostcodeArea.objects.filter(edition=edition).count() == 7


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["iod2019", "--url", "{mirror}/missing.csv"], "answered 404"),
        (["postcodes", "--url", "{mirror}/cut-short.csv"], "stopped"),
        (["postcodes"], "has no fixed download address"),
        (["gias", "--url", "file:///etc/passwd"], "Only http and https"),
        (["simd2020", "--mirror", "http://127.0.0.1:9"], "could not be reached"),
    ],
)
def test_a_failed_fetch_says_why_and_loads_nothing(
    mirror: str, arguments: list[str], message: str
) -> None:
    err = io.StringIO()
    with pytest.raises(CommandError, match="could not be fetched"):
        call_command(
            "data",
            "fetch",
            *[argument.format(mirror=mirror) for argument in arguments],
            stdout=io.StringIO(),
            stderr=err,
        )
    assert message in err.getvalue()
    assert DatasetEdition.objects.count() == 0
