"""Importing students from the provider's student record system export (SITS- or HESA-style
headings, CSV or XLSX): every row checked and previewed before anything is written, a commit in
one transaction that records status history and declarations, the same file again changing
nothing, and roll back within the roll-back period."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from conftest import signed_in_client
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role, User
from widen.audit.models import AccessLogEntry, AuditEvent
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.spreadsheets import safe_cell
from widen.students.imports import checking
from widen.students.imports.services import (
    StudentImportReport,
    student_import_check,
    student_import_commit,
    student_import_roll_back,
    student_import_start,
)
from widen.students.models import (
    Declaration,
    Student,
    StudentImport,
    StudentStatus,
    StudentStatusChange,
    StudyLevel,
    StudyMode,
)
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

SITS = ["STU_CODE", "STU_FNM1", "STU_SURN", "STU_DOB", "STU_CAEM", "STU_HAPC", "SCE_STAC"]
HESA = ["OWNSTU", "FNAMES", "SURNAME", "BIRTHDTE", "ULN", "POSTCODE", "SEXID", "ETHNIC", "DISABLE",
        "CARELEAVER", "MODE", "YEARPRG"]  # fmt: skip
PLAIN = ["Student number", "First name", "Last name", "Date of birth", "Status", "Status date"]


def _officer(world: World) -> User:
    return world.users[Role.OUTREACH_OFFICER]


def csv_file(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_file(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def check(
    world: World, content: bytes, *, name: str = "students.csv", actor: Any = None
) -> StudentImportReport:
    actor = actor or _officer(world)
    with request_context.bind(actor=actor, source="test"):
        upload = student_import_start(
            actor=actor, organisation=world.alpha, file_name=name, content=content
        )
        return student_import_check(upload, actor=actor)


def commit(world: World, content: bytes, *, name: str = "students.csv", **kwargs: Any) -> Any:
    actor = _officer(world)
    report = check(world, content, name=name)
    with request_context.bind(actor=actor, source="test"):
        return student_import_commit(upload=report.upload, actor=actor, **kwargs)


def problems_of(report: StudentImportReport) -> list[tuple[int, str, str]]:
    return [(problem.row, problem.column, problem.reason) for problem in report.problems]


SITS_ROWS = [
    SITS,
    ["S1001", "Amira", "Begum", "04/03/2006", "amira@example.ac.uk", "E6 3SQ", "C"],
    ["S1002", "Tom", "Okafor", "2005-11-30", "tom@example.ac.uk", "e151aa", "Enrolled"],
]


def test_a_sits_export_previews_then_commits_students_with_their_history(world: World) -> None:
    report = check(world, csv_file(SITS_ROWS))
    assert not report.column_problems
    assert not report.problems
    assert [row.student_number for row in report.to_add] == ["S1001", "S1002"]
    assert Student.objects.count() == 0  # the preview writes nothing
    done = commit(world, csv_file(SITS_ROWS))
    assert (done.upload.students_added, done.upload.students_updated) == (2, 0)
    amira = Student.objects.get(organisation=world.alpha, student_number="S1001")
    assert (amira.first_name, amira.date_of_birth, amira.home_postcode) == (
        "Amira",
        date(2006, 3, 4),
        "E6 3SQ",
    )
    assert Student.objects.get(student_number="S1002").home_postcode == "E15 1AA"
    history = StudentStatusChange.objects.get(student=amira)
    assert (history.previous_status, history.status, history.changed_on) == (
        "",
        StudentStatus.ENROLLED,
        timezone.localdate(),
    )
    assert history.source == "import of students.csv"
    assert history.recorded_by == _officer(world)
    assert amira.status_since == timezone.localdate()
    assert AuditEvent.objects.filter(object_type="students.student", action="create").count() == 2


def test_a_hesa_style_xlsx_maps_coded_values_to_the_record(world: World) -> None:
    rows = [
        HESA,
        ["H1", "Priya", "Shah", "2004-09-01", "1000000000", "M1 1AE", "10", "103", "55", "01",
         "31", "2"],
        ["H2", "Leo", "Ward", "2003-01-15", "", "M1 1AE", "11", "160", "95", "03", "01", "1"],
        # Codes Excel holds as numbers, their leading zeros lost.
        ["H3", "Ama", "Owusu", "2004-02-02", "", "", 10, 120, 0, 3, 31, 1],
    ]  # fmt: skip
    report = check(world, xlsx_file(rows), name="hesa.xlsx")
    assert not report.problems, problems_of(report)
    commit(world, xlsx_file(rows), name="hesa.xlsx")
    priya = Student.objects.get(student_number="H1")
    assert (priya.sex, priya.ethnicity, priya.disabled, priya.care_experienced) == (
        "female",
        "asian_indian",
        True,
        True,
    )
    assert (priya.uln, priya.mode, priya.year_of_study) == ("1000000000", StudyMode.PART_TIME, 2)
    leo = Student.objects.get(student_number="H2")
    assert (leo.sex, leo.ethnicity, leo.disabled, leo.care_experienced, leo.mode) == (
        "male",
        "white_british",
        False,
        False,
        StudyMode.FULL_TIME,
    )
    ama = Student.objects.get(student_number="H3")
    assert (ama.ethnicity, ama.disabled, ama.care_experienced, ama.mode) == (
        "black_african",
        False,
        False,
        StudyMode.PART_TIME,
    )
    declared = dict(
        Declaration.objects.filter(student=priya).values_list("characteristic", "value")
    )
    assert declared == {
        "sex": "female",
        "ethnicity": "asian_indian",
        "disabled": "yes",
        "care_experienced": "yes",
    }
    assert set(Declaration.objects.values_list("source", flat=True)) == {"import of hesa.xlsx"}


def test_importing_the_same_file_again_changes_nothing(world: World) -> None:
    commit(world, csv_file(SITS_ROWS))
    events = AuditEvent.objects.count()
    again = check(world, csv_file(SITS_ROWS))
    assert again.already_imported is not None
    assert (len(again.to_add), len(again.to_update), len(again.unchanged)) == (0, 0, 2)
    assert not again.can_commit
    # The same data in another file (XLSX, other headings) changes nothing either.
    plain = [["Student number", "First name", "Last name", "Date of birth"]] + [
        [row[0], row[1], row[2], row[3]] for row in SITS_ROWS[1:]
    ]
    same = check(world, xlsx_file(plain), name="other.xlsx")
    assert (len(same.to_add), len(same.to_update), len(same.unchanged)) == (0, 0, 2)
    with (
        pytest.raises(ApplicationError, match="Nothing to import"),
        request_context.bind(actor=_officer(world), source="test"),
    ):
        student_import_commit(upload=again.upload, actor=_officer(world))
    assert AuditEvent.objects.count() == events
    assert StudentStatusChange.objects.count() == 2


def test_a_status_that_changes_is_recorded_as_history_from_the_files_date(world: World) -> None:
    commit(world, csv_file(SITS_ROWS))
    rows = [PLAIN, ["S1001", "Amira", "Begum", "04/03/2006", "Interrupted", "12/01/2027"]]
    report = check(world, csv_file(rows), name="january.csv")
    assert report.change_text(report.to_update[0]) == ["Status: Enrolled → Interrupted"]
    commit(world, csv_file(rows), name="january.csv")
    amira = Student.objects.get(student_number="S1001")
    assert (amira.status, amira.status_since) == (StudentStatus.INTERRUPTED, date(2027, 1, 12))
    latest = StudentStatusChange.objects.filter(student=amira).order_by("created_at").last()
    assert latest is not None
    assert (latest.previous_status, latest.status, latest.changed_on, latest.source) == (
        StudentStatus.ENROLLED,
        StudentStatus.INTERRUPTED,
        date(2027, 1, 12),
        "import of january.csv",
    )


def test_a_declared_characteristic_that_changes_writes_a_declaration(world: World) -> None:
    commit(
        world, csv_file([["OWNSTU", "FNAMES", "SURNAME", "CARELEAVER"], ["C1", "Ann", "Lee", "03"]])
    )
    assert list(Declaration.objects.values_list("characteristic", "value")) == [
        ("care_experienced", "no")
    ]
    commit(
        world,
        csv_file([["OWNSTU", "FNAMES", "SURNAME", "CARELEAVER"], ["C1", "Ann", "Lee", "01"]]),
        name="update.csv",
    )
    assert Student.objects.get(student_number="C1").care_experienced is True
    assert list(
        Declaration.objects.order_by("created_at").values_list("value", "source", "recorded_by")
    ) == [
        ("no", "import of students.csv", _officer(world).pk),
        ("yes", "import of update.csv", _officer(world).pk),
    ]
    # An empty cell, or "information refused", never erases what was declared.
    refused = check(
        world,
        csv_file([["OWNSTU", "FNAMES", "SURNAME", "CARELEAVER"], ["C1", "Ann", "Lee", "98"]]),
        name="refused.csv",
    )
    assert (len(refused.unchanged), refused.changes_anything) == (1, False)
    assert Student.objects.get(student_number="C1").care_experienced is True


BAD_ROWS = [
    ["Student number", "First name", "Last name", "Date of birth", "ULN", "Home postcode",
     "E-mail", "Level", "Year of study", "Course start", "Expected end"],
    ["B1", "Ok", "Fine", "01/02/2005", "", "", "", "UG", "1", "", ""],
    ["B2", "=HYPERLINK(\"x\")", "Smith", "31/02/2005", "", "", "", "", "", "", ""],
    ["B3", "Jo", "Bloggs", "", "1234567890", "NOT A PC", "jo@", "", "", "", ""],
    ["B4", "Al", "Ng", "", "", "", "", "doctorate", "0", "01/09/2026", "01/06/2026"],
    ["B1", "Dup", "Row", "", "", "", "", "", "", "", ""],
    ["", "No", "Number", "", "", "", "", "", "", "", ""],
]  # fmt: skip


def test_bad_cells_are_reported_by_row_and_column_with_why(world: World) -> None:
    report = check(world, csv_file(BAD_ROWS))
    assert problems_of(report) == [
        (2, "Student number", "Rows 2 and 6 have the same student number: keep the right row "
         "and remove the others."),
        (3, "First name", "'=HYPERLINK(\"x\")' is not a name: a name starts with a letter and "
         "holds only letters, spaces, hyphens, apostrophes and full stops."),
        (3, "Date of birth", "'31/02/2005': 31 February 2005 is not a date. Check the day."),
        (4, "ULN", "This ULN's last digit does not match its check digit: check it for a "
         "typing mistake."),
        (4, "Home postcode", "'NOT A PC' is not a full UK postcode, like E1 6AN."),
        (4, "E-mail", "'jo@' is not an e-mail address, like name@example.ac.uk."),
        (5, "Level", "'doctorate' is not a level of study: write foundation, undergraduate, "
         "postgraduate or degree apprenticeship."),
        (5, "Year of study", "'0' is not a year of study: write a number from 1 to 10."),
        (6, "Student number", "Rows 2 and 6 have the same student number: keep the right row "
         "and remove the others."),
        (7, "Student number", "is empty: every row needs the student's number."),
    ]  # fmt: skip
    assert report.to_add == []
    with pytest.raises(ApplicationError, match="6 rows of the student list have problems"):
        commit(world, csv_file(BAD_ROWS))
    assert Student.objects.count() == 0


def test_an_expected_end_before_the_start_is_refused(world: World) -> None:
    rows = [
        ["Student number", "First name", "Last name", "Course start", "Expected end"],
        ["E1", "Al", "Ng", "01/09/2026", "01/06/2026"],
    ]
    assert problems_of(check(world, csv_file(rows))) == [
        (2, "Expected end", "The expected end (01/06/2026) is before the course start "
         "(01/09/2026): check both dates.")
    ]  # fmt: skip


def test_a_new_student_needs_names_and_a_file_needs_a_student_number(world: World) -> None:
    report = check(world, csv_file([["Student number", "Last name"], ["N1", "Ng"]]))
    assert problems_of(report) == [
        (2, "(row)", "has no first name: a new student needs a first name and a last name.")
    ]
    no_number = check(world, csv_file([["First name", "Last name"], ["Al", "Ng"]]))
    assert no_number.column_problems == [
        "No column gives the student number: a student list needs one (headed 'Student "
        "number', STU_CODE or OWNSTU), as each row is matched on it."
    ]


def test_unreadable_files_are_refused_and_nothing_is_kept(world: World) -> None:
    with pytest.raises(ApplicationError, match="not text we can read"):
        check(world, b"STU_CODE,STU_FNM1\r\nS1,\x81\x8d\x8f\x90\x9d\r\n")
    with pytest.raises(ApplicationError, match="not an Excel workbook"):
        check(world, b"STU_CODE,STU_FNM1\r\n", name="students.xlsx")
    assert StudentImport.objects.count() == 0
    # Windows-1252 (Excel's "CSV") is read, accents and all.
    report = check(world, "STU_CODE,STU_FNM1,STU_SURN\r\nS9,Zoë,Brontë\r\n".encode("cp1252"))
    assert report.to_add[0].values["first_name"] == "Zoë"


def test_files_past_the_limits_are_refused_with_what_to_do(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checking, "STUDENT_IMPORT_MAX_ROWS", 2)
    rows = [*SITS_ROWS, ["S1003", "Ann", "Lee", "", "", "", ""]]
    with pytest.raises(ApplicationError) as refused:
        check(world, csv_file(rows))
    assert refused.value.message == (
        "The file has more than 2 rows; split it into files of at most 2 rows."
    )
    monkeypatch.setattr(checking, "STUDENT_IMPORT_MAX_BYTES", 1024 * 1024)
    with pytest.raises(ApplicationError, match="files of up to 1 MB are accepted"):
        check(world, csv_file(SITS_ROWS) + b"x" * (1024 * 1024))
    assert StudentImport.objects.count() == 0
    page = signed_in_client(_officer(world)).post(
        reverse("student_imports:upload"),
        {
            "organisation": str(world.alpha.pk),
            "student_list": SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1)),
        },
    )
    assert "student lists of up to 1 MB are accepted" in page.content.decode()


def test_a_partial_import_leaves_out_the_rejected_rows(world: World) -> None:
    with pytest.raises(ApplicationError, match="Nothing to import"):
        commit(world, csv_file(BAD_ROWS), accept_partial=True)
    assert Student.objects.count() == 0
    rows = [*SITS_ROWS, ["S1003", "Bad", "Date", "32/13/2005", "", "", ""]]
    done = commit(world, csv_file(rows), name="partial.csv", accept_partial=True)
    assert sorted(Student.objects.values_list("student_number", flat=True)) == ["S1001", "S1002"]
    assert (done.upload.students_added, done.upload.rows_rejected) == (2, 1)


def test_roll_back_removes_added_students_and_restores_changed_ones(world: World) -> None:
    commit(world, csv_file(SITS_ROWS))
    rows = [PLAIN, ["S1001", "Amira", "Begum-Khan", "04/03/2006", "Withdrawn", ""],
            ["S2000", "New", "Person", "", "", ""]]  # fmt: skip
    done = commit(world, csv_file(rows), name="change.csv")
    assert Student.objects.get(student_number="S1001").status == StudentStatus.WITHDRAWN
    with request_context.bind(actor=_officer(world), source="test"):
        student_import_roll_back(upload=done.upload, actor=_officer(world))
    amira = Student.objects.get(student_number="S1001")
    assert (amira.last_name, amira.status, amira.status_since) == (
        "Begum",
        StudentStatus.ENROLLED,
        timezone.localdate(),
    )
    assert not Student.objects.filter(student_number="S2000").exists()
    assert StudentStatusChange.objects.filter(source="import of change.csv").count() == 0
    assert StudentImport.objects.get(pk=done.upload.pk).status == "rolled_back"
    with (
        pytest.raises(ApplicationError, match="Only an import that was committed"),
        request_context.bind(actor=_officer(world), source="test"),
    ):
        student_import_roll_back(upload=done.upload, actor=_officer(world))


def test_roll_back_is_refused_after_the_period_or_when_records_changed_since(
    world: World,
) -> None:
    done = commit(world, csv_file(SITS_ROWS))
    StudentImport.objects.filter(pk=done.upload.pk).update(
        committed_at=timezone.now() - timedelta(days=400)
    )
    with pytest.raises(ApplicationError, match="can no longer be rolled back"):
        student_import_roll_back(upload=done.upload, actor=_officer(world))
    StudentImport.objects.filter(pk=done.upload.pk).update(committed_at=timezone.now())
    student = Student.objects.get(student_number="S1001")
    student.course = "History"
    student.updated_at = timezone.now() + timedelta(minutes=1)
    student.save()
    with pytest.raises(ApplicationError, match="1 of the students this import added or changed"):
        student_import_roll_back(upload=done.upload, actor=_officer(world))
    assert Student.objects.count() == 2


def test_someone_who_does_not_manage_the_providers_students_is_refused(world: World) -> None:
    for role in (Role.EVALUATOR, Role.READ_ONLY, Role.DATA_PROTECTION_OFFICER):
        with pytest.raises(NotFound):
            student_import_start(
                actor=world.users[role],
                organisation=world.alpha,
                file_name="s.csv",
                content=csv_file(SITS_ROWS),
            )
    # An officer of Alpha University may not import for Beta University.
    with pytest.raises(NotFound):
        student_import_start(
            actor=_officer(world),
            organisation=world.beta,
            file_name="s.csv",
            content=csv_file(SITS_ROWS),
        )
    assert StudentImport.objects.count() == 0


def test_pages_upload_preview_commit_and_list(world: World) -> None:
    client = signed_in_client(_officer(world))
    page = client.get(reverse("student_imports:upload"))
    assert page.status_code == 200
    response = client.post(
        reverse("student_imports:upload"),
        {
            "organisation": str(world.alpha.pk),
            "student_list": SimpleUploadedFile("sits.csv", csv_file(SITS_ROWS)),
        },
    )
    upload = StudentImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("student_imports:upload_detail", args=[upload.pk])
    preview = client.get(response["Location"])
    text = preview.content.decode()
    assert "2 students to be added, 0 students to be updated" in text
    assert "Amira Begum" in text
    committed = client.post(reverse("student_imports:upload_commit", args=[upload.pk]))
    assert committed.status_code == 302
    assert Student.objects.count() == 2
    listing = client.get(reverse("student_imports:upload")).content.decode()
    assert "sits.csv" in listing
    assert "Imported" in listing
    rolled = client.post(reverse("student_imports:upload_roll_back", args=[upload.pk]))
    assert rolled.status_code == 302
    assert Student.objects.count() == 0


def test_the_preview_of_another_providers_upload_is_not_found(world: World) -> None:
    upload = check(world, csv_file(SITS_ROWS)).upload
    stranger = make_user("officer.gamma", world.gamma, Role.OUTREACH_OFFICER)
    client = signed_in_client(stranger)
    for name in ("upload_detail",):
        assert client.get(reverse(f"student_imports:{name}", args=[upload.pk])).status_code == 404
    for name in ("upload_commit", "upload_roll_back"):
        assert client.post(reverse(f"student_imports:{name}", args=[upload.pk])).status_code == 404
    assert Student.objects.count() == 0


def test_special_category_changes_are_hidden_from_whom_the_category_is_not_shown(
    world: World,
) -> None:
    rows = [["OWNSTU", "FNAMES", "SURNAME", "ETHNIC"], ["X1", "Ann", "Lee", "160"]]
    commit(world, csv_file(rows))
    changed = [["OWNSTU", "FNAMES", "SURNAME", "ETHNIC"], ["X1", "Ann", "Lee", "166"]]
    report = check(world, csv_file(changed), name="b.csv", actor=system_actor("test"))
    report.categories = frozenset({"identity"})
    assert report.change_text(report.to_update[0]) == ["Ethnicity: changes (special category data)"]


def test_the_preview_of_students_updated_is_in_the_access_log(world: World) -> None:
    commit(world, csv_file(SITS_ROWS))
    logged = AccessLogEntry.objects.filter(subject_type="students.student")
    before = set(logged.values_list("pk", flat=True))
    check(world, csv_file(SITS_ROWS))  # nothing changes: only counted, no record shown
    assert set(logged.values_list("pk", flat=True)) == before
    changed = [SITS_ROWS[0], [*SITS_ROWS[1][:-1], "W"], SITS_ROWS[2]]
    check(world, csv_file(changed))
    amira = Student.objects.get(student_number="S1001")
    new = logged.exclude(pk__in=before)
    assert list(new.values_list("subject_id", "purpose")) == [
        (str(amira.pk), "checking the student list students.csv")
    ]


def test_a_course_that_looks_like_a_formula_is_kept_and_neutralised_on_export(
    world: World,
) -> None:
    rows = [["STU_CODE", "STU_FNM1", "STU_SURN", "Course"], ["F1", "Ann", "Lee", "=1+2"]]
    commit(world, csv_file(rows))
    course = Student.objects.get(student_number="F1").course
    assert course == "=1+2"
    assert safe_cell(course) == "'=1+2"


def test_the_command_prints_the_report_and_dry_run_changes_nothing(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(csv_file(SITS_ROWS))
    out = io.StringIO()
    call_command(
        "students", "import", str(path), "--organisation", world.alpha.ukprn, "--dry-run",
        stdout=out,
    )  # fmt: skip
    assert "Dry run, nothing changed: 2 students to be added" in out.getvalue()
    assert Student.objects.count() == 0
    out = io.StringIO()
    call_command("students", "import", str(path), "--organisation", world.alpha.ukprn, stdout=out)
    assert "Imported: 2 students added, 0 students updated" in out.getvalue()
    assert Student.objects.count() == 2
    assert set(StudentStatusChange.objects.values_list("recorded_by", flat=True)) == {None}
    with pytest.raises(CommandError, match="No organisation"):
        call_command("students", "import", str(path), "--organisation", "nowhere")


def test_levels_modes_and_plain_headings(world: World) -> None:
    rows = [
        ["Student number", "First name", "Last name", "Level", "Mode", "Year of study"],
        ["L1", "Ann", "Lee", "Degree apprenticeship", "Sandwich", "Year 3"],
    ]
    commit(world, csv_file(rows))
    ann = Student.objects.get(student_number="L1")
    assert (ann.level, ann.mode, ann.year_of_study) == (
        StudyLevel.DEGREE_APPRENTICESHIP,
        StudyMode.SANDWICH,
        3,
    )
