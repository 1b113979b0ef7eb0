"""Reading and checking a school's pupil list (steps 1 to 3 below); `widen.learners.imports.
services` is the one place callers import the whole journey from.

Importing a school's pupil list: one code path for the upload page and `widen import learners`.

1. `learner_import_start` reads the file (nothing about learners is written) and records an
   `ImportRun` with the columns worked out from the headings and the school's saved mapping.
2. `learner_import_map_columns` lets a person say what the other columns are (remembered for the
   school).
3. `learner_import_check` validates every row and matches it to the learners already held: the
   preview of what will be created, updated and rejected.
4. `learner_import_commit` (`widen.learners.imports.commit`) checks again and writes everything
   in one transaction, or nothing.
5. `learner_import_roll_back` (the same module) undoes a whole import within the rollback period.

The file, its limits, the ledger, the commit and the roll-back are the staged upload's
(`widen.core.uploads`), shared by every import.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from widen.accounts.capabilities import is_system
from widen.core.academic_years import AcademicYear
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.tabular import Table, TableLimits, column_letter
from widen.core.uploads import StagedImport
from widen.learners.imports.columns import (
    COLUMNS_BY_FIELD,
    IGNORE,
    ColumnChoice,
    category_of,
    choose_columns,
    looks_like_header,
)
from widen.learners.imports.matching import ImportPlan, plan_import
from widen.learners.imports.selectors import import_admin_organisations
from widen.learners.imports.validation import ROW, Problem, validate_table
from widen.learners.models import (
    ImportColumnMapping,
    ImportRun,
    ImportStatus,
)
from widen.learners.permissions import learner_policy
from widen.organisations.models import Organisation, OrganisationType

logger = logging.getLogger(__name__)


def import_limits() -> TableLimits:
    return TableLimits(
        max_bytes=settings.WIDEN_IMPORT_MAX_BYTES, max_rows=settings.WIDEN_IMPORT_MAX_ROWS
    )


PUPIL_LISTS = StagedImport(
    model=ImportRun, limits=import_limits, looks_like_header=looks_like_header
)


def runs_in_background(run: ImportRun) -> bool:
    return run.rows_total > settings.WIDEN_IMPORT_BACKGROUND_ROWS


@dataclass
class ImportReport:
    """Everything a person needs to decide whether to import: the same on the page and the CLI."""

    run: ImportRun
    choices: list[ColumnChoice]
    column_problems: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    duplicates: dict[int, int] = field(default_factory=dict)
    plan: ImportPlan | None = None
    rows_total: int = 0
    already_imported: ImportRun | None = None

    @property
    def unknown_headings(self) -> list[str]:
        return [choice.heading for choice in self.choices if choice.how == "unknown"]

    @property
    def checked(self) -> bool:
        return self.plan is not None

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({problem.row for problem in self.problems})

    @property
    def rows_to_create(self) -> int:
        return self.plan.to_create.height if self.plan else 0

    @property
    def rows_to_update(self) -> int:
        return len(self.plan.to_update) if self.plan else 0

    @property
    def rows_unchanged(self) -> int:
        return len(self.plan.unchanged_rows) if self.plan else 0

    @property
    def can_commit(self) -> bool:
        return (
            self.checked
            and not self.column_problems
            and self.already_imported is None
            and self.run.status == ImportStatus.CHECKED
        )

    @property
    def needs_partial_consent(self) -> bool:
        return bool(self.problems)


# --- Who may import ---------------------------------------------------------------------------


# A command run on the server passes a system actor (`system_actor("...")`): it may import
# anything, and the audit trail records the source "cli". Nobody else is let in by a missing actor.


def importable_schools(organisation: Organisation) -> dict[str, str]:
    """URN → id of the schools whose pupils `organisation` may import: the schools of its
    partnerships, and itself when it is a school."""
    schools = Organisation.objects.filter(
        organisation_type=OrganisationType.SCHOOL, urn__gt=""
    ).filter(Q(partnerships__in=organisation.partnerships.all()) | Q(pk=organisation.pk))
    return {urn: str(pk) for urn, pk in schools.values_list("urn", "pk").distinct()}


def importable_fields(actor: Any, organisation: Organisation) -> set[str]:
    """The learner fields `actor` may record in `organisation` (empty: may not import)."""
    if is_system(actor):
        return {column.field for column in COLUMNS_BY_FIELD.values()}
    if actor is None or not getattr(actor, "is_authenticated", False):
        return set()
    return set(learner_policy.creatable_fields(actor, organisation))


def require_import(actor: Any, organisation: Organisation) -> None:
    """Refuse, as not found, anyone who may not import learners into `organisation`: the
    learner policy's own choice of the organisation new learners may be recorded in."""
    if is_system(actor):
        return
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotFound
    learner_policy.organisation_for_create(actor, organisation.pk)


def may_import(actor: Any, organisation: Organisation) -> bool:
    try:
        require_import(actor, organisation)
    except NotFound:
        return False
    return True


