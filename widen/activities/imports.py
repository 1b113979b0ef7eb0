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

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from widen.accounts.models import User
from widen.activities.models import (
    AttendanceStatus,
    RegisterImport,
    RegisterImportStatus,
    Session,
)
from widen.activities.services import attendance_mark, may_take_register, register_add
from widen.core.exceptions import ApplicationError
from widen.core.names import fold_name
from widen.core.tabular import Table, TableError, TableLimits, column_letter, read_table
from widen.learners.imports.columns import field_for_heading, heading_key
from widen.learners.imports.services import rollback_period
from widen.learners.imports.validation import ROW, Problem, cell_checks
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory

# A register is a class or a year group, not a pupil list: small caps keep the server safe.
REGISTER_MAX_BYTES = 5 * 1024 * 1024
REGISTER_MAX_ROWS = 5_000

UPN = "upn"
FIRST_NAME = "first_name"
LAST_NAME = "last_name"
DATE_OF_BIRTH = "date_of_birth"
SCHOOL_URN = "school_urn"
MARK = "mark"
LEARNER_FIELDS = (UPN, FIRST_NAME, LAST_NAME, DATE_OF_BIRTH)
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


def read_register_file(content: bytes, file_name: str, sheet_name: str = "") -> Table:
    try:
        return read_table(
            content,
            file_name,
            sheet_name=sheet_name,
            limits=register_limits(),
            looks_like_header=looks_like_register_header,
        )
    except TableError as error:
        raise ApplicationError(error.message) from error


def _require_register(actor: User, session: Session) -> None:
    if not may_take_register(actor, session):
        raise ApplicationError("Only the session's deliverers and its school take its register.")


@transaction.atomic
def register_import_start(
    *, actor: User, session: Session, file_name: str, content: bytes, sheet_name: str = ""
) -> RegisterImport:
    """Keep an uploaded register for its preview. Raises `ApplicationError` when the file cannot
    be read at all."""
    _require_register(actor, session)
    table = read_register_file(content, file_name or "register", sheet_name[:100])
    upload = RegisterImport(
        session=session,
        uploaded_by=actor,
        file_name=(file_name or "register")[-255:],
        file_format=table.file_format,
        file_sha256=hashlib.sha256(content).hexdigest(),
        file_size=len(content),
        file_content=content,
        sheet_name=table.sheet_name,
        rows_total=len(table.rows),
    )
    upload.full_clean()
    upload.save()
    # An earlier upload for this register, never imported, is replaced by this one.
    RegisterImport.objects.filter(
        session=session, uploaded_by=actor, status=RegisterImportStatus.CHECKED
    ).exclude(pk=upload.pk).update(status=RegisterImportStatus.REPLACED, file_content=None)
    return upload


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


def _named(actor: User) -> Any:
    return learner_policy.visible_to(actor, needing=DataCategory.IDENTITY).select_related("school")


def _same_person(learner: Learner, record: dict[str, Any]) -> bool:
    """Whether the row's names, date of birth and URN (those it gives) fit the learner."""
    first = fold_name(record[FIRST_NAME])
    if first and first not in {fold_name(learner.first_name), fold_name(learner.preferred_name)}:
        return False
    if record[LAST_NAME] and fold_name(record[LAST_NAME]) != fold_name(learner.last_name):
        return False
    if record[DATE_OF_BIRTH] and record[DATE_OF_BIRTH] != learner.date_of_birth:
        return False
    return not (record[SCHOOL_URN] and _urn_of(learner) != record[SCHOOL_URN])


def _urn_of(learner: Learner) -> str:
    return learner.school.urn if learner.school_id and learner.school and learner.school.urn else ""


