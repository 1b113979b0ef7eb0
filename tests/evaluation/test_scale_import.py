"""Importing scale items from CSV or XLSX (how partnerships bring in TASO's published ASQ items),
and loading the scales Widen ships."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from conftest import signed_in_client
from tests.evaluation.support import officer
from widen.accounts.models import Role
from widen.core.exceptions import ApplicationError
from widen.evaluation.imports import scale_file_check, scale_import_commit, scale_import_start
from widen.evaluation.models import Scale, ScaleImport, ScaleImportStatus, ScaleSource, ScaleStatus
from widen.evaluation.shipped import SHIPPED_SCALES, shipped_scales_load
from widen.testing.world import World

pytestmark = pytest.mark.django_db

GOOD = (
    "scale,position,code,text,reverse_scored,scoring,options\r\n"
    "Belonging at school,1,BS1,I feel part of my school.,no,mean,\r\n"
    "Belonging at school,2,BS2,I feel like an outsider at school.,yes,,\r\n"
    "Study habits,1,SH1,I plan my revision.,,sum,0=Never|1=Sometimes|2=Often\r\n"
    "Study habits,2,SH2,I finish my homework on time.,,,\r\n"
)


def _import(world: World, content: bytes, name: str = "items.csv") -> object:
    return scale_import_start(
        actor=officer(world), partnership=world.north, file_name=name, content=content
    )


def test_a_clean_file_imports_published_scales_and_a_second_time_changes_nothing(
    world: World,
) -> None:
    upload = _import(world, GOOD.encode())
    assert upload.problems == []  # type: ignore[attr-defined]
    done = scale_import_commit(actor=officer(world), upload=upload)  # type: ignore[arg-type]
    assert (done.scales_created, done.items_created) == (2, 4)
    belonging = Scale.objects.get(name="Belonging at school")
    assert belonging.status == ScaleStatus.PUBLISHED
    assert belonging.source == ScaleSource.TASO_ASQ
    assert [(i.code, i.reverse_scored) for i in belonging.items.all()] == [
        ("BS1", False),
        ("BS2", True),
    ]
    study = Scale.objects.get(name="Study habits")
    assert study.scoring == "sum"
    assert study.option_values() == [0, 1, 2]

    again = scale_import_commit(actor=officer(world), upload=_import(world, GOOD.encode()))  # type: ignore[arg-type]
    assert again.scales_created == 0
    assert Scale.objects.count() == 2


def test_changed_wording_becomes_a_new_version_and_the_published_one_stays(world: World) -> None:
    scale_import_commit(actor=officer(world), upload=_import(world, GOOD.encode()))  # type: ignore[arg-type]
    changed = GOOD.replace("I plan my revision.", "I plan my revision early.")
    scale_import_commit(actor=officer(world), upload=_import(world, changed.encode()))  # type: ignore[arg-type]
    versions = Scale.objects.filter(name="Study habits").order_by("version")
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].items.get(position=1).text == "I plan my revision."
    assert versions[1].items.get(position=1).text == "I plan my revision early."


def test_every_problem_is_named_by_row_and_column_and_nothing_is_imported(world: World) -> None:
    bad = (
        "scale,position,text,reverse_scored,scoring,options,colour\r\n"
        ",1,No scale name,,,,\r\n"
        "Belonging,one,First,,,,\r\n"
        "Belonging,2,,maybe,,,\r\n"
        "Belonging,2,Twice at two,,median,,\r\n"
        "Belonging,3,Odd options,,,1=Yes|1=No,\r\n"
    )
    upload = _import(world, bad.encode())
    problems = {(p["row"], p["column"]) for p in upload.problems}  # type: ignore[attr-defined]
    assert (1, "colour") in problems
    # The unknown column stops the check there: remove it and check again.
    upload = _import(world, bad.replace(",colour", "").replace(",,\r\n", ",\r\n").encode())
    found: dict[tuple[int, str], str] = {}
    for problem in upload.problems:  # type: ignore[attr-defined]
        key = (problem["row"], problem["column"])
        found[key] = " ".join(filter(None, [found.get(key, ""), problem["message"]]))
    assert found[(2, "scale")] == "Give the scale's name."
    assert "whole number" in found[(3, "position")]
    assert found[(4, "text")] == "Give the item's wording."
    assert found[(4, "reverse_scored")] == "Write yes or no."
    assert "two items at place 2" in found[(5, "position")]
    assert found[(5, "scoring")] == "Write mean or sum."
    assert "used twice" in found[(6, "options")]
    with pytest.raises(ApplicationError, match="Nothing was imported"):
        scale_import_commit(actor=officer(world), upload=upload)  # type: ignore[arg-type]
    assert not Scale.objects.exists()


def test_xlsx_files_are_read_and_unusable_files_are_refused_clearly(world: World) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in GOOD.strip().split("\r\n"):
        sheet.append(row.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = _import(world, buffer.getvalue(), "items.xlsx")
    assert upload.problems == []  # type: ignore[attr-defined]
    # A file that cannot be read is refused, saying why, and nothing is kept.
    with pytest.raises(ApplicationError, match="not an Excel workbook"):
        _import(world, b"not a zip", "items.xlsx")
    with pytest.raises(ApplicationError, match="macros"):
        _import(world, buffer.getvalue(), "items.xlsm")
    assert ScaleImport.objects.count() == 1


def test_the_import_pages_check_then_import(world: World) -> None:
    client = signed_in_client(officer(world))
    page = client.post(
        reverse("evaluation:scale_import", kwargs={"partnership_id": world.north.pk}),
        {"items_file": SimpleUploadedFile("items.csv", GOOD.encode()), "source": "taso_asq"},
    )
    assert page.status_code == 302
    check = client.get(page["Location"])
    assert "Added and published" in check.content.decode()
    assert not Scale.objects.exists()
    commit_url = page["Location"] + "import/"
    other = signed_in_client(world.users[Role.EVALUATOR])
    assert other.post(commit_url).status_code == 404  # another person's upload
    assert client.post(commit_url).status_code == 302
    assert Scale.objects.count() == 2
    upload_status = Scale.objects.filter(status=ScaleStatus.PUBLISHED).count()
    assert upload_status == 2

    assert ScaleImport.objects.get().status == ScaleImportStatus.COMMITTED
    # Within the rollback period, the page undoes it: the scales it added are gone.
    check = client.get(page["Location"]).content.decode()
    assert "Roll back this import" in check
    roll_back_url = page["Location"] + "roll-back/"
    assert other.post(roll_back_url).status_code == 404
    done = client.post(roll_back_url, follow=True).content.decode()
    assert "Rolled back: the scales this file added are gone." in done
    assert "rolled back on" in done
    assert not Scale.objects.exists()
    assert ScaleImport.objects.get().status == ScaleImportStatus.ROLLED_BACK


def test_the_shipped_scales_load_once_and_refuse_changed_wording_without_force(
    world: World, tmp_path: Path
) -> None:
    call_command("evaluation", "load-scales")
    shipped = Scale.objects.filter(partnership=None)
    assert shipped.count() == 3
    assert all(scale.is_published and scale.source == "widen" for scale in shipped)
    assert shipped_scales_load().unchanged  # loading again changes nothing
    changed = tmp_path / "scales.yaml"
    changed.write_text(
        SHIPPED_SCALES.read_text().replace("I plan my work before I start it.", "I plan ahead.")
    )
    with pytest.raises(CommandError, match="--force"):
        call_command("evaluation", "load-scales", "--file", str(changed))
    assert Scale.objects.filter(partnership=None).count() == 3
    call_command("evaluation", "load-scales", "--file", str(changed), "--force")
    study = Scale.objects.filter(partnership=None, key="widen-study-confidence")
    assert sorted(study.values_list("version", flat=True)) == [1, 2]
    assert study.get(version=1).items.get(position=1).text == "I plan my work before I start it."


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    headers=st.lists(
        st.one_of(
            st.sampled_from(["scale", "position", "text", "reverse_scored", "scoring", "options"]),
            st.text(max_size=12),
        ),
        min_size=1,
        max_size=7,
    ),
    rows=st.lists(st.lists(st.text(max_size=40), max_size=8), max_size=12),
)
def test_any_spreadsheet_is_checked_without_a_crash_and_writes_nothing(
    world: World, record_property: Any, headers: list[str], rows: list[list[str]]
) -> None:
    """Hostile files: the check names problems (or finds none) and never writes a scale."""
    record_property("bad_inputs_tried", 1)
    import csv  # noqa: PLC0415

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    content = buffer.getvalue().encode("utf-8", "surrogatepass")
    checked = scale_file_check(content, "items.csv", world.north)
    for problem in checked.problems:
        assert isinstance(problem["row"], int)
        assert problem["message"]
    for planned in checked.scales:
        assert planned.name.strip()
        assert all(item.text for item in planned.items.values())
    assert not Scale.objects.exists()


def test_the_command_imports_with_the_same_checks(world: World, tmp_path: Path) -> None:
    good = tmp_path / "asq.csv"
    good.write_bytes(GOOD.encode())
    arguments = ["--partnership", str(world.north.pk), "--user", officer(world).username]
    call_command("evaluation", "import-scales", str(good), *arguments, "--dry-run")
    assert not Scale.objects.exists()
    call_command("evaluation", "import-scales", str(good), *arguments)
    assert Scale.objects.filter(status=ScaleStatus.PUBLISHED).count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"scale,position,text\r\nBelonging,x,\r\n")
    with pytest.raises(SystemExit) as exited:
        call_command("evaluation", "import-scales", str(bad), *arguments)
    assert exited.value.code == 1
    reader = ["--partnership", str(world.north.pk), "--user", world.users[Role.READ_ONLY].username]
    with pytest.raises(SystemExit) as refused:
        call_command("evaluation", "import-scales", str(good), *reader)
    assert refused.value.code == 2  # noqa: PLR2004
    assert Scale.objects.count() == 2
    for partnership in ("not-an-id", "00000000-0000-0000-0000-000000000000"):
        nowhere = ["--partnership", partnership, "--user", officer(world).username]
        with pytest.raises(SystemExit) as unknown:
            call_command("evaluation", "import-scales", str(good), *nowhere)
        assert unknown.value.code == 2  # noqa: PLR2004
    assert Scale.objects.count() == 2