def may_manage_run(actor: Any, run: ImportRun) -> bool:
    """The person who uploaded it, or an admin of its organisation: one who sees its audit and
    changes its learners (a data-protection officer sees the audit but changes no learner)."""
    if is_system(actor):
        return True
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if run.uploaded_by_id is not None and run.uploaded_by_id == actor.pk:
        return True
    return import_admin_organisations(actor).filter(pk=run.organisation_id).exists()


# --- Start: read the file ---------------------------------------------------------------------


# The last file read, kept for a few minutes: the preview and the commit of one upload read the
# same bytes, and a large workbook takes seconds to parse. One entry, so memory stays bounded;
# the key is the bytes' checksum, so a changed file is always read afresh. Tables are not mutated.
_LAST_TABLE_SECONDS = 900
_last_table: dict[tuple[str, str, str, TableLimits], tuple[float, Table]] = {}
_last_table_lock = threading.Lock()


def forget_read_files() -> None:
    """Drop the file kept from the last read (the next read parses the bytes again)."""
    with _last_table_lock:
        _last_table.clear()


def read_run_file(run: ImportRun, content: bytes | None = None) -> Table:
    data = content if content is not None else bytes(run.file_content or b"")
    limits = import_limits()
    key = (hashlib.sha256(data).hexdigest(), run.file_name, run.sheet_name, limits)
    now = time.monotonic()
    with _last_table_lock:
        kept = _last_table.get(key)
    if kept is not None and now - kept[0] < _LAST_TABLE_SECONDS:
        return kept[1]
    table = PUPIL_LISTS.read(data, run.file_name, run.sheet_name)
    with _last_table_lock:
        _last_table.clear()
        _last_table[key] = (now, table)
        # Later reads of this upload name the sheet that was chosen.
        _last_table[(*key[:2], table.sheet_name, limits)] = (now, table)
    return table


def saved_mapping_for(
    organisation: Organisation, school: Organisation | None
) -> dict[str, str | None]:
    mapping = ImportColumnMapping.objects.filter(organisation=organisation, school=school).first()
    return dict(mapping.columns) if mapping else {}


@transaction.atomic
def learner_import_start(
    *,
    actor: Any,
    organisation: Organisation,
    school: Organisation | None,
    file_name: str,
    content: bytes,
    sheet_name: str = "",
    mapping_name: str = "",
    extra_mapping: Mapping[str, str | None] | None = None,
) -> ImportRun:
    """Record an uploaded pupil list. Raises `ApplicationError` when the file cannot be read
    (nothing is written), `NotFound` when `actor` may not import into `organisation`."""
    require_import(actor, organisation)
    if school is None and organisation.is_school:
        school = organisation
    if school is not None and not school.is_school:
        raise ApplicationError("Choose a school or college for this pupil list.", field="school")
    run = ImportRun(
        organisation=organisation,
        school=school,
        file_name=(file_name or "upload")[-255:],
        file_sha256=hashlib.sha256(content).hexdigest(),
        sheet_name=sheet_name[:100],
    )
    try:
        table = read_run_file(run, content)
    except ApplicationError as error:
        logger.warning(
            "Pupil list refused for %s by %s: %s",
            organisation.pk,
            getattr(actor, "pk", "cli"),
            error.message,
        )
        raise
    if mapping_name:
        saved = ImportColumnMapping.objects.filter(
            organisation=organisation, name=mapping_name
        ).first()
        if saved is None:
            known = ", ".join(
                ImportColumnMapping.objects.filter(organisation=organisation).values_list(
                    "name", flat=True
                )
            )
            raise ApplicationError(
                f"There is no saved column mapping called '{mapping_name[:60]}'"
                + (f" (saved mappings: {known})." if known else " (none is saved yet).")
            )
        mapping: dict[str, str | None] = dict(saved.columns)
    else:
        mapping = saved_mapping_for(organisation, school)
    mapping.update(extra_mapping or {})
    choices = choose_columns(table.headers, mapping)
    run.column_mapping = {
        choice.heading: None if choice.how == "unknown" else choice.field for choice in choices
    }
    run.message = "" if choices else "No columns."
    # An earlier upload of this list that was never imported is replaced by this one.
    return PUPIL_LISTS.stage(
        run,
        actor=actor,
        content=content,
        table=table,
        file_name=file_name,
        replaces=Q(organisation=organisation, school=school),
    )


def choices_for(run: ImportRun, table: Table) -> list[ColumnChoice]:
    return choose_columns(table.headers, run.column_mapping)


