"""Files a person downloads around an import: the template, and the rows that failed."""

from __future__ import annotations

from pathlib import PurePath

from widen.core.spreadsheets import csv_download, xlsx_download
from widen.learners.imports.columns import IMPORT_COLUMNS
from widen.learners.imports.services import ImportReport, describe_row_problems, read_run_file
from widen.learners.models import ImportRun

PROBLEM_HEADING = "Problem"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

GUIDANCE = (
    ("Column", "Required", "What to write", "Example"),
    *(
        (
            column.label,
            "Yes" if column.required else "No",
            {
                "name": "Letters, spaces, hyphens and apostrophes.",
                "date": "Day/month/year.",
                "postcode": "A full UK postcode.",
                "upn": "The 13-character Unique Pupil Number.",
                "uln": "The 10-digit Unique Learner Number.",
                "reference": "Your own reference for the pupil (up to 50 letters and digits).",
                "urn": "The URN of the pupil's school (for lists covering several schools).",
                "yes_no": "Y or N (empty: not known).",
                "sex": "F or M.",
                "ethnicity": "A DfE ethnicity code (such as WBRI) or an ONS 2021 category.",
                "year_group": "9, Y9 or Year 9 (checked against the date of birth).",
            }[column.kind],
            column.example,
        )
        for column in IMPORT_COLUMNS
    ),
)


def template_file(file_format: str) -> tuple[bytes, str]:
    """An empty pupil list with Widen's headings (and, in Excel, a sheet explaining them)."""
    headings = [column.label for column in IMPORT_COLUMNS]
    if file_format == "xlsx":
        return (
            xlsx_download([("Pupils", [headings]), ("Guidance", GUIDANCE)]),
            "widen-pupil-list-template.xlsx",
        )
    return csv_download([headings]), "widen-pupil-list-template.csv"


def failed_rows_file(
    run: ImportRun, report: ImportReport, *, file_format: str = ""
) -> tuple[bytes, str]:
    """The rejected rows as the file had them, with a 'Problem' column, in `file_format` ("csv"
    or "xlsx"; the uploaded file's format when not given).

    Fix them in Excel and import the file: the 'Problem' column is ignored.
    """
    table = read_run_file(run)
    problems = describe_row_problems(report)
    headers = list(table.headers)
    folded = [heading.casefold() for heading in headers]
    if PROBLEM_HEADING.casefold() in folded:  # a file of failed rows, failing again
        at = folded.index(PROBLEM_HEADING.casefold())
        headers.pop(at)
        cells_of = [[*cells[:at], *cells[at + 1 :]] for cells in table.rows]
    else:
        cells_of = table.rows
    rows = [
        [*cells, problems[row]]
        for row, cells in zip(table.row_numbers, cells_of, strict=True)
        if row in problems
    ]
    header = [*headers, PROBLEM_HEADING]
    stem = PurePath(run.file_name).stem[:80] or "pupil-list"
    if (file_format or run.file_format) == "xlsx":
        return xlsx_download([(table.sheet_name or "Pupils", [header, *rows])]), (
            f"{stem}-rows-to-fix.xlsx"
        )
    return csv_download([header, *rows]), f"{stem}-rows-to-fix.csv"
