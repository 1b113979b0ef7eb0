"""Importing a session's register from CSV or XLSX: every row checked and previewed before
anything is written, learners found only among those the person sees by name, and a commit that
goes through the register's own services (audit and contact hours) all at once, or not at all."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from widen.accounts.models import Role, User
from widen.activities.imports import (
    REGISTER_MAX_BYTES,
    RegisterImportReport,
    register_import_check,
    register_import_commit,
    register_import_roll_back,
    register_import_start,
)
from widen.activities.models import (
    Attendance,
    AttendanceStatus,
    RegisterImport,
    RegisterImportStatus,
    Session,
)
from widen.activities.selectors import register_import_get
from widen.activities.services import contact_hours
from widen.audit.models import AuditEvent
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.models import Learner
from widen.testing.delivery import student_finance_talk
from widen.testing.pupil_lists import csv_bytes, valid_upn
from widen.testing.world import World, make_user, year_group_birthday

pytestmark = pytest.mark.django_db

HEADINGS = ["UPN", "Legal Forename", "Legal Surname", "DOB", "Attended"]


def _officer(world: World) -> User:
    return world.users[Role.OUTREACH_OFFICER]


def _session(world: World, *, capacity: int | None = None, school: bool = True) -> Session:
    return student_finance_talk(
        world,
        actor=_officer(world),
        school=world.school if school else None,
        capacity=capacity,
    )


def _give_upns(world: World) -> dict[str, str]:
    """UPNs for the world's learners; returns them by the learner's first name."""
    upns = {}
    with request_context.bind(source="test"):
        for serial, learner in enumerate(
            (world.learner_alpha, world.learner_school, world.learner_beta, world.learner_gamma),
            start=1,
        ):
            learner.upn = valid_upn(316, 1000 + serial)
            learner.save(update_fields=["upn", "updated_at"])
            upns[learner.first_name] = learner.upn
    return upns


def _born(learner: Learner) -> str:
    return learner.date_of_birth.strftime("%d/%m/%Y")


def _start(
    world: World, session: Session, content: bytes, name: str = "register.csv"
) -> RegisterImportReport:
    upload = register_import_start(
        actor=_officer(world), session=session, file_name=name, content=content
    )
    return register_import_check(upload, actor=_officer(world))


def _attendance(session: Session) -> dict[str, str]:
    return {
        row.learner.first_name: row.status for row in session.register.select_related("learner")
    }


def test_a_register_is_previewed_then_imported_once_and_again_changes_nothing(
    world: World,
) -> None:
    session = _session(world)
    upns = _give_upns(world)
    content = csv_bytes(
        [
            HEADINGS,
            [upns["Amara"], "Amara", "Alphason", _born(world.learner_alpha), "Y"],
            [upns["Sami"], "", "", "", "Absent"],
            [upns["Bea"], "", "", "", ""],
        ]
    )
    audited_before = AuditEvent.objects.count()
    report = _start(world, session, content)

    assert not report.problems
    assert not report.column_problems
    assert [row.learner.first_name for row in report.to_add] == ["Amara", "Sami", "Bea"]
    assert {row.learner.first_name: row.mark for row in report.to_mark} == {
        "Amara": "attended",
        "Sami": "absent",
    }
    # The preview writes nothing: no register rows, no audit.
    assert not session.register.exists()
    assert AuditEvent.objects.count() == audited_before

    register_import_commit(upload=report.upload, actor=_officer(world))
    assert _attendance(session) == {"Amara": "attended", "Sami": "absent", "Bea": "registered"}
    assert contact_hours([world.learner_alpha.pk]) == {world.learner_alpha.pk: Decimal("2.5")}
    assert AuditEvent.objects.filter(
        learner_id=world.learner_alpha.pk, object_type="activities.attendance"
    ).exists()
    upload = RegisterImport.objects.get(pk=report.upload.pk)
    assert upload.status == RegisterImportStatus.COMMITTED
    assert (upload.learners_added, upload.learners_marked) == (3, 2)
    # The file is kept for the roll-back period (`widen import_purge` removes it after).
    assert upload.file_content

    # The same file again: the preview says nothing will change, and importing writes nothing.
    audited = AuditEvent.objects.count()
    again = _start(world, session, content)
    assert again.already_imported == upload
    assert not again.changes_anything
    assert not again.can_commit
    assert len(again.unchanged) == 3
    register_import_commit(upload=again.upload, actor=_officer(world))
    assert _attendance(session) == {"Amara": "attended", "Sami": "absent", "Bea": "registered"}
    assert AuditEvent.objects.count() == audited


def test_learners_are_found_by_name_and_date_of_birth_in_windows_1252_and_marks_vary(
    world: World,
) -> None:
    session = _session(world)
    with request_context.bind(source="test"):
        world.learner_school.first_name = "Zoë"
        world.learner_school.preferred_name = "Zo"
        world.learner_school.save(update_fields=["first_name", "preferred_name", "updated_at"])
    rows = [
        ["Forename", "Surname", "Date of birth", "School URN", "Present?"],
        ["Zoë", "Schoolman", _born(world.learner_school), "100001", "present"],
        ["amara", "ALPHASON", world.learner_alpha.date_of_birth.isoformat(), "", "N"],
        ["Bea", "Betterton", _born(world.learner_beta), "", "did not attend"],
    ]
    content = csv_bytes(rows, encoding="cp1252")
    assert "Zoë".encode("cp1252") in content
    assert "Zoë".encode() not in content
    report = _start(world, session, content)
    assert not report.problems, report.problems
    assert {row.learner.pk: row.mark for row in report.rows} == {
        world.learner_school.pk: "attended",
        world.learner_alpha.pk: "absent",
        world.learner_beta.pk: "absent",
    }
    # A preferred name is as good as the legal first name.
    rows[1][0] = "Zo"
    preferred = _start(world, session, csv_bytes(rows, encoding="utf-8"))
    assert preferred.rows[0].learner == world.learner_school


def test_utf8_with_a_byte_order_mark_and_a_title_line_above_the_headings(world: World) -> None:
    session = _session(world)
    upns = _give_upns(world)
    content = b"\xef\xbb\xbf" + csv_bytes(
        [
            ["Register: student finance talk, 20 November", "", ""],
            ["UPN", "Name", "Attendance"],
            [upns["Sami"], "Sami Schoolman", "✓"],
        ]
    )
    report = _start(world, session, content)
    assert [column.used_for for column in report.columns] == ["UPN", "not used", "attendance"]
    assert [(row.row, row.learner, row.mark) for row in report.rows] == [
        (3, world.learner_school, "attended")
    ]


def test_an_excel_register_with_real_date_cells(world: World) -> None:
    from openpyxl import Workbook  # noqa: PLC0415

    session = _session(world)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Register"
    sheet.append(["Legal first name", "Legal last name", "Date of birth", "Attendance"])
    sheet.append(["Amara", "Alphason", world.learner_alpha.date_of_birth, "Attended"])
    sheet.append(["Bea", "Betterton", world.learner_beta.date_of_birth, "Absent"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = _start(world, session, buffer.getvalue(), "register.xlsx")
    assert report.upload.file_format == "xlsx"
    assert not report.problems
    register_import_commit(upload=report.upload, actor=_officer(world))
    assert _attendance(session) == {"Amara": "attended", "Bea": "absent"}


def test_every_bad_row_is_reported_by_row_column_and_reason_and_nothing_is_written(
    world: World,
) -> None:
    session = _session(world, capacity=3)
    upns = _give_upns(world)
    with request_context.bind(source="test"):
        # Someone Beta holds with Amara's name and birthday, at another school: ambiguous by
        # name, told apart by the school's URN.
        Learner.objects.create(
            organisation=world.beta,
            first_name="Amara",
            last_name="Alphason",
            date_of_birth=world.learner_alpha.date_of_birth,
        )
    stranger = valid_upn(316, 9999)
    rows = [
        HEADINGS,
        [upns["Amara"], "", "", "", "Y"],  # 2: fine
        [stranger, "", "", "", "Y"],  # 3: nobody has this UPN
        [upns["Gus"], "", "", "", "Y"],  # 4: Gamma's learner: not visible, same answer
        ["", "Amara", "Alphason", _born(world.learner_alpha), "Y"],  # 5: two learners
        [upns["Sami"], "", "", "", "maybe"],  # 6: bad mark
        [upns["Amara"], "", "", "", "Y"],  # 7: repeats row 2
        ["A12345", "", "", "", "Y"],  # 8: malformed UPN
        ["", '=HYPERLINK("x")', "Smith", "01/01/2011", "Y"],  # 9: a formula is not a name
        ["", "Sami", "", "", "Y"],  # 10: who is it?
        [upns["Sami"], "", "", "", "N"],  # 11: fine
        [upns["Bea"], "", "", "", "Y"],  # 12: fine (third place)
    ]
    report = _start(world, session, csv_bytes(rows))
    by_row = {problem.row: problem for problem in report.problems}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert by_row[3].column == "UPN"
    assert by_row[3].reason.startswith(f"No learner you can see by name has the UPN {stranger}")
    assert by_row[4].reason == by_row[3].reason.replace(stranger, upns["Gus"])
    assert by_row[5].column == "(row)"
    assert "2 learners you can see" in by_row[5].reason
    assert by_row[6].column == "Attended"
    assert "'maybe' is not an attendance mark" in by_row[6].reason
    assert "repeats row 2" in by_row[7].reason
    assert by_row[8].column == "UPN"
    assert "13 characters" in by_row[8].reason
    assert by_row[9].column == "Legal Forename"
    assert "is not a name" in by_row[9].reason
    assert "does not say who the learner is" in by_row[10].reason
    assert report.column_named("Attended") == "Column E (Attended)"
    assert [row.learner.first_name for row in report.to_add] == ["Amara", "Sami", "Bea"]

    with pytest.raises(ApplicationError, match="8 rows of the register have problems"):
        register_import_commit(upload=report.upload, actor=_officer(world))
    assert not session.register.exists()

    # With the school's URN the two Amaras are told apart; a fourth learner is one too many.
    with request_context.bind(source="test"):
        extra = Learner.objects.create(
            organisation=world.alpha,
            school=world.school,
            first_name="Extra",
            last_name="Person",
            date_of_birth=year_group_birthday(10),
            upn=valid_upn(316, 5555),
        )
    headings = ["UPN", "Forename", "Surname", "DOB", "Attended", "URN"]
    amara = ["", "Amara", "Alphason", _born(world.learner_alpha), "Y", "100001"]
    fitting = [
        headings,
        amara,
        [upns["Sami"], "", "", "", "N", ""],
        [upns["Bea"], "", "", "", "Y", ""],
    ]
    tighter = _start(world, session, csv_bytes(fitting))
    assert not tighter.problems, tighter.problems
    assert tighter.rows[0].learner == world.learner_alpha
    full = _start(world, session, csv_bytes([*fitting, [extra.upn, "", "", "", "Y", ""]]))
    assert [(problem.row, problem.column) for problem in full.problems] == [(5, "(row)")]
    assert "The session is full (capacity 3)" in full.problems[0].reason

    # Choosing to leave the bad row out imports the others, all at once.
    register_import_commit(upload=full.upload, actor=_officer(world), accept_partial=True)
    assert _attendance(session) == {"Amara": "attended", "Sami": "absent", "Bea": "attended"}
    assert not session.register.filter(learner=extra).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "97-2003"),
        ("register.xlsm", b"PK\x03\x04", "macros"),
        ("register.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx"),
        ("empty.csv", b"", "The file is empty"),
        ("damaged.xlsx", b"PK\x03\x04not really a zip", "damaged"),
        ("binary.csv", b"UPN,Attended\n\x81\x8d\x8f\x90\x9d", "not text we can read"),
        ("huge.csv", b"UPN,Attended\n" + b"x" * (REGISTER_MAX_BYTES + 1), "MB are accepted"),
        ("long.csv", b"UPN,Attended\n" + b"A,Y\n" * 5_001, "more than 5,000 rows"),
    ],
)
def test_unreadable_and_oversized_files_are_refused_and_nothing_is_kept(
    world: World, name: str, content: bytes, message: str
) -> None:
    session = _session(world)
    with pytest.raises(ApplicationError, match=message):
        _start(world, session, content, name)
    assert not session.register.exists()
    assert not RegisterImport.objects.exists()


def test_a_file_that_does_not_say_who_anyone_is_is_refused_as_a_whole(world: World) -> None:
    session = _session(world)
    report = _start(world, session, csv_bytes([["Name", "Attended"], ["Amara Alphason", "Y"]]))
    assert report.column_problems == [
        "No column says who each row is: a register needs a UPN column, or columns with the "
        "learners' legal first name, last name and date of birth."
    ]
    assert not report.can_commit
    with pytest.raises(ApplicationError, match="No column says who each row is"):
        register_import_commit(upload=report.upload, actor=_officer(world))


def test_only_who_takes_the_register_imports_it_and_sees_the_upload(world: World) -> None:
    session = _session(world)
    upns = _give_upns(world)
    content = csv_bytes([["UPN", "Attended"], [upns["Sami"], "Y"]])
    with pytest.raises(NotFound):
        register_import_start(
            actor=world.users[Role.READ_ONLY], session=session, file_name="r.csv", content=content
        )
    # The school's staff take the register of a session for their school.
    staff = world.users[Role.SCHOOL_STAFF]
    upload = register_import_start(actor=staff, session=session, file_name="r.csv", content=content)
    assert register_import_get(actor=staff, import_id=upload.pk) == upload
    for other in (_officer(world), world.users[Role.READ_ONLY]):
        with pytest.raises(NotFound):
            register_import_get(actor=other, import_id=upload.pk)
    register_import_commit(upload=upload, actor=staff)
    assert _attendance(session) == {"Sami": "attended"}
    # A later upload by the same person replaces an unconfirmed earlier one.
    first = register_import_start(actor=staff, session=session, file_name="a.csv", content=content)
    second = register_import_start(actor=staff, session=session, file_name="b.csv", content=content)
    first.refresh_from_db()
    assert first.status == RegisterImportStatus.REPLACED
    assert first.file_content is None
    with pytest.raises(ApplicationError, match="replaced"):
        register_import_commit(upload=first, actor=staff)
    assert second.status == RegisterImportStatus.CHECKED


def test_the_pages_upload_preview_and_import(world: World) -> None:
    session = _session(world)
    upns = _give_upns(world)
    client = signed_in_client(_officer(world))
    page = client.get(reverse("activities:register", args=[session.pk]))
    assert reverse("activities:register_import", args=[session.pk]) in page.content.decode()
    content = csv_bytes([["UPN", "Attended"], [upns["Bea"], "yes"], [upns["Gus"], "yes"]])
    response = client.post(
        reverse("activities:register_import", args=[session.pk]),
        {"register": io_file("register.csv", content)},
    )
    upload = RegisterImport.objects.get(session=session)
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:register_import_detail", args=[upload.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "Nothing has been saved yet" in preview
    assert "1 learner to be added to the register, 1 mark to be changed" in preview
    assert "Bea Betterton" in preview
    assert "Gammage" not in preview
    assert "Column A (UPN)" in preview
    assert "No learner you can see by name" in preview
    assert not session.register.exists()
    done = client.post(
        reverse("activities:register_import_commit", args=[upload.pk]), {"accept_partial": "yes"}
    )
    assert done["Location"] == reverse("activities:register", args=[session.pk])
    assert _attendance(session) == {"Bea": "attended"}
    register = client.get(done["Location"]).content.decode()
    assert "Imported: 1 learner added to the register, 1 mark changed" in register
    # Another person's upload is not found.
    other = signed_in_client(world.users[Role.SCHOOL_STAFF])
    assert other.get(response["Location"]).status_code == 404


def io_file(name: str, content: bytes) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def test_the_command_line_checks_and_imports_the_same_way(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = _session(world)
    upns = _give_upns(world)
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes([["UPN", "Attended"], [upns["Amara"], "Y"], [upns["Sami"], "N"]]))
    arguments = ["import", "register", str(path), "--session", str(session.pk)]
    call_command(*arguments, "--user", _officer(world).username, "--dry-run")
    assert "Dry run, nothing changed: 2 learners to be added" in capsys.readouterr().out
    assert not session.register.exists()
    call_command(*arguments, "--user", _officer(world).username)
    assert "Imported: 2 learners added to the register, 2 marks changed" in capsys.readouterr().out
    assert _attendance(session) == {"Amara": "attended", "Sami": "absent"}
    assert Attendance.objects.filter(status=AttendanceStatus.ATTENDED).count() == 1
    # Someone who does not take this register is refused, with nothing changed.
    reader = make_user("reader.two", world.alpha, Role.READ_ONLY)
    with pytest.raises(CommandError, match="deliverers and its school") as refused:
        call_command(*arguments, "--user", reader.username)
    assert refused.value.returncode == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["UPN", "Attended"], [upns["Amara"], "perhaps"]]))
    with pytest.raises(SystemExit) as rejected:
        call_command(*arguments[:2], str(bad), *arguments[3:], "--user", _officer(world).username)
    assert rejected.value.code == 1
    assert "Row 2, Column B (Attended): 'perhaps' is not an attendance mark" in (
        capsys.readouterr().out
    )


def test_an_upload_never_imported_is_forgotten_after_the_rollback_period(
    world: World, settings: Any
) -> None:
    session = _session(world)
    upns = _give_upns(world)
    content = csv_bytes([["UPN", "Attended"], [upns["Sami"], "Y"]])
    old = register_import_start(
        actor=_officer(world), session=session, file_name="old.csv", content=content
    )
    staff = world.users[Role.SCHOOL_STAFF]
    recent = register_import_start(
        actor=staff, session=session, file_name="new.csv", content=content
    )
    long_ago = timezone.now() - timedelta(days=settings.WIDEN_IMPORT_ROLLBACK_DAYS + 1)
    RegisterImport.objects.filter(pk=old.pk).update(created_at=long_ago)
    out = io.StringIO()
    call_command("import_purge", stdout=out)
    assert "Forgot the files of 1 register uploads." in out.getvalue()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.file_content is None
    assert bytes(recent.file_content or b"") == content
    page = signed_in_client(_officer(world)).get(
        reverse("activities:register_import_detail", args=[old.pk])
    )
    assert "its file has since been deleted" in page.content.decode()
    with pytest.raises(ApplicationError, match="file has been deleted: upload the register again"):
        register_import_commit(upload=old, actor=_officer(world))
    assert not session.register.exists()


def test_a_failure_part_way_through_an_import_leaves_the_register_as_it_was(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = _session(world)
    upns = _give_upns(world)
    report = _start(
        world, session, csv_bytes([["UPN", "Attended"], [upns["Amara"], "Y"], [upns["Bea"], ""]])
    )
    audited = AuditEvent.objects.count()

    def fail(**_: Any) -> int:
        raise RuntimeError("the database went away while marking")

    # Learners are added first, then marked: the marking fails after the adding was written.
    monkeypatch.setattr("widen.activities.imports.attendance_mark", fail)
    with pytest.raises(RuntimeError):
        register_import_commit(upload=report.upload, actor=_officer(world))
    assert not session.register.exists()
    assert AuditEvent.objects.count() == audited
    upload = RegisterImport.objects.get(pk=report.upload.pk)
    assert upload.status == RegisterImportStatus.CHECKED
    assert upload.file_content
    monkeypatch.undo()
    register_import_commit(upload=upload, actor=_officer(world))
    assert _attendance(session) == {"Amara": "attended", "Bea": "registered"}


def _class_of(world: World, size: int, first_serial: int) -> list[Learner]:
    with request_context.bind(source="test"):
        return Learner.objects.bulk_create(
            [
                Learner(
                    organisation=world.alpha,
                    school=world.school,
                    first_name="Pupil",
                    last_name=f"Number{first_serial + index}",
                    date_of_birth=year_group_birthday(10),
                    upn=valid_upn(316, first_serial + index),
                )
                for index in range(size)
            ]
        )


def test_importing_a_bigger_register_takes_no_more_queries(world: World) -> None:
    """Adding and marking are written a register at a time, not a learner at a time."""
    counts = []
    for size, first_serial in ((5, 30_000), (60, 40_000)):
        session = _session(world)
        pupils = _class_of(world, size, first_serial)
        rows = [["UPN", "Attended"], *([pupil.upn, "Y"] for pupil in pupils)]
        report = _start(world, session, csv_bytes(rows))
        with CaptureQueriesContext(connection) as queries:
            register_import_commit(upload=report.upload, actor=_officer(world))
        assert session.register.filter(status=AttendanceStatus.ATTENDED).count() == size
        assert (
            AuditEvent.objects.filter(
                object_type="activities.attendance", learner_id__in=[pupil.pk for pupil in pupils]
            ).count()
            == 2 * size
        )
        counts.append(len(queries))
    assert counts[1] == counts[0], counts


def test_an_imported_register_is_rolled_back_from_its_page_within_the_period(
    world: World,
) -> None:
    session = _session(world)
    upns = _give_upns(world)
    before = _attendance(session)
    report = _start(
        world, session, csv_bytes([["UPN", "Attended"], [upns["Amara"], "Y"], [upns["Sami"], "N"]])
    )
    register_import_commit(upload=report.upload, actor=_officer(world))
    assert _attendance(session) == {**before, "Amara": "attended", "Sami": "absent"}
    client = signed_in_client(_officer(world))
    detail = reverse("activities:register_import_detail", args=[report.upload.pk])
    assert "Roll back this import" in client.get(detail).content.decode()
    page = client.post(
        reverse("activities:register_import_roll_back", args=[report.upload.pk]), follow=True
    )
    text = page.content.decode()
    assert "Rolled back: 2 learners taken off the register" in text
    assert "rolled back on" in text
    assert _attendance(session) == before
    upload = RegisterImport.objects.get(pk=report.upload.pk)
    assert upload.status == RegisterImportStatus.ROLLED_BACK
    assert upload.rolled_back_by == _officer(world)
    # Once rolled back, it cannot be rolled back again, and the register stays as it is.
    again = client.post(
        reverse("activities:register_import_roll_back", args=[report.upload.pk]), follow=True
    )
    assert "Only an import that was committed can be rolled back." in again.content.decode()


def test_a_register_marked_since_its_import_is_not_rolled_back(world: World) -> None:
    session = _session(world)
    upns = _give_upns(world)
    report = _start(world, session, csv_bytes([["UPN", "Attended"], [upns["Amara"], "Y"]]))
    register_import_commit(upload=report.upload, actor=_officer(world))
    Attendance.objects.filter(session=session).update(
        status=AttendanceStatus.ABSENT, updated_at=timezone.now() + timedelta(seconds=1)
    )
    with pytest.raises(ApplicationError, match="marked since"):
        register_import_roll_back(upload=report.upload, actor=_officer(world))
    assert _attendance(session) == {"Amara": "absent"}