@transaction.atomic
def learner_import_map_columns(
    *, run: ImportRun, actor: Any, columns: Mapping[str, str], remember: bool = True
) -> ImportRun:
    """Say what columns are; `remember` saves it as the school's mapping for next time."""
    require_import(actor, run.organisation)
    if run.status != ImportStatus.CHECKED:
        raise ApplicationError("This import can no longer be changed.")
    unknown_fields = sorted(
        {value for value in columns.values() if value != IGNORE and value not in COLUMNS_BY_FIELD}
    )
    if unknown_fields:
        raise ApplicationError(f"'{unknown_fields[0][:40]}' is not a learner field.")
    table_headings = set(run.column_mapping)
    mapping = dict(run.column_mapping)
    for heading, chosen in columns.items():
        if heading in table_headings:
            mapping[heading] = chosen
    run.column_mapping = mapping
    run.save(update_fields=["column_mapping", "updated_at"])
    if remember:
        name = run.school.name if run.school else run.organisation.name
        saved, _ = ImportColumnMapping.objects.get_or_create(
            organisation=run.organisation,
            school=run.school,
            defaults={"name": _unique_mapping_name(run.organisation, name[:100])},
        )
        saved.columns = {
            **saved.columns,
            **{heading: chosen for heading, chosen in mapping.items() if chosen is not None},
        }
        saved.save(update_fields=["columns", "updated_at"])
    return run


def _unique_mapping_name(organisation: Organisation, name: str) -> str:
    candidate, number = name, 2
    while ImportColumnMapping.objects.filter(organisation=organisation, name=candidate).exists():
        candidate = f"{name[:90]} ({number})"
        number += 1
    return candidate


# --- Check: validate and match ----------------------------------------------------------------


def _column_problems(choices: list[ColumnChoice], allowed: set[str]) -> list[str]:
    problems: list[str] = []
    by_field: dict[str, list[str]] = defaultdict(list)
    for choice in choices:
        if choice.field != IGNORE:
            by_field[choice.field].append(choice.heading)
    for field_name, headings in by_field.items():
        if len(headings) > 1:
            label = COLUMNS_BY_FIELD[field_name].label.lower()
            problems.append(
                "Columns "
                + " and ".join(f"'{h}'" for h in headings)
                + f" both give the {label}: choose 'Do not import' for all but one."
            )
    for column in COLUMNS_BY_FIELD.values():
        if column.required and column.field not in by_field:
            problems.append(
                f"No column gives the {column.label.lower()}: every learner needs one. Map the "
                "column that holds it."
            )
    for field_name, headings in by_field.items():
        if COLUMNS_BY_FIELD[field_name].stored and field_name not in allowed:
            category = (category_of(field_name) or "").replace("_", " ")
            problems.append(
                f"Your role may not record {COLUMNS_BY_FIELD[field_name].label.lower()} "
                f"({category} data): choose 'Do not import' for the column '{headings[0]}'."
            )
    return problems


def learner_import_check(run: ImportRun, *, actor: Any) -> ImportReport:
    """Validate every row and match it to the learners held: the preview. Writes nothing."""
    require_import(actor, run.organisation)
    table = read_run_file(run)
    choices = choices_for(run, table)
    report = ImportReport(run=run, choices=choices, rows_total=len(table.rows))
    report.column_problems = _column_problems(choices, importable_fields(actor, run.organisation))
    report.already_imported = (
        ImportRun.objects.filter(
            organisation=run.organisation_id,
            file_sha256=run.file_sha256,
            status=ImportStatus.COMMITTED,
        )
        .exclude(pk=run.pk)
        .first()
    )
    if report.unknown_headings or report.column_problems:
        return report
    today = timezone.localdate()
    validated = validate_table(
        table,
        choices,
        today=today,
        academic_year=AcademicYear.containing(today),
        schools_by_urn=importable_schools(run.organisation),
        default_school_id=str(run.school_id) if run.school_id else None,
    )
    report.problems = list(validated.problems)
    report.duplicates = validated.duplicates
    report.plan = plan_import(
        validated.clean, validated.fields, run.organisation, run.school_id and str(run.school_id)
    )
    report.problems.extend(report.plan.problems)
    report.problems.sort(key=lambda problem: (problem.row, problem.column))
    report.plan.to_create = report.plan.to_create.filter(~pl.col(ROW).is_in(report.rejected_rows))
    _record_counts(run, report)
    return report


def _record_counts(run: ImportRun, report: ImportReport) -> None:
    if run.status not in (ImportStatus.CHECKED, ImportStatus.QUEUED, ImportStatus.RUNNING):
        return
    counts = {
        "rows_total": report.rows_total,
        "rows_created": report.rows_to_create,
        "rows_updated": report.rows_to_update,
        "rows_unchanged": report.rows_unchanged,
        "rows_rejected": len(report.rejected_rows),
        "rows_repeated": len(report.duplicates),
    }
    for name, count in counts.items():
        setattr(run, name, count)
    if run.pk and not transaction.get_connection().in_atomic_block:
        ImportRun.objects.filter(pk=run.pk).update(**counts)


def describe_row_problems(report: ImportReport) -> dict[int, str]:
    """Each rejected row's problems as one sentence (the failed-rows file's 'Problem' column)."""
    by_row: dict[int, list[str]] = defaultdict(list)
    for problem in report.problems:
        prefix = "" if problem.column == "(row)" else f"{problem.column}: "
        by_row[problem.row].append(prefix + problem.reason)
    return {row: " ".join(reasons) for row, reasons in by_row.items()}


def column_of(report: ImportReport, heading: str) -> str:
    headings = [choice.heading for choice in report.choices]
    return column_letter(headings.index(heading)) if heading in headings else ""