def _match(
    actor: User, rows: list[dict[str, Any]], columns: list[RegisterColumn]
) -> tuple[list[tuple[int, Learner, str | None]], list[Problem]]:
    """Each row's learner among those `actor` sees by name. Unknown and not visible answer the
    same; a row that could be two learners is refused rather than guessed."""
    heading_of = {column.field: column.heading for column in columns if column.field}
    problems: list[Problem] = []
    matched: list[tuple[int, Learner, str | None]] = []
    upns = {record[UPN] for record in rows if record[UPN]}
    by_upn: dict[str, list[Learner]] = defaultdict(list)
    if upns:
        for learner in _named(actor).filter(upn__in=sorted(upns)):
            by_upn[learner.upn].append(learner)
    # Rows without a UPN: only the names and birthdays of everyone born on those days are read,
    # then the learners whose names fit (a register's rows, not the whole partnership).
    wanted = {
        (fold_name(record[FIRST_NAME]), fold_name(record[LAST_NAME]), record[DATE_OF_BIRTH])
        for record in rows
        if not record[UPN] and record[FIRST_NAME] and record[LAST_NAME] and record[DATE_OF_BIRTH]
    }
    by_name: dict[tuple[str, str, date], list[Learner]] = defaultdict(list)
    keys_of: dict[Any, list[tuple[str, str, date]]] = defaultdict(list)
    if wanted:
        born_on = _named(actor).filter(date_of_birth__in=sorted({key[2] for key in wanted}))
        for key_id, first, preferred, last, born in born_on.values_list(
            "pk", "first_name", "preferred_name", "last_name", "date_of_birth"
        ):
            for name in {fold_name(first), fold_name(preferred)} - {""}:
                if (name, fold_name(last), born) in wanted:
                    keys_of[key_id].append((name, fold_name(last), born))
    if keys_of:
        for learner in _named(actor).filter(pk__in=list(keys_of)):
            for key in keys_of[learner.pk]:
                by_name[key].append(learner)
    for record in rows:
        row = record[ROW]
        if record[UPN]:
            candidates = by_upn.get(record[UPN], [])
            if not candidates:
                problems.append(
                    Problem(
                        row,
                        heading_of[UPN],
                        f"No learner you can see by name has the UPN {record[UPN]}: check it, or "
                        "ask the partner who holds the learner to share them.",
                    )
                )
                continue
            fitting = [learner for learner in candidates if _same_person(learner, record)]
            if not fitting:
                problems.append(
                    Problem(
                        row,
                        "(row)",
                        f"The learner with the UPN {record[UPN]} has a different name, date of "
                        "birth or school from this row's: check which is right.",
                    )
                )
                continue
            if len(fitting) > 1:
                problems.append(
                    Problem(
                        row,
                        "(row)",
                        f"{len(fitting)} learners you can see have the UPN {record[UPN]} (the "
                        "same young person recorded by two partners): add this one from the "
                        "register page, where you can tell them apart.",
                    )
                )
                continue
            matched.append((row, fitting[0], record[MARK]))
            continue
        if not (record[FIRST_NAME] and record[LAST_NAME] and record[DATE_OF_BIRTH]):
            problems.append(
                Problem(
                    row,
                    "(row)",
                    "This row does not say who the learner is: give their UPN, or their legal "
                    "first name, last name and date of birth.",
                )
            )
            continue
        key = (fold_name(record[FIRST_NAME]), fold_name(record[LAST_NAME]), record[DATE_OF_BIRTH])
        candidates = list(
            {
                learner.pk: learner
                for learner in by_name.get(key, [])
                if not record[SCHOOL_URN] or _urn_of(learner) == record[SCHOOL_URN]
            }.values()
        )
        born = record[DATE_OF_BIRTH].strftime("%d/%m/%Y")
        if not candidates:
            urn = record[SCHOOL_URN]
            at_school = f" at the school with URN {urn}" if urn else ""
            problems.append(
                Problem(
                    row,
                    "(row)",
                    f"No learner you can see by name is called {record[FIRST_NAME]} "
                    f"{record[LAST_NAME]}, born {born}{at_school}: check the spelling and the date "
                    "of birth, or add the UPN.",
                )
            )
        elif len(candidates) > 1:
            problems.append(
                Problem(
                    row,
                    "(row)",
                    f"{len(candidates)} learners you can see are called {record[FIRST_NAME]} "
                    f"{record[LAST_NAME]}, born {born}: add the UPN or the school URN so Widen "
                    "knows which one this is.",
                )
            )
        else:
            matched.append((row, candidates[0], record[MARK]))
    return matched, problems


