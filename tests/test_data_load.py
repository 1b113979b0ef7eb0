"""`widen data load`: official layouts load as editions; a bad file loads nothing and says why."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from widen.reference.models import (
    AreaDeprivation,
    DatasetEdition,
    Establishment,
    PostcodeArea,
    PostcodeWard,
)
from widen.reference.reading import DatasetError
from widen.reference.services import dataset_load

pytestmark = pytest.mark.django_db
EXTRACTS = Path(__file__).parent / "targeting" / "data"
ONS = (EXTRACTS / "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_extract.csv").read_text()
IOD = (EXTRACTS / "File_3_-_IoD2019_Supplementary_Indices_extract.csv").read_text()
GIAS = EXTRACTS / "edubasealldata_newham_extract.csv"


def _file(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _nothing_loaded() -> None:
    assert DatasetEdition.objects.count() == 0
    assert PostcodeArea.objects.count() == 0
    assert AreaDeprivation.objects.count() == 0
    assert Establishment.objects.count() == 0


def test_a_file_loads_once_as_an_edition(tmp_path: Path) -> None:
    path = _file(tmp_path, "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.csv", ONS)
    first = dataset_load("postcodes", path)
    assert not first.already_loaded
    edition = first.edition
    assert (edition.edition, edition.row_count, edition.publisher) == (
        "May 2022",
        7,
        "Office for National Statistics",
    )
    assert len(edition.file_sha256) == 64
    area = PostcodeArea.objects.get(edition=edition, postcode="NPT 0AD")
    assert (area.country, area.lsoa, area.terminated) == ("W", "W01001693", "198412")
    again = dataset_load("postcodes", path)
    assert again.already_loaded
    assert again.edition == edition
    assert "nothing changed" in again.summary()
    assert PostcodeArea.objects.count() == 7


def test_gias_in_windows_1252_loads_with_its_names_intact(tmp_path: Path) -> None:
    text = GIAS.read_text().replace("St Angela's", "St Angéla\u2019s")
    path = _file(tmp_path, "edubasealldata20250524.csv", text.encode("cp1252"))
    edition = dataset_load("gias", path).edition
    assert edition.edition == "24 May 2025"
    school = Establishment.objects.get(edition=edition, urn="102786")
    assert school.name == "St Angéla\u2019s Ursuline School"
    assert (str(school.percentage_fsm), school.number_of_pupils, school.state_funded) == (
        "32.8",
        1297,
        True,
    )


def test_an_establishment_without_a_uk_postcode_loads_without_one_and_is_reported(
    tmp_path: Path,
) -> None:
    text = GIAS.read_text().replace(",E12 6JB,", ",2036,")
    result = dataset_load("gias", _file(tmp_path, "edubasealldata20250524.csv", text))
    assert Establishment.objects.get(urn="102776").postcode == ""
    assert result.warnings == ["Postcode is not a UK postcode and was left blank: line 2 ('2036')."]
    assert "line 2 ('2036')" in result.summary()


def test_code_point_open_loads_from_its_headerless_zip(tmp_path: Path) -> None:
    import zipfile  # noqa: PLC0415

    path = tmp_path / "codepo_gb.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Doc/licence.txt", "OS OpenData")
        archive.writestr(
            "Data/CSV/e.csv",
            '"E1  6AN",10,533380,181251,"E92000001","E40000003","E18000007","","E09000001",'
            '"E05009292"\n',
        )
        archive.writestr(
            "Data/CSV/cf.csv",
            '"CF101AA",10,318407,176418,"W92000004","","","","W06000015","W05001274"\n',
        )
    edition = dataset_load("codepoint", path, edition="April 2025").edition
    wards = dict(PostcodeWard.objects.filter(edition=edition).values_list("postcode", "ward"))
    assert wards == {"E1 6AN": "E05009292", "CF10 1AA": "W05001274"}


@pytest.mark.parametrize(
    ("dataset", "name", "content", "message"),
    [
        ("postcodes", "PCD_MAY22.csv", "", "The file is empty."),
        ("postcodes", "PCD_MAY22.csv", ONS.splitlines()[0] + "\n", "has a header but no rows"),
        (
            "postcodes",
            "PCD_MAY22.csv",
            ONS.replace("W01001941", "W0100194<script>"),
            "Line 3, lsoa11cd: not an area code",
        ),
        (
            "postcodes",
            "PCD_MAY22.csv",
            ONS + ONS.splitlines()[3] + "\n",
            "Line 9, pcds: appears more than once in the file",
        ),
        (
            "postcodes",
            "PCD_MAY22.csv",
            ONS.replace("E15 4LZ,E15  4LZ,E15 4LZ", "E15 4LZ,E15  4LZ,E15 4L", 1),
            "Line 5, pcds: not a UK postcode ('E15 4L')",
        ),
        (
            "postcodes",
            "PCD_MAY22.csv",
            ONS.replace(",Belfast,\n", ",Belfast,,extra,fields\n"),
            "Line 2 has 16 fields but the header has 14",
        ),
        (
            "iod2019",
            "File_3.csv",
            IOD.replace(",13767,5,", ",thirteen,5,"),
            "Line 2, Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived): "
            "not a rank from 1 to 32,844 ('thirteen')",
        ),
        (
            "iod2019",
            "File_3.csv",
            IOD.replace(",13767,5,", ",13767,11,"),
            "not a decile from 1 to 10 ('11')",
        ),
        ("iod2019", "gias.csv", GIAS.read_text(), "missing 'LSOA code (2011)'"),
        (
            "gias",
            "edubasealldata20250524.csv",
            GIAS.read_text().replace("102776", "12776"),
            "Line 2, URN: not a 6-digit DfE URN ('12776')",
        ),
        ("postcodes", "PCD_MAY22.csv", b"\x00\x01\x02\xff\xfe" * 50, "does not have the columns"),
    ],
)
def test_a_bad_file_loads_nothing_and_says_which_line_and_why(
    tmp_path: Path, dataset: str, name: str, content: str | bytes, message: str
) -> None:
    with pytest.raises(DatasetError) as refused:
        dataset_load(dataset, _file(tmp_path, name, content))
    assert message in str(refused.value)
    _nothing_loaded()


def test_a_truncated_download_is_refused_and_the_loaded_edition_stays(tmp_path: Path) -> None:
    loaded = dataset_load("postcodes", _file(tmp_path, "PCD_MAY22_UK_LU.csv", ONS)).edition
    packed = gzip.compress(ONS.replace("May", "Nov").encode() * 20)
    with pytest.raises(DatasetError, match="damaged or incomplete"):
        dataset_load("postcodes", _file(tmp_path, "PCD_NOV22_UK_LU.csv.gz", packed[:-40]))
    cut = ONS.rsplit("\n", 2)[0][:-30] + "\n"  # the last line cut off mid-row
    with pytest.raises(
        DatasetError,
        match="Line 7 has 11 fields but the header has 14: the file ends in the middle",
    ):
        dataset_load("postcodes", _file(tmp_path, "PCD_NOV22_UK_LU.csv", cut))
    assert list(DatasetEdition.objects.all()) == [loaded]
    assert PostcodeArea.objects.count() == 7


def test_the_command_exits_2_with_the_problem_and_lists_what_is_loaded(tmp_path: Path) -> None:
    bad = _file(tmp_path, "File_3.csv", IOD.replace(",13767,5,", ",0,5,"))
    with pytest.raises(CommandError) as refused:
        call_command("data", "load", "iod2019", str(bad), stderr=io.StringIO())
    assert refused.value.returncode == 2
    assert "Line 2" in str(refused.value)
    good = _file(tmp_path, "File_3_good.csv", IOD)
    out = io.StringIO()
    call_command("data", "load", "iod2019", str(good), stdout=out, stderr=io.StringIO())
    assert "Loaded 2 rows of English Indices of Deprivation 2019" in out.getvalue()
    out = io.StringIO()
    call_command("data", "list", stdout=out)
    assert "iod2019" in out.getvalue()
    assert "File_3_good.csv" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("data", "load", "nonsense", str(good), stderr=io.StringIO())
