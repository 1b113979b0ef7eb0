"""Fuzz every upload parser with atheris (SECURITY 15).

    python scripts/fuzz_import.py -runs=20000                    # whole pupil lists
    python scripts/fuzz_import.py --target=cells -runs=200000    # one cell or heading at a time
    python scripts/fuzz_import.py --target=tables -runs=50000    # a file read by each upload

Targets (each input is run against one target, chosen by `--target`; `pupil_lists` by default):

- `pupil_lists`: the input read as a CSV and as an XLSX pupil list and, when readable, every row
  validated (dates, UPNs, ULNs, postcodes, names, choices), as an upload is checked.
- `tables`: the input read as each upload reads its file: a pupil list, a register, a file of
  scale items, as CSV and as XLSX (the workbook guard first), its header's columns chosen, and a
  register's rows checked. (A file of scale items is checked row by row in
  tests/fuzz/test_upload_parsers.py, as the check needs the database.)
- `cells`: the input read as one cell or heading of an upload: the identifier checks (postcode,
  UPN, ULN, URN, UKPRN), the name and web-link checks, each upload's heading recognition, a scale
  item's answer options, the CSV decoding and delimiter detection.

A refusal is one of the project's own errors (`TableError`, an `ApplicationError`, a field's
`ValidationError`); any other exception is a crash, and atheris stops and reports it. Only the
parser modules are instrumented, so the fuzzer starts in seconds.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
from collections.abc import Callable
from datetime import date
from types import ModuleType

import atheris

TARGET_NAMES = ("pupil_lists", "tables", "cells")


def _target(argv: list[str]) -> tuple[str, list[str]]:
    """The `--target=NAME` argument (checked before Django starts) and the rest, for atheris."""
    target, rest = TARGET_NAMES[0], []
    for argument in argv:
        if argument.startswith("--target="):
            target = argument.split("=", 1)[1]
        else:
            rest.append(argument)
    if target not in TARGET_NAMES:
        sys.exit(f"Unknown target {target!r}: choose one of {', '.join(TARGET_NAMES)}.")
    return target, rest


TARGET, ATHERIS_ARGV = _target(sys.argv) if __name__ == "__main__" else (TARGET_NAMES[0], [])

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "widen.config.settings_test")

import django

django.setup()

from django.core.exceptions import ValidationError

from widen.activities import imports as register_imports
from widen.core import identifiers, spreadsheet_guard, tabular, validators
from widen.core.academic_years import AcademicYear
from widen.core.exceptions import ApplicationError
from widen.core.tabular import TableError, TableLimits, read_table
from widen.evaluation import imports as scale_imports
from widen.learners.imports import cells, columns, validation

LIMITS = TableLimits(max_bytes=256 * 1024, max_rows=2_000, max_uncompressed_bytes=8 * 1024 * 1024)
SEED_HEADER = b"Legal Surname,Forename,DOB,Year,UPN,FSM Eligible,Postcode,Gender,Ethnicity\r\n"
PARSER_MODULES: tuple[ModuleType, ...] = (
    tabular,
    spreadsheet_guard,
    identifiers,
    validators,
    columns,
    cells,
    validation,
    register_imports,
    scale_imports,
)


def _instrument(modules: tuple[ModuleType, ...]) -> None:
    """Coverage for the functions and methods the parser modules define (they are already
    imported by Django's set-up, so `atheris.instrument_imports` cannot reach them)."""
    for module in modules:
        for value in vars(module).values():
            members = [value]
            if inspect.isclass(value):
                members = [m for m in vars(value).values() if inspect.isfunction(m)]
            for member in members:
                if inspect.isfunction(member) and member.__module__ == module.__name__:
                    atheris.instrument_func(member)


def _content(data: bytes, name: str) -> bytes:
    """Inputs starting "!" follow a real pupil-list header row in a CSV, so rows get validated."""
    return SEED_HEADER + data if name.endswith(".csv") and data[:1] == b"!" else data


def check_pupil_list(data: bytes) -> None:
    for name in ("pupils.csv", "pupils.xlsx"):
        content = _content(data, name)
        try:
            table = read_table(
                content, name, limits=LIMITS, looks_like_header=columns.looks_like_header
            )
        except TableError:
            continue
        validation.validate_table(
            table,
            columns.choose_columns(table.headers),
            today=date(2026, 11, 22),
            academic_year=AcademicYear(2026),
        )


def check_tables(data: bytes) -> None:
    for name in ("upload.csv", "upload.xlsx"):
        content = _content(data, name)
        with contextlib.suppress(ApplicationError):
            scale_imports.SCALE_UPLOADS.read(content[: LIMITS.max_bytes], name)
        try:
            register = register_imports.REGISTER_UPLOADS.read(content[: LIMITS.max_bytes], name)
        except ApplicationError:
            pass
        else:  # a register's columns found and every row checked, as its preview does
            found, _ = register_imports._columns(register)
            register_imports._validated(register, found, date(2026, 11, 22))
        with contextlib.suppress(TableError):
            table = read_table(
                content, name, limits=LIMITS, looks_like_header=columns.looks_like_header
            )
            columns.choose_columns(table.headers)


def check_cell(data: bytes) -> None:
    with contextlib.suppress(TableError):
        tabular._decode(data)
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    for check in (
        identifiers.normalise_postcode,
        identifiers.normalise_upn,
        identifiers.validate_uln,
        identifiers.validate_urn,
        identifiers.validate_ukprn,
    ):
        with contextlib.suppress(ValidationError):
            check(text)
    validators.name_problem(text)
    validators.link_problem(text)
    tabular._delimiter(text)
    with contextlib.suppress(TableError):
        tabular.file_format_of(text)
    columns.field_for_heading(text)
    columns.not_kept_reason(text)
    register_imports.field_of_heading(text)
    scale_imports._header(text)
    scale_imports._parse_options(text)
    row = text.split(",")
    columns.looks_like_header(row)
    register_imports.looks_like_register_header(row)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "pupil_lists": check_pupil_list,
    "tables": check_tables,
    "cells": check_cell,
}


def main() -> None:
    _instrument(PARSER_MODULES)
    atheris.Setup(ATHERIS_ARGV, TARGETS[TARGET])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
