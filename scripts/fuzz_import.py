"""Fuzz the pupil-list reader and validator with atheris (SECURITY 15).

    python scripts/fuzz_import.py -runs=20000

Every input is read as a CSV and as an XLSX and, when readable, validated; it is also read as
each staged upload reads it (a register, a file of scale items). A `TableError` (an
`ApplicationError` from a staged upload) is the expected refusal; any other exception is a crash,
and atheris stops and reports it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import date

import atheris

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "widen.config.settings_test")

with atheris.instrument_imports(include=["widen"]):
    import django

    django.setup()
    from widen.activities.imports import REGISTER_UPLOADS
    from widen.core.academic_years import AcademicYear
    from widen.core.exceptions import ApplicationError
    from widen.core.tabular import TableError, TableLimits, read_table
    from widen.evaluation.imports import SCALE_UPLOADS
    from widen.learners.imports.columns import choose_columns, looks_like_header
    from widen.learners.imports.validation import validate_table

LIMITS = TableLimits(max_bytes=256 * 1024, max_rows=2_000, max_uncompressed_bytes=8 * 1024 * 1024)
SEED_HEADER = b"Legal Surname,Forename,DOB,Year,UPN,FSM Eligible,Postcode,Gender,Ethnicity\r\n"


def check_one(data: bytes) -> None:
    for name in ("pupils.csv", "pupils.xlsx"):
        content = SEED_HEADER + data if name.endswith(".csv") and data[:1] == b"!" else data
        for uploads in (REGISTER_UPLOADS, SCALE_UPLOADS):
            with contextlib.suppress(ApplicationError):
                uploads.read(content[: LIMITS.max_bytes], name)
        try:
            table = read_table(content, name, limits=LIMITS, looks_like_header=looks_like_header)
        except TableError:
            continue
        validate_table(
            table,
            choose_columns(table.headers),
            today=date(2026, 11, 22),
            academic_year=AcademicYear(2026),
        )


def main() -> None:
    atheris.Setup(sys.argv, check_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
