"""Checking a student list before anything is written: who may import for which provider,
every cell of the file checked, and each row compared with the provider's student of that number
(the preview of students added, updated and unchanged, and every problem by row and column).
`widen.students.imports.services` starts, commits and rolls back; this module writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast
from uuid import UUID

import polars as pl
from django.db import models
from django.utils import timezone

from widen.accounts.capabilities import is_person, is_system
from widen.audit.services import access_log_record_subjects
from widen.core.exceptions import NotFound
from widen.core.tabular import Table, TableLimits, column_letter
from widen.core.uploads import StagedImport, UploadStatus
from widen.learners.imports.cells import CONTROL_CHARACTERS, column_checks
from widen.learners.imports.columns import ImportColumn
from widen.learners.imports.validation import ROW, Problem
from widen.learners.permissions import OWN
from widen.organisations.models import DataCategory, Organisation, OrganisationType
from widen.students.imports.columns import (
    CODES,
    COLUMNS_BY_FIELD,
    NOT_RECORDED,
    STATUS_DATE,
    StudentColumn,
    field_of_heading,
    looks_like_student_header,
    stored_field,
)
from widen.students.models import (
    DECLARED_FIELDS,
    SPECIAL_CATEGORY_FIELDS,
    Student,
    StudentImport,
    StudentStatus,
)
from widen.students.permissions import student_policy

# A provider's whole student body fits: the largest UK providers have some 60,000 students.
STUDENT_IMPORT_MAX_BYTES = 20 * 1024 * 1024
STUDENT_IMPORT_MAX_ROWS = 100_000
EMAIL_PATTERN = r"^[^@\s<>\"',;]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]+)+$"
PHONE_PATTERN = r"^\+?[0-9][0-9 ()\-]{5,28}$"
MAX_YEAR_OF_STUDY = 10
# Rows looked up, or removed, per query (databases limit the parameters of one query).
CHUNK = 5_000
# The stored fields an import writes (the rest of a record is never touched by one).
IMPORTED_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "email",
    "phone",
    "home_postcode",
    "term_postcode",
    "uln",
    "course",
    "level",
    "mode",
    "entry_route",
    "year_of_study",
    "starts_on",
    "expected_end_on",
    "status",
    *DECLARED_FIELDS,
)
BOOLEAN_FIELDS = frozenset(
    name
    for name in IMPORTED_FIELDS
    if isinstance(Student._meta.get_field(name), models.BooleanField)
)


def student_import_limits() -> TableLimits:
    return TableLimits(max_bytes=STUDENT_IMPORT_MAX_BYTES, max_rows=STUDENT_IMPORT_MAX_ROWS)


STUDENT_UPLOADS = StagedImport(
    model=StudentImport, limits=student_import_limits, looks_like_header=looks_like_student_header
)


# --- Who may import for which provider ------------------------------------------------------------


def providers_for_import(actor: Any) -> Any:
    """The HE providers whose students `actor` may import (Widen itself: every one)."""
    if is_system(actor):
        return Organisation.objects.filter(organisation_type=OrganisationType.HE_PROVIDER)
    return student_policy.providers_managed(actor)


def _require_provider(actor: Any, organisation_id: Any) -> None:
    """Anyone who does not manage the provider's students is told it is not there."""
    if not providers_for_import(actor).filter(pk=organisation_id).exists():
        raise NotFound


def student_import_get(*, actor: Any, import_id: UUID) -> StudentImport:
    """An upload for a provider whose students `actor` manages; any other answers as missing."""
    upload = StudentImport.objects.filter(pk=import_id).select_related("organisation").first()
    if upload is None or upload.organisation_id is None:
        raise NotFound
    _require_provider(actor, upload.organisation_id)
    return upload


def student_imports_for(*, actor: Any, organisation: Organisation) -> Any:
    """Past uploads for `organisation`, newest first (only for those who manage its students)."""
    _require_provider(actor, organisation.pk)
    return StudentImport.objects.filter(organisation=organisation).select_related(
        "uploaded_by", "committed_by", "rolled_back_by"
    )


def categories_at(actor: Any, organisation: Organisation) -> frozenset[str]:
    """The categories of data `actor` sees of the provider's own students."""
    if is_system(actor):
        return frozenset(DataCategory.values)
    found: set[str] = set()
    for scope in student_policy.scopes(actor):
        if scope.relation == OWN and organisation.pk in scope.organisation_ids:
            found |= set(scope.categories)
    return frozenset(found)


# --- Check ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UsedColumn:
    letter: str
    heading: str
    field: str  # "" when not imported

    @property
    def used_for(self) -> str:
        column = COLUMNS_BY_FIELD.get(self.field)
        return column.label if column else "not imported"


