"""Importing a session's register from a spreadsheet: one code path for the register page and
`widen import register`.

1. `register_import_start` reads the file (the pupil list's reader: CSV in any encoding Excel
   writes, XLSX, with the same caps) and keeps it as a `RegisterImport`. Nothing else is written.
2. `register_import_check` validates every row and matches it to a learner the person sees by
   name: the preview of who will be added and marked, and every problem by row, column and reason.
3. `register_import_commit` checks again and writes through `register_add` and
   `attendance_mark` in one transaction (so the audit trail and contact hours stay right), or
   writes nothing.

Each row names a learner by UPN, or by legal first name (or preferred name), last name and date of
birth, optionally with the school's URN, and may give an attendance mark. A learner the person may
not see is reported exactly as one who does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import polars as pl
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from widen.activities.hooks import attendance_changed
from widen.activities.models import (
    Attendance,
    AttendanceStatus,
    RegisterImport,
    RegisterImportStatus,
    Session,
)
from widen.activities.services import attendance_mark, may_take_register, register_add
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.tabular import Table, TableLimits, column_letter
from widen.core.uploads import StagedImport
from widen.learners.imports.cells import cell_checks
from widen.learners.imports.columns import field_for_heading, heading_key
from widen.learners.imports.matching import (
    DATE_OF_BIRTH,
    FIRST_NAME,
    LAST_NAME,
    NAMING_FIELDS,
    SCHOOL_URN,
    UPN,
    match_named_rows,
    one_row_each,
)
from widen.learners.imports.validation import ROW, Problem
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory

# A register is a class or a year group, not a pupil list: small caps keep the server safe.
REGISTER_MAX_BYTES = 5 * 1024 * 1024
REGISTER_MAX_ROWS = 5_000

MARK = "mark"
LEARNER_FIELDS = NAMING_FIELDS
FIELD_LABELS = {
    UPN: "UPN",
    FIRST_NAME: "legal first name",
    LAST_NAME: "legal last name",
    DATE_OF_BIRTH: "date of birth",
    SCHOOL_URN: "school URN",
    MARK: "attendance",
}
OWN_HEADINGS = {
    SCHOOL_URN: ("School URN", "URN", "DfE URN", "School number"),
    MARK: (
        "Attendance",
        "Attended",
        "Attendance mark",
        "Mark",
        "Present",
        "Present?",
        "Status",
        "Register",
    ),
}
_OWN_BY_HEADING = {
    heading_key(heading): name for name, headings in OWN_HEADINGS.items() for heading in headings
}
ATTENDED_WORDS = ("attended", "present", "p", "y", "yes", "1", "true", "x", "/", "✓", "✔")
ABSENT_WORDS = (
    "absent",
    "a",
    "n",
    "no",
    "0",
    "false",
    "did not attend",
    "dna",
    "not attended",
    "not present",
)
MARKS = {
    **dict.fromkeys(ATTENDED_WORDS, AttendanceStatus.ATTENDED.value),
    **dict.fromkeys(ABSENT_WORDS, AttendanceStatus.ABSENT.value),
}
URN_PATTERN = r"^[0-9]{6}$"


def register_limits() -> TableLimits:
    return TableLimits(max_bytes=REGISTER_MAX_BYTES, max_rows=REGISTER_MAX_ROWS)


def field_of_heading(heading: str) -> str | None:
    """What a column of a register holds, from its heading (the pupil list's headings for the
    learner's UPN, names and date of birth)."""
    own = _OWN_BY_HEADING.get(heading_key(heading))
    if own:
        return own
    learner_field = field_for_heading(heading)
    return learner_field if learner_field in LEARNER_FIELDS else None


def looks_like_register_header(cells: Sequence[str]) -> bool:
    return sum(1 for cell in cells if cell and field_of_heading(cell)) >= 2


# --- Start: read and keep the file -------------------------------------------------------------

REGISTER_UPLOADS = StagedImport(
    model=RegisterImport, limits=register_limits, looks_like_header=looks_like_register_header
)


def read_register_file(content: bytes, file_name: str, sheet_name: str = "") -> Table:
    return REGISTER_UPLOADS.read(content, file_name, sheet_name)


def _require_register(actor: Any, session: Session) -> None:
    """Only the session's deliverers and its school take its register; anyone else is told the
    session is not there."""
    if not may_take_register(actor, session):
        raise NotFound


@transaction.atomic
def register_import_start(
    *, actor: Any, session: Session, file_name: str, content: bytes, sheet_name: str = ""
) -> RegisterImport:
    """Keep an uploaded register for its preview. Raises `ApplicationError` when the file cannot
    be read at all (nothing is written)."""
    _require_register(actor, session)
    table = read_register_file(content, file_name or "register", sheet_name[:100])
    upload = RegisterImport(session=session, organisation_id=session.activity.delivered_by_id)
    # An earlier upload for this register, never imported, is replaced by this one.
    return REGISTER_UPLOADS.stage(
        upload,
        actor=actor,
        content=content,
        table=table,
        file_name=file_name or "register",
        replaces=Q(session=session),
    )


# --- Check: validate and match -----------------------------------------------------------------


@dataclass(frozen=True)
class RegisterColumn:
    letter: str
    heading: str
    field: str  # "" when the import does not use it

    @property
    def used_for(self) -> str:
        return FIELD_LABELS.get(self.field, "not used")


@dataclass
class RegisterRow:
    row: int
    learner: Learner
    add: bool  # not on the register yet
    mark: str | None  # the mark the file gives (None: none)
    previous: str | None  # the learner's mark on the register now (None: not on it)

    @property
    def changes_mark(self) -> bool:
        return self.mark is not None and self.mark != (self.previous or "registered")

    @property
    def previous_text(self) -> str:
        """The mark on the register now, in words: "Not marked" for a learner only registered."""
        if self.previous in (None, AttendanceStatus.REGISTERED):
            return "Not marked"
        return str(self.previous).capitalize()


@dataclass
class RegisterImportReport:
    """Everything a person needs to decide: the same on the page and at the command line."""

    upload: RegisterImport
    columns: list[RegisterColumn] = field(default_factory=list)
    column_problems: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: list[RegisterRow] = field(default_factory=list)
    rows_total: int = 0
    already_imported: RegisterImport | None = None

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems})

    @property
    def to_add(self) -> list[RegisterRow]:
        return [row for row in self.rows if row.add]

    @property
    def to_mark(self) -> list[RegisterRow]:
        return [row for row in self.rows if row.changes_mark]

    @property
    def remarked(self) -> list[RegisterRow]:
        """Learners on the register already whose mark changes."""
        return [row for row in self.rows if not row.add and row.changes_mark]

    @property
    def unchanged(self) -> list[RegisterRow]:
        return [row for row in self.rows if not row.add and not row.changes_mark]

    @property
    def changes_anything(self) -> bool:
        return bool(self.to_add or self.to_mark)

    @property
    def can_commit(self) -> bool:
        return (
            not self.column_problems
            and self.upload.status == RegisterImportStatus.CHECKED
            and self.changes_anything
        )

    def column_named(self, heading: str) -> str:
        """'Column B (Attended)' for a heading, '' for a problem with the whole row."""
        for column in self.columns:
            if column.heading == heading:
                return f"Column {column.letter} ({column.heading})"
        return ""