def _repeated(
    matched: list[tuple[int, Learner, str | None]],
) -> tuple[list[tuple[int, Learner, str | None]], list[Problem]]:
    """Rows that name one learner: a repeat of the same mark keeps the first row; rows giving
    different marks are all refused."""
    by_learner: dict[Any, list[tuple[int, Learner, str | None]]] = defaultdict(list)
    for item in matched:
        by_learner[item[1].pk].append(item)
    kept: list[tuple[int, Learner, str | None]] = []
    problems: list[Problem] = []
    for items in by_learner.values():
        if len(items) == 1:
            kept.append(items[0])
            continue
        listed = ", ".join(str(row) for row, _, _ in items)
        if len({mark for _, _, mark in items}) == 1:
            kept.append(items[0])
            problems.extend(
                Problem(
                    row,
                    "(row)",
                    f"Rows {listed} are the same learner: this row repeats row {items[0][0]}. "
                    "Remove it.",
                )
                for row, _, _ in items[1:]
            )
        else:
            problems.extend(
                Problem(
                    row,
                    "(row)",
                    f"Rows {listed} are the same learner with different marks: keep the right "
                    "one and remove the others.",
                )
                for row, _, _ in items
            )
    kept.sort(key=lambda item: item[0])
    return kept, problems


def register_import_check(upload: RegisterImport, *, actor: User) -> RegisterImportReport:
    """Validate every row and match it to the register: the preview. Writes nothing."""
    session = upload.session
    _require_register(actor, session)
    if not upload.file_content:
        raise ApplicationError("This upload's file has been deleted: upload the register again.")
    content = bytes(upload.file_content)
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
    matched, match_problems = _match(actor, records, report.columns)
    matched, repeat_problems = _repeated(matched)
    problems.extend(match_problems)
    problems.extend(repeat_problems)
    on_register = dict(session.register.values_list("learner_id", "status"))
    room = None if session.capacity is None else max(session.capacity - len(on_register), 0)
    for row, learner, mark in matched:
        previous = on_register.get(learner.pk)
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
    *, upload: RegisterImport, actor: User, accept_partial: bool = False
) -> RegisterImportReport:
    """Check the file again and write it in one transaction through the register's own services:
    every row, or nothing. With rejected rows nothing is written unless `accept_partial`."""
    with transaction.atomic():
        upload = (
            RegisterImport.objects.select_for_update(of=("self",))
            .select_related("session__activity", "session__school")
            .get(pk=upload.pk)
        )
        if upload.status != RegisterImportStatus.CHECKED:
            raise ApplicationError(
                f"This register cannot be imported: it is {upload.get_status_display().lower()}."
            )
        report = register_import_check(upload, actor=actor)
        if report.column_problems:
            raise ApplicationError(report.column_problems[0])
        if report.problems and not accept_partial:
            count = len(report.rejected_rows)
            raise ApplicationError(
                f"{count} row{'s' if count != 1 else ''} of the register "
                f"{'have' if count != 1 else 'has'} problems: fix them and upload the file again, "
                "or choose to import the other rows and leave these out."
            )
        session = upload.session
        added = report.to_add
        if added:
            register_add(actor=actor, session=session, learners=[row.learner for row in added])
        marks = {row.learner.pk: row.mark for row in report.to_mark if row.mark is not None}
        if marks:
            attendance_mark(actor=actor, session=session, marks=marks)
        upload.status = RegisterImportStatus.COMMITTED
        upload.learners_added = len(added)
        upload.learners_marked = len(marks)
        upload.rows_unchanged = len(report.unchanged)
        upload.rows_rejected = len(report.rejected_rows)
        upload.rows_total = report.rows_total
        upload.partial = bool(report.problems)
        upload.committed_at = timezone.now()
        upload.file_content = None  # the register holds what it said; the file is not kept
        upload.save(
            update_fields=[
                "status",
                "learners_added",
                "learners_marked",
                "rows_unchanged",
                "rows_rejected",
                "rows_total",
                "partial",
                "committed_at",
                "file_content",
                "updated_at",
            ]
        )
        report.upload = upload
    return report


def register_imports_purge() -> int:
    """Forget the files of uploads never imported, once as old as an import can be rolled back
    (the learner import's period): the person uploads the register again if they still need it."""
    cutoff = timezone.now() - rollback_period()
    return RegisterImport.objects.filter(
        status=RegisterImportStatus.CHECKED,
        file_content__isnull=False,
        created_at__lt=cutoff,
    ).update(file_content=None)


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