@dataclass
class StudentRow:
    row: int
    student_number: str
    student: Student | None  # None: a new student
    values: dict[str, Any]  # the file's values (stored field names), None where empty
    changes: dict[str, tuple[Any, Any]]  # field → (now, becomes)
    status_on: date
    is_new: bool = False  # the provider has no student of this number yet

    @property
    def name(self) -> str:
        if self.student is not None and not self.is_new:
            return self.student.display_name
        first = self.values.get("preferred_name") or self.values.get("first_name") or ""
        return f"{first} {self.values.get('last_name') or ''}".strip()

    @property
    def status_changes(self) -> bool:
        return "status" in self.changes or self.is_new

    @property
    def declared_changes(self) -> list[str]:
        return [name for name in DECLARED_FIELDS if name in self.changes]


@dataclass
class StudentImportReport:
    """Everything a person needs to decide: the same on the page and at the command line."""

    upload: StudentImport
    columns: list[UsedColumn] = field(default_factory=list)
    column_problems: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: list[StudentRow] = field(default_factory=list)
    rows_total: int = 0
    already_imported: StudentImport | None = None
    categories: frozenset[str] = frozenset()

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems})

    @property
    def to_add(self) -> list[StudentRow]:
        return [row for row in self.rows if row.is_new]

    @property
    def to_update(self) -> list[StudentRow]:
        return [row for row in self.rows if not row.is_new and row.changes]

    @property
    def unchanged(self) -> list[StudentRow]:
        return [row for row in self.rows if not row.is_new and not row.changes]

    @property
    def changes_anything(self) -> bool:
        return bool(self.to_add or self.to_update)

    @property
    def can_commit(self) -> bool:
        return (
            not self.column_problems
            and self.upload.status == UploadStatus.CHECKED
            and self.changes_anything
        )

    def column_named(self, heading: str) -> str:
        """'Column B (STU_DOB)' for a heading, '' for a problem with the whole row."""
        for column in self.columns:
            if column.heading == heading:
                return f"Column {column.letter} ({column.heading})"
        return ""

    def shows(self, name: str) -> bool:
        """Whether the person sees the values of field `name` (special category data only with
        that category)."""
        if name in SPECIAL_CATEGORY_FIELDS:
            return DataCategory.SPECIAL_CATEGORY in self.categories
        return True

    def change_text(self, row: StudentRow) -> list[str]:
        """'Status: Enrolled → Interrupted', one per changed field, in the person's words."""
        lines = []
        for name, (now, becomes) in row.changes.items():
            label = _model_field(name).verbose_name
            if not self.shows(name):
                lines.append(f"{str(label).capitalize()}: changes (special category data)")
                continue
            lines.append(
                f"{str(label).capitalize()}: {_shown(name, now)} → {_shown(name, becomes)}"
            )
        return lines


