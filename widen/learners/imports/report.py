"""The report of an import in words: what the page shows and `widen import learners` prints."""

from __future__ import annotations

from dataclasses import dataclass

from widen.learners.imports.columns import COLUMNS_BY_FIELD, IGNORE, ColumnChoice
from widen.learners.imports.services import ImportReport, column_of

MAX_PRINTED_PROBLEMS = 500


@dataclass(frozen=True)
class ColumnLine:
    letter: str
    heading: str
    becomes: str
    how: str

    @property
    def needs_choice(self) -> bool:
        return self.how == "unknown"


def column_lines(report: ImportReport) -> list[ColumnLine]:
    return [
        ColumnLine(column_of(report, choice.heading), choice.heading, _becomes(choice), choice.how)
        for choice in report.choices
    ]


def _becomes(choice: ColumnChoice) -> str:
    if choice.field != IGNORE:
        column = COLUMNS_BY_FIELD[choice.field]
        return column.label + ("" if column.stored else " (checked, not kept)")
    if choice.how == "unknown":
        return "not recognised: say what it is, or choose not to import it"
    if choice.note:
        return f"not imported: {choice.note}"
    return "not imported"


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def outcome_summary(report: ImportReport, *, committed: bool) -> str:
    created = report.run.rows_created if committed else report.rows_to_create
    updated = report.run.rows_updated if committed else report.rows_to_update
    parts = [
        _count(created, "new learner", "new learners") + (" added" if committed else " to add"),
        _count(updated, "learner already held", "learners already held")
        + (" updated" if committed else " to update"),
        _count(report.rows_unchanged, "already up to date", "already up to date"),
    ]
    if report.duplicates:
        parts.append(_count(len(report.duplicates), "repeated row", "repeated rows") + " skipped")
    parts.append(_count(len(report.rejected_rows), "row", "rows") + " rejected")
    return ", ".join(parts) + "."


def report_lines(
    report: ImportReport, *, committed: bool, dry_run: bool = False, accept_partial: bool = False
) -> list[str]:
    run = report.run
    where = run.school.name if run.school else run.organisation.name
    lines = [
        f"Pupil list {run.file_name} ({run.file_format.upper()}"
        + (f", sheet '{run.sheet_name}'" if run.sheet_name else "")
        + f"): {report.rows_total:,} rows for {where}, held by {run.organisation.name}.",
        "Columns:",
    ]
    lines.extend(
        f"  {line.letter:>3} {line.heading}: {line.becomes}" for line in column_lines(report)
    )
    if report.already_imported is not None:
        when = report.already_imported.committed_at
        lines.append(
            "This file was already imported"
            + (f" on {when:%d %B %Y}" if when else "")
            + ": importing it again changes nothing."
        )
        if report.problems:
            lines.append(
                _count(len(report.rejected_rows), "row of it is", "rows of it are")
                + " still rejected: fix them and import the corrected file."
            )
        return lines
    if report.unknown_headings:
        lines.append(
            "Say what these columns are before the rows can be checked (--map 'HEADING=FIELD', "
            "or FIELD skip): " + ", ".join(report.unknown_headings) + "."
        )
    lines.extend(f"Problem: {column_problem}" for column_problem in report.column_problems)
    if not report.checked:
        lines.append("Nothing was imported.")
        return lines
    lines.append(
        ("Imported: " if committed else "Checked: ") + outcome_summary(report, committed=committed)
    )
    for row, earlier in sorted(report.duplicates.items())[:MAX_PRINTED_PROBLEMS]:
        lines.append(
            f"  Row {row} repeats row {earlier} (names compared without case or accents): skipped."
        )
    if report.problems:
        lines.append("Rejected rows:")
        for problem in report.problems[:MAX_PRINTED_PROBLEMS]:
            where_in_row = "" if problem.column == "(row)" else f", {problem.column}"
            lines.append(f"  Row {problem.row}{where_in_row}: {problem.reason}")
        hidden = len(report.problems) - MAX_PRINTED_PROBLEMS
        if hidden > 0:
            lines.append(f"  … and {hidden:,} more problems (write them all with --failed-rows).")
    if not committed:
        if dry_run:
            lines.append("Dry run: nothing was changed.")
        elif report.problems and accept_partial:
            lines.append(
                "Nothing was imported: every row was rejected or already up to date. Fix the "
                "rejected rows and import the file again."
            )
        elif report.problems:
            lines.append(
                "Nothing was imported: fix the rejected rows and import the file again, or "
                "import the other rows with --accept-partial."
            )
        elif not (report.rows_to_create or report.rows_to_update):
            lines.append("Nothing to change: every learner in the file is already up to date.")
    return lines
