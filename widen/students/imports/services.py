"""Importing students from the provider's student record system export: one code path for the
upload pages and `widen students import`.

1. `student_import_start` reads the file (CSV in any encoding Excel writes, or XLSX, within the
   limits of `widen.core.uploads`) and keeps it as a `StudentImport`. Nothing else is written.
2. `student_import_check` (`widen.students.imports.checking`) checks every cell (Polars, with
   the pupil list's checks for names, dates, postcodes and ULNs) and compares each row with the
   provider's student of that number: the preview of students added, updated and unchanged,
   and every problem by row and column.
3. `student_import_commit` checks again and writes in one transaction: the students (audited, in
   bulk), a `StudentStatusChange` for every new student and every status that changes, and a
   `Declaration` for every declared characteristic that changes. Or nothing at all.
4. `student_import_roll_back` undoes it within the roll-back period.

Rows are matched on the provider's student number within the provider, so importing the same
file (or the same data) again changes nothing. An empty cell never erases what Widen holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from widen.core.exceptions import ApplicationError
from widen.core.uploads import person_or_none
from widen.organisations.models import Organisation
from widen.students.imports.checking import (
    CHUNK,
    STUDENT_UPLOADS,
    StudentImportReport,
    _model_field,
    _require_provider,
    providers_for_import,
    student_import_check,
)
from widen.students.models import (
    Declaration,
    Student,
    StudentImport,
    StudentStatusChange,
)


def source_of(upload: StudentImport) -> str:
    return f"import of {upload.file_name}"[:200]


# --- Start ----------------------------------------------------------------------------------------


def student_import_start(
    *,
    actor: Any,
    organisation: Organisation,
    file_name: str,
    content: bytes,
    sheet_name: str = "",
) -> StudentImport:
    """Keep an uploaded export for its preview. Raises `ApplicationError` when the file cannot
    be read at all (nothing is written), `NotFound` for a provider `actor` does not manage."""
    _require_provider(actor, organisation.pk)
    file_name = file_name or "students"
    table = STUDENT_UPLOADS.read(content, file_name, sheet_name[:100])
    with transaction.atomic():
        return STUDENT_UPLOADS.stage(
            StudentImport(organisation=organisation),
            actor=actor,
            content=content,
            table=table,
            file_name=file_name,
            replaces=None,
        )


# --- Commit ---------------------------------------------------------------------------------------


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _from_json(name: str, value: Any) -> Any:
    if value is None:
        return None
    return _model_field(name).to_python(value)


def student_import_commit(
    *, upload: StudentImport, actor: Any, accept_partial: bool = False
) -> StudentImportReport:
    """Check the file again and write it in one transaction: every row, or nothing. With
    rejected rows nothing is written unless `accept_partial`."""

    def write(locked: StudentImport) -> StudentImportReport:
        report = student_import_check(locked, actor=actor)
        if report.column_problems:
            raise ApplicationError(report.column_problems[0])
        if report.problems and not accept_partial:
            count = len(report.rejected_rows)
            raise ApplicationError(
                f"{count} row{'s' if count != 1 else ''} of the student list "
                f"{'have' if count != 1 else 'has'} problems: fix them and upload the file "
                "again, or choose to import the other rows and leave these out."
            )
        if not report.changes_anything:
            raise ApplicationError("Nothing to import: Widen already holds what this file says.")
        organisation = locked.organisation
        recorder = person_or_none(actor)
        source = source_of(locked)
        added: list[Student] = []
        for row in report.to_add:
            student = Student(organisation=organisation, student_number=row.student_number)
            for name, (_, new) in row.changes.items():
                setattr(student, name, new)
            student.status_since = row.status_on
            added.append(student)
            row.student = student
        Student.objects.bulk_create(added)
        updated = report.to_update
        previous: dict[str, dict[str, Any]] = {}
        touched: set[str] = set()
        now = timezone.now()
        for row in updated:
            assert row.student is not None
            student = row.student
            before = {name: _json(old) for name, (old, _) in row.changes.items()}
            if "status" in row.changes:
                before["status_since"] = _json(student.status_since)
                student.status_since = row.status_on
                touched.add("status_since")
            previous[str(student.pk)] = before
            for name, (_, new) in row.changes.items():
                setattr(student, name, new)
                touched.add(name)
            student.updated_at = now
        if updated:
            Student.objects.bulk_update(
                [row.student for row in updated], sorted(touched | {"updated_at"})
            )
        status_changes = StudentStatusChange.objects.bulk_create(
            [
                StudentStatusChange(
                    student=row.student,
                    status=row.changes["status"][1],
                    previous_status=row.changes["status"][0] or "",
                    changed_on=row.status_on,
                    recorded_by=recorder,
                    source=source,
                )
                for row in [*report.to_add, *updated]
                if "status" in row.changes
            ]
        )
        declarations = Declaration.objects.bulk_create(
            [
                Declaration(
                    student=row.student,
                    characteristic=name,
                    value=_declared_text(row.changes[name][1]),
                    recorded_by=recorder,
                    source=source,
                )
                for row in [*report.to_add, *updated]
                for name in row.declared_changes
            ]
        )
        locked.changes = {
            "added": [str(student.pk) for student in added],
            "updated": previous,
            "status_changes": [str(change.pk) for change in status_changes],
            "declarations": [str(declaration.pk) for declaration in declarations],
        }
        locked.students_added = len(added)
        locked.students_updated = len(updated)
        locked.rows_unchanged = len(report.unchanged)
        locked.rows_rejected = len(report.rejected_rows)
        locked.rows_total = report.rows_total
        locked.partial = bool(report.problems)
        report.upload = locked
        return report

    result: StudentImportReport = STUDENT_UPLOADS.commit(
        upload,
        actor=actor,
        write=write,
        may=lambda locked: providers_for_import(actor).filter(pk=locked.organisation_id).exists(),
        related=("organisation",),
    )
    return result


def _declared_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)[:60]


# --- Roll back ------------------------------------------------------------------------------------


def student_import_roll_back(*, upload: StudentImport, actor: Any) -> StudentImport:
    """Undo an import within the roll-back period: remove the students it added (with their
    history), give the students it changed back their values, and remove the status changes and
    declarations it recorded. Refused when any of those students has been changed since."""

    def undo(locked: StudentImport) -> None:
        added = [UUID(key) for key in locked.changes.get("added", [])]
        updated: dict[str, dict[str, Any]] = locked.changes.get("updated", {})
        touched_ids = [*added, *(UUID(key) for key in updated)]
        changed_since = sum(
            Student.objects.filter(
                pk__in=touched_ids[start : start + CHUNK], updated_at__gt=locked.committed_at
            ).count()
            for start in range(0, len(touched_ids), CHUNK)
        )
        if changed_since:
            raise ApplicationError(
                f"{changed_since} of the students this import added or changed "
                f"{'has' if changed_since == 1 else 'have'} been changed since, so rolling it "
                "back would lose those changes. Correct the records by hand instead."
            )
        for model, key in ((StudentStatusChange, "status_changes"), (Declaration, "declarations")):
            ids = [UUID(value) for value in locked.changes.get(key, [])]
            for start in range(0, len(ids), CHUNK):
                model.objects.filter(pk__in=ids[start : start + CHUNK]).delete()
        updated_ids = [UUID(key) for key in updated]
        students = {
            str(student.pk): student
            for start in range(0, len(updated_ids), CHUNK)
            for student in Student.objects.filter(pk__in=updated_ids[start : start + CHUNK])
        }
        names: set[str] = set()
        for key, before in updated.items():
            student = students[key]
            for name, value in before.items():
                setattr(student, name, _from_json(name, value))
                names.add(name)
        if students:
            Student.objects.bulk_update(list(students.values()), sorted(names))
        for start in range(0, len(added), CHUNK):
            Student.objects.filter(pk__in=added[start : start + CHUNK]).delete()

    return STUDENT_UPLOADS.roll_back(
        upload,
        actor=actor,
        undo=undo,
        may=lambda locked: providers_for_import(actor).filter(pk=locked.organisation_id).exists(),
        related=("organisation",),
    )


def student_imports_purge() -> int:
    """Forget the files of student uploads once as old as an import can be rolled back."""
    return STUDENT_UPLOADS.purge()


# --- The report in words --------------------------------------------------------------------------


def outcome_summary(report: StudentImportReport, *, committed: bool) -> str:
    """'2 students added, 3 updated, 1 row unchanged, 1 row with problems.'"""

    def count(number: int, one: str, many: str) -> str:
        return f"{number:,} {one if number == 1 else many}"

    verb = "" if committed else "to be "
    parts = [
        count(len(report.to_add), "student", "students") + f" {verb}added",
        count(len(report.to_update), "student", "students") + f" {verb}updated",
        count(len(report.unchanged), "row", "rows") + " already as the file says",
    ]
    if report.problems:
        parts.append(
            count(len(report.rejected_rows), "row", "rows")
            + (" left out" if committed else " with problems")
        )
    return ", ".join(parts) + "."


def report_lines(report: StudentImportReport, *, committed: bool, dry_run: bool) -> list[str]:
    """The report as lines of text, for the command line."""
    upload = report.upload
    lines = [f"Students of {upload.organisation}: {report.rows_total:,} rows in {upload.file_name}"]
    for column in report.columns:
        lines.append(f"  Column {column.letter} ({column.heading}): {column.used_for}")
    lines.extend(f"Problem with the columns: {problem}" for problem in report.column_problems)
    if report.already_imported is not None and report.already_imported.committed_at:
        lines.append(
            "This file was imported for this provider on "
            f"{timezone.localtime(report.already_imported.committed_at):%d %B %Y at %H:%M}."
        )
    for problem in report.problems:
        where = report.column_named(problem.column)
        lines.append(f"Row {problem.row}{', ' + where if where else ''}: {problem.reason}")
    for row in report.to_add:
        lines.append(f"Add row {row.row}: {row.student_number} {row.name}")
    for row in report.to_update:
        lines.append(
            f"Update row {row.row}: {row.student_number} {row.name}: "
            + "; ".join(report.change_text(row))
        )
    if not report.column_problems:
        if dry_run:
            lines.append("Dry run, nothing changed: " + outcome_summary(report, committed=False))
        elif committed:
            lines.append("Imported: " + outcome_summary(report, committed=True))
        elif not report.changes_anything:
            lines.append("Nothing to import: " + outcome_summary(report, committed=False))
        else:
            lines.append("Not imported: " + outcome_summary(report, committed=False))
    return lines


def organisation_choices(actor: Any) -> Sequence[Organisation]:
    return list(providers_for_import(actor).order_by("name"))