def _model_field(name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", Student._meta.get_field(name))


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    choices = dict(_model_field(name).choices or ())
    return str(choices.get(value, value))


def _columns(table: Table) -> tuple[list[UsedColumn], list[str]]:
    columns: list[UsedColumn] = []
    problems: list[str] = []
    claimed: dict[str, str] = {}
    for index, heading in enumerate(table.headers):
        name = field_of_heading(heading) or ""
        stored = stored_field(name) if name else ""
        if stored and stored in claimed:
            problems.append(
                f"Columns '{claimed[stored][:60]}' and '{heading[:60]}' both give the "
                f"{COLUMNS_BY_FIELD[name].label}: remove one of them."
            )
            name = ""
        elif stored:
            claimed[stored] = heading
        columns.append(UsedColumn(column_letter(index), heading, name))
    if "student_number" not in claimed:
        problems.append(
            "No column gives the student number: a student list needs one (headed 'Student "
            "number', STU_CODE or OWNSTU), as each row is matched on it."
        )
    return columns, problems


def _value(expression: pl.Expr) -> pl.Expr:
    """A cell as shown back in a message: at most 40 characters."""
    return (
        pl.when(expression.str.len_chars() > 40)
        .then(expression.str.slice(0, 40) + pl.lit("…"))
        .otherwise(expression)
    )


def _learner_checks(column: StudentColumn, kind: str, cell: pl.Expr, today: date) -> Any:
    return column_checks(
        ImportColumn(column.field, column.label, kind, column.headings), cell, today
    )


def _checks(column: StudentColumn, cell: pl.Expr, today: date) -> tuple[pl.Expr, pl.Expr]:
    """The typed value of a cell and the reason it is wrong (null when it is fine)."""
    kind = column.kind
    if kind in ("reference", "name", "postcode", "uln"):
        return _learner_checks(column, kind, cell, today)
    if kind == "birth_date":
        return _learner_checks(column, "date", cell, today)
    if kind == "date":
        parsed, reason = _learner_checks(column, "date", cell, today)
        # Any date may be in the future (an expected end); only unreadable ones are refused.
        return parsed, pl.when(parsed.is_null()).then(reason)
    if kind == "email":
        ok = cell.str.contains(EMAIL_PATTERN)
        return cell, pl.when(cell.is_not_null() & ~ok).then(
            pl.format("'{}' is not an e-mail address, like name@example.ac.uk.", _value(cell))
        )
    if kind == "phone":
        ok = cell.str.contains(PHONE_PATTERN)
        return cell, pl.when(cell.is_not_null() & ~ok).then(
            pl.format(
                "'{}' is not a phone number: digits, spaces, brackets and hyphens, with + in "
                "front for an international number.",
                _value(cell),
            )
        )
    if kind == "year":
        number = (
            cell.str.to_lowercase()
            .str.extract(r"^(?:year|yr|y)?\s*0?(\d{1,2})$", 1)
            .cast(pl.Int32, strict=False)
        )
        ok = number.is_between(1, MAX_YEAR_OF_STUDY)
        return number, pl.when(cell.is_not_null() & ~ok.fill_null(False)).then(
            pl.format(
                "'{}' is not a year of study: write a number from 1 to {}.",
                _value(cell),
                pl.lit(MAX_YEAR_OF_STUDY),
            )
        )
    if kind == "text":
        return cell, pl.lit(None, dtype=pl.String)
    codes, hint = _PLAIN_CODES[kind]
    folded = cell.str.to_lowercase().str.replace_all(r"\s+", " ")
    # A code a spreadsheet stored as a number has lost its leading zero ("01" read as 1).
    parsed = pl.coalesce(
        folded.replace_strict(codes, default=None, return_dtype=pl.String),
        pl.when(folded.str.contains(r"^[0-9]$"))
        .then(folded.str.zfill(2))
        .replace_strict(codes, default=None, return_dtype=pl.String),
    )
    return parsed, pl.when(cell.is_not_null() & parsed.is_null()).then(
        pl.format("'{}' " + hint, _value(cell))
    )


# The codes as plain text (the choices are enums, which Polars would read as its own Enum type).
_PLAIN_CODES = {
    kind: ({key: str(value) for key, value in codes.items()}, hint)
    for kind, (codes, hint) in CODES.items()
}


def _validated(
    table: Table, columns: list[UsedColumn], today: date
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every cell checked at once: the rows with no problem (typed, by stored field name) and
    every problem by row, column and reason."""
    used = [(index, column) for index, column in enumerate(columns) if column.field]
    cells = table.columns()
    frame = pl.DataFrame(
        {
            ROW: pl.Series(ROW, table.row_numbers, dtype=pl.Int64),
            **{
                column.field: pl.Series(column.field, cells[index], dtype=pl.String)
                for index, column in used
            },
        }
    )
    names = [column.field for _, column in used]
    frame = frame.with_columns(
        [pl.col(name).str.strip_chars().replace("", None).alias(name) for name in names]
    )
    typed: list[pl.Expr] = []
    reasons: list[pl.Expr] = []
    for name in names:
        spec = COLUMNS_BY_FIELD[name]
        cell = pl.col(name)
        typed_cell, reason = _checks(spec, cell, today)
        general = (
            pl.when(cell.str.contains(CONTROL_CHARACTERS))
            .then(pl.lit("holds a control character (such as NUL) that cannot be stored."))
            .when(cell.str.len_chars() > spec.max_length)
            .then(
                pl.format(
                    "is {} characters long; at most {} fit.",
                    cell.str.len_chars(),
                    pl.lit(spec.max_length),
                )
            )
        )
        if name == "student_number":
            general = general.when(cell.is_null()).then(
                pl.lit("is empty: every row needs the student's number.")
            )
        typed.append(typed_cell.alias(name))
        reasons.append(pl.coalesce(general, reason).alias(f"{name}__reason"))
    checked = frame.select(pl.col(ROW), *typed, *reasons)
    heading_of = {column.field: column.heading for _, column in used}
    problems: list[Problem] = []
    for name in names:
        failing = checked.filter(pl.col(f"{name}__reason").is_not_null())
        problems.extend(
            Problem(row, heading_of[name], reason)
            for row, reason in failing.select(ROW, f"{name}__reason").iter_rows()
        )
    reason_names = [f"{name}__reason" for name in names]
    clean = checked.filter(pl.all_horizontal(pl.col(reason_names).is_null()))
    rows: list[dict[str, Any]] = []
    for record in clean.select(ROW, *names).iter_rows(named=True):
        values: dict[str, Any] = {ROW: record[ROW]}
        for name in names:
            value = record[name]
            if value == NOT_RECORDED:
                value = None
            target = stored_field(name)
            if target in BOOLEAN_FIELDS and value is not None:
                value = value == "yes"
            values[target] = value
        rows.append(values)
    return rows, problems


def _duplicate_numbers(table: Table, columns: list[UsedColumn]) -> list[Problem]:
    """Every row whose student number another row has too."""
    at = next(index for index, column in enumerate(columns) if column.field == "student_number")
    heading = columns[at].heading
    rows_of: dict[str, list[int]] = {}
    for row, cells in zip(table.row_numbers, table.rows, strict=True):
        number = cells[at].strip()
        if number:
            rows_of.setdefault(number.casefold(), []).append(row)
    problems: list[Problem] = []
    for rows in rows_of.values():
        if len(rows) > 1:
            listed = ", ".join(str(row) for row in rows[:-1]) + f" and {rows[-1]}"
            problems.extend(
                Problem(
                    row,
                    heading,
                    f"Rows {listed} have the same student number: keep the right row and "
                    "remove the others.",
                )
                for row in rows
            )
    return problems


def student_import_check(upload: StudentImport, *, actor: Any) -> StudentImportReport:
    """Check every row and compare it with the provider's students: the preview. Writes nothing
    but the access log (the preview shows what changes of the students it would update)."""
    organisation = upload.organisation
    if organisation is None:
        raise NotFound
    _require_provider(actor, organisation.pk)
    table = STUDENT_UPLOADS.read(
        STUDENT_UPLOADS.file_of(upload), upload.file_name, upload.sheet_name
    )
    report = StudentImportReport(
        upload=upload, rows_total=len(table.rows), categories=categories_at(actor, organisation)
    )
    report.columns, report.column_problems = _columns(table)
    report.already_imported = (
        StudentImport.objects.filter(
            organisation=organisation,
            file_sha256=upload.file_sha256,
            status=UploadStatus.COMMITTED,
        )
        .exclude(pk=upload.pk)
        .first()
    )
    if report.column_problems:
        return report
    today = timezone.localdate()
    records, problems = _validated(table, report.columns, today)
    duplicates = _duplicate_numbers(table, report.columns)
    duplicated = {problem.row for problem in duplicates}
    problems.extend(duplicates)
    heading_of = {
        stored_field(column.field): column.heading for column in report.columns if column.field
    }
    records = [record for record in records if record[ROW] not in duplicated]
    numbers = [record["student_number"] for record in records]
    existing = {
        student.student_number.casefold(): student
        for start in range(0, len(numbers), CHUNK)
        for student in Student.objects.filter(
            organisation=organisation, student_number__in=numbers[start : start + CHUNK]
        )
    }
    for record in records:
        row = record[ROW]
        number = record["student_number"]
        student = existing.get(number.casefold())
        values = {name: record.get(name) for name in (*IMPORTED_FIELDS, STATUS_DATE)}
        if student is None:
            missing = [
                COLUMNS_BY_FIELD[name].label
                for name in ("first_name", "last_name")
                if not values[name]
            ]
            if missing:
                problems.append(
                    Problem(
                        row,
                        heading_of.get(
                            "first_name" if "first name" in missing else "last_name", "(row)"
                        ),
                        f"has no {' or '.join(missing)}: a new student needs a first name and a "
                        "last name.",
                    )
                )
                continue
        starts = values["starts_on"] or (student.starts_on if student else None)
        ends = values["expected_end_on"] or (student.expected_end_on if student else None)
        if starts and ends and ends < starts:
            problems.append(
                Problem(
                    row,
                    heading_of.get("expected_end_on") or heading_of.get("starts_on", "(row)"),
                    f"The expected end ({ends:%d/%m/%Y}) is before the course start "
                    f"({starts:%d/%m/%Y}): check both dates.",
                )
            )
            continue
        changes: dict[str, tuple[Any, Any]] = {}
        for name in IMPORTED_FIELDS:
            new = values[name]
            if new is None:
                continue
            now = getattr(student, name) if student is not None else None
            if student is None and name == "status":
                now = None
            if new != now:
                changes[name] = (now, new)
        if student is None and "status" not in changes:
            changes["status"] = (None, StudentStatus.ENROLLED.value)
        report.rows.append(
            StudentRow(
                row=row,
                student_number=number,
                student=student,
                values=values,
                changes=changes,
                status_on=values[STATUS_DATE] or today,
                is_new=student is None,
            )
        )
    # By row, then by column as the file has them (a problem with the whole row last).
    position = {column.heading: index for index, column in enumerate(report.columns)}
    problems.sort(key=lambda problem: (problem.row, position.get(problem.column, len(position))))
    report.problems = problems
    # The preview shows what changes of the students it updates; of the others only a count.
    seen = [row.student for row in report.to_update if row.student is not None]
    if seen and is_person(actor):
        access_log_record_subjects(
            actor=actor,
            subject_type="students.student",
            subjects=[(student.pk, None) for student in seen],
            data_categories=report.categories,
            purpose=f"checking the student list {upload.file_name}",
            actor_organisation_id=organisation.pk,
        )
    return report