def _columns(table: Table) -> tuple[list[RegisterColumn], list[str]]:
    columns: list[RegisterColumn] = []
    problems: list[str] = []
    claimed: dict[str, str] = {}
    for index, heading in enumerate(table.headers):
        name = field_of_heading(heading) or ""
        if name and name in claimed:
            problems.append(
                f"Columns '{claimed[name][:60]}' and '{heading[:60]}' both give the "
                f"{FIELD_LABELS[name]}: remove one of them."
            )
            name = ""
        elif name:
            claimed[name] = heading
        columns.append(RegisterColumn(column_letter(index), heading, name))
    if UPN not in claimed and not {FIRST_NAME, LAST_NAME, DATE_OF_BIRTH} <= set(claimed):
        problems.append(
            "No column says who each row is: a register needs a UPN column, or columns with the "
            "learners' legal first name, last name and date of birth."
        )
    return columns, problems


def _validated(
    table: Table, columns: list[RegisterColumn], today: date
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every cell checked at once (Polars, the pupil list's rules): the rows with no problem,
    typed, and every problem by row, column and reason."""
    used = [column for column in columns if column.field]
    cells = table.columns()
    index_of = {column.heading: index for index, column in enumerate(columns)}
    frame = pl.DataFrame(
        {
            ROW: pl.Series(ROW, table.row_numbers, dtype=pl.Int64),
            **{
                column.field: pl.Series(
                    column.field, cells[index_of[column.heading]], dtype=pl.String
                )
                for column in used
            },
        }
    )
    names = [column.field for column in used]
    frame = frame.with_columns(
        [pl.col(name).str.strip_chars().replace("", None).alias(name) for name in names]
    )
    typed: list[pl.Expr] = []
    reasons: list[pl.Expr] = []
    for name in names:
        cell = pl.col(name)
        if name in LEARNER_FIELDS:
            value, reason = cell_checks(name, cell, today=today)
        elif name == SCHOOL_URN:
            value = cell
            reason = pl.when(cell.is_not_null() & ~cell.str.contains(URN_PATTERN)).then(
                pl.format(
                    "'{}' is not a school URN: a URN is the school's 6-digit number.",
                    cell.str.slice(0, 40),
                )
            )
        else:
            folded = cell.str.to_lowercase().str.replace_all(r"\s+", " ")
            value = folded.replace_strict(MARKS, default=None, return_dtype=pl.String)
            reason = pl.when(cell.is_not_null() & value.is_null()).then(
                pl.format(
                    "'{}' is not an attendance mark: write Attended or Absent (Y or N, present "
                    "or absent), or leave it empty to put the learner on the register unmarked.",
                    cell.str.slice(0, 40),
                )
            )
        typed.append(value.alias(name))
        reasons.append(reason.alias(f"{name}__reason"))
    checked = frame.select(pl.col(ROW), *typed, *reasons)
    heading_of = {column.field: column.heading for column in used}
    problems: list[Problem] = []
    for name in names:
        failing = checked.filter(pl.col(f"{name}__reason").is_not_null())
        problems.extend(
            Problem(row, heading_of[name], reason)
            for row, reason in failing.select(ROW, f"{name}__reason").iter_rows()
        )
    reason_names = [f"{name}__reason" for name in names]
    clean = checked.filter(pl.all_horizontal(pl.col(reason_names).is_null())) if names else checked
    rows = [
        {key: record.get(key) for key in (ROW, *LEARNER_FIELDS, SCHOOL_URN, MARK)}
        for record in clean.select(ROW, *names).iter_rows(named=True)
    ]
    return rows, problems


RESTRICTED_NOT_ADDED = (
    "Processing of this learner's record is restricted, so they cannot be put on the register "
    "until the restriction is lifted."
)


def _named(actor: Any) -> Any:
    return learner_policy.visible_to(actor, needing=DataCategory.IDENTITY)


def register_import_check(upload: RegisterImport, *, actor: Any) -> RegisterImportReport:
    """Validate every row and match it to the register: the preview. Writes nothing."""
    session = upload.session
    _require_register(actor, session)
    content = REGISTER_UPLOADS.file_of(upload)
    table = read_register_file(content, upload.file_name, upload.sheet_name)
    report = RegisterImportReport(upload=upload, rows_total=len(table.rows))
    report.columns, report.column_problems = _columns(table)
    report.already_imported = (
        RegisterImport.objects.filter(
            session=session,
            file_sha256=upload.file_sha256,
            status=RegisterImportStatus.COMMITTED,
        )
        .exclude(pk=upload.pk)
        .first()
    )
    if report.column_problems:
        return report
    records, problems = _validated(table, report.columns, timezone.localdate())
    headings = {column.field: column.heading for column in report.columns if column.field}
    matched, match_problems = match_named_rows(
        _named(actor),
        records,
        headings,
        value=MARK,
        tell_apart="add this one from the register page, where you can tell them apart.",
    )
    matched, repeat_problems = one_row_each(matched, differing="with different marks")
    problems.extend(match_problems)
    problems.extend(repeat_problems)
    on_register = dict(session.register.values_list("learner_id", "status"))
    room = None if session.capacity is None else max(session.capacity - len(on_register), 0)
    for row, learner, mark in ((item.row, item.learner, item.value) for item in matched):
        previous = on_register.get(learner.pk)
        if previous is None and not learner.processable:
            problems.append(Problem(row, "(row)", RESTRICTED_NOT_ADDED))
            continue
        if previous is None:
            if room is not None:
                if room == 0:
                    problems.append(
                        Problem(
                            row,
                            "(row)",
                            f"The session is full (capacity {session.capacity}): there is no "
                            "place on the register for this learner.",
                        )
                    )
                    continue
                room -= 1
            report.rows.append(RegisterRow(row, learner, add=True, mark=mark, previous=None))
        else:
            report.rows.append(RegisterRow(row, learner, add=False, mark=mark, previous=previous))
    problems.sort(key=lambda problem: (problem.row, problem.column))
    report.problems = problems
    return report


# --- Commit --------------------------------------------------------------------------------------


def register_import_commit(
    *, upload: RegisterImport, actor: Any, accept_partial: bool = False
) -> RegisterImportReport:
    """Check the file again and write it in one transaction through the register's own services:
    every row, or nothing. With rejected rows nothing is written unless `accept_partial`."""

    def write(locked: RegisterImport) -> RegisterImportReport:
        report = register_import_check(locked, actor=actor)
        if report.column_problems:
            raise ApplicationError(report.column_problems[0])
        if report.problems and not accept_partial:
            count = len(report.rejected_rows)
            raise ApplicationError(
                f"{count} row{'s' if count != 1 else ''} of the register "
                f"{'have' if count != 1 else 'has'} problems: fix them and upload the file again, "
                "or choose to import the other rows and leave these out."
            )
        session = locked.session
        added = report.to_add
        if added:
            register_add(actor=actor, session=session, learners=[row.learner for row in added])
        marks = {row.learner.pk: row.mark for row in report.to_mark if row.mark is not None}
        if marks:
            attendance_mark(actor=actor, session=session, marks=marks)
        previous = {row.learner.pk: row.previous for row in report.to_mark}
        locked.changes = {
            "added": [str(row.learner.pk) for row in added],
            "marked": {str(key): previous[key] for key in marks if previous.get(key)},
        }
        locked.learners_added = len(added)
        locked.learners_marked = len(marks)
        locked.rows_unchanged = len(report.unchanged)
        locked.rows_rejected = len(report.rejected_rows)
        locked.rows_total = report.rows_total
        locked.partial = bool(report.problems)
        report.upload = locked
        return report

    report: RegisterImportReport = REGISTER_UPLOADS.commit(
        upload,
        actor=actor,
        write=write,
        may=lambda locked: may_take_register(actor, locked.session),
        related=("session__activity", "session__school"),
    )
    return report


# --- Roll back -----------------------------------------------------------------------------------


def register_import_roll_back(*, upload: RegisterImport, actor: Any) -> RegisterImport:
    """Undo an imported register within the roll-back period: take off the learners it put on
    the register and give back the marks it changed. Refused when any of them has been marked
    since (the later mark would be lost)."""

    def undo(locked: RegisterImport) -> None:
        session = locked.session
        added = [UUID(key) for key in locked.changes.get("added", [])]
        marked = {UUID(key): status for key, status in locked.changes.get("marked", {}).items()}
        touched = Attendance.objects.filter(session=session, learner_id__in=[*added, *marked])
        changed_since = touched.filter(updated_at__gt=locked.committed_at).count()
        if changed_since:
            raise ApplicationError(
                f"{changed_since} of the learners this import put on the register or marked have "
                "been marked since, so rolling it back would lose those marks. Change the "
                "register by hand instead."
            )
        if marked:
            attendance_mark(actor=actor, session=session, marks=marked)
        if added:
            Attendance.objects.filter(session=session, learner_id__in=added).delete()
            attendance_changed(added)

    return REGISTER_UPLOADS.roll_back(
        upload,
        actor=actor,
        undo=undo,
        may=lambda locked: may_take_register(actor, locked.session),
        related=("session__activity",),
    )


def register_imports_purge() -> int:
    """Forget the files of register uploads once as old as an import can be rolled back."""
    return REGISTER_UPLOADS.purge()


def outcome_summary(report: RegisterImportReport, *, committed: bool) -> str:
    """'2 learners added to the register, 3 marks changed, 1 row unchanged, 1 row rejected.'"""

    def count(number: int, one: str, many: str) -> str:
        return f"{number:,} {one if number == 1 else many}"

    verb = "" if committed else "to be "
    parts = [
        count(len(report.to_add), "learner", "learners") + f" {verb}added to the register",
        count(len(report.to_mark), "mark", "marks") + f" {verb}changed",
        count(len(report.unchanged), "row", "rows") + " already as the file says",
    ]
    if report.problems:
        parts.append(
            count(len(report.rejected_rows), "row", "rows")
            + (" left out" if committed else " with problems")
        )
    return ", ".join(parts) + "."


def report_lines(report: RegisterImportReport, *, committed: bool, dry_run: bool) -> list[str]:
    """The report as lines of text, for the command line."""
    session = report.upload.session
    lines = [f"Register: {session} ({report.rows_total:,} rows in {report.upload.file_name})"]
    for column in report.columns:
        lines.append(f"  Column {column.letter} ({column.heading}): {column.used_for}")
    lines.extend(f"Problem with the columns: {problem}" for problem in report.column_problems)
    if report.already_imported is not None and report.already_imported.committed_at:
        lines.append(
            "This file was imported into this register on "
            f"{timezone.localtime(report.already_imported.committed_at):%d %B %Y at %H:%M}."
        )
    for problem in report.problems:
        where = report.column_named(problem.column)
        lines.append(f"Row {problem.row}{', ' + where if where else ''}: {problem.reason}")
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
