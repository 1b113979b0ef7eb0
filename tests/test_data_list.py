"""`widen data list`: two loads of one edition can be told apart, and the one in use is marked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from widen.reference.models import DatasetEdition
from widen.reference.services import dataset_load

pytestmark = pytest.mark.django_db
EXTRACTS = Path(__file__).parent / "targeting" / "data"


def test_two_may_2022_editions_differ_by_file_checksum_rows_and_which_is_in_use() -> None:
    older = dataset_load("postcodes", EXTRACTS / "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_extract.csv")
    newer = dataset_load("postcodes", EXTRACTS / "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_edge_cases.csv")
    assert older.edition.edition == newer.edition.edition == "May 2022"
    out = io.StringIO()
    call_command("data", "list", stdout=out)
    lines = out.getvalue().splitlines()
    header, rows = lines[0], lines[1:]
    assert "SHA-256" in header
    assert "In use" in header
    by_id = {int(row.split()[0]): row for row in rows}
    first, second = by_id[older.edition.pk], by_id[newer.edition.pk]
    assert first != second
    assert older.edition.file_sha256[:12] in first
    assert newer.edition.file_sha256[:12] in second
    assert "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_extract.csv" in first
    assert f"{newer.edition.row_count:,}" in second
    # Only the edition loaded last is used for new work.
    assert "  yes  " in second
    assert "  yes  " not in first
    assert DatasetEdition.objects.count() == 2
