"""Importing a school's pupil list: one code path for the upload page and `widen import learners`.

1. `learner_import_start` reads the file (nothing about learners is written) and records an
   `ImportRun` with the columns worked out from the headings and the school's saved mapping.
2. `learner_import_map_columns` lets a person say what the other columns are (remembered for the
   school).
3. `learner_import_check` validates every row and matches it to the learners already held: the
   preview of what will be created, updated and rejected.
4. `learner_import_commit` checks again and writes everything in one transaction, or nothing.
5. `learner_import_roll_back` undoes a whole import within the rollback period.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import polars as pl
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone

from widen.accounts.models import Membership, User
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.core.exceptions import ApplicationError
from widen.core.tabular import Table, TableError, TableLimits, column_letter, read_table
from widen.learners.imports.columns import (
    COLUMNS_BY_FIELD,
    IGNORE,
    ColumnChoice,
    category_of,
    choose_columns,
    looks_like_header,
)
from widen.learners.imports.matching import ImportPlan, plan_import
from widen.learners.imports.validation import ROW, Problem, validate_table
from widen.learners.models import (
    ImportColumnMapping,
    ImportRun,
    ImportStatus,
    Learner,
)
from widen.learners.permissions import learner_policy
from widen.learners.signals import learners_changed
from widen.organisations.models import Organisation, OrganisationType

logger = logging.getLogger(__name__)

WRITE_BATCH = 2000
UPDATE_BATCH = 500
Progress = Callable[[int, str], None]


def import_limits() -> TableLimits:
    return TableLimits(
        max_bytes=settings.WIDEN_IMPORT_MAX_BYTES, max_rows=settings.WIDEN_IMPORT_MAX_ROWS
    )


def rollback_period() -> timedelta:
    return timedelta(days=settings.WIDEN_IMPORT_ROLLBACK_DAYS)


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


# `actor` None is the server's operator at the command line: like the Django shell, whoever runs
# commands on the server may import anything (the audit trail records the source "cli").


def importable_schools(organisation: Organisation) -> dict[str, str]:
    """URN → id of the schools whose pupils `organisation` may import: the schools of its
    partnerships, and itself when it is a school."""
    schools = Organisation.objects.filter(
        organisation_type=OrganisationType.SCHOOL, urn__gt=""
    ).filter(Q(partnerships__in=organisation.partnerships.all()) | Q(pk=organisation.pk))
    return {urn: str(pk) for urn, pk in schools.values_list("urn", "pk").distinct()}


def importable_fields(actor: User | None, organisation: Organisation) -> set[str]:
    """The learner fields `actor` may record in `organisation` (empty: may not import)."""
    if actor is None:
        return {column.field for column in COLUMNS_BY_FIELD.values()}
    return set(learner_policy.creatable_fields(actor, organisation))


def _may_import(actor: User | None, organisation: Organisation) -> bool:
    if actor is None:
        return True
    return learner_policy.organisations_for_create(actor).filter(pk=organisation.pk).exists()


def may_manage_run(actor: User | None, run: ImportRun) -> bool:
    """The person who uploaded it, or an admin of its organisation."""
    if actor is None or run.uploaded_by_id == actor.pk:
        return True
    return any(
        membership.capabilities.sees_audit
        for membership in Membership.objects.filter(user=actor, organisation=run.organisation_id)
    )


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
    try:
        table = read_table(
            data,
            run.file_name,
            sheet_name=run.sheet_name,
            limits=limits,
            looks_like_header=looks_like_header,
        )
    except TableError as error:
        raise ApplicationError(error.message) from error
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
    actor: User | None,
    organisation: Organisation,
    school: Organisation | None,
    file_name: str,
    content: bytes,
    sheet_name: str = "",
    mapping_name: str = "",
    extra_mapping: Mapping[str, str | None] | None = None,
) -> ImportRun:
    """Record an uploaded pupil list. Raises `ApplicationError` when the file cannot be read."""
    if not _may_import(actor, organisation):
        raise ApplicationError("You may not import learners into this organisation.")
    if school is None and organisation.is_school:
        school = organisation
    if school is not None and not school.is_school:
        raise ApplicationError("Choose a school or college for this pupil list.", field="school")
    run = ImportRun(
        organisation=organisation,
        school=school,
        uploaded_by=actor,
        file_name=(file_name or "upload")[-255:],
        file_sha256=hashlib.sha256(content).hexdigest(),
        file_size=len(content),
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
    run.file_format = table.file_format
    run.sheet_name = table.sheet_name
    run.file_content = content
    run.rows_total = len(table.rows)
    run.column_mapping = {
        choice.heading: None if choice.how == "unknown" else choice.field for choice in choices
    }
    run.message = "" if choices else "No columns."
    run.save()
    # An earlier upload of this list that was never imported is replaced by this one.
    ImportRun.objects.filter(
        organisation=organisation,
        school=school,
        uploaded_by=actor,
        status=ImportStatus.CHECKED,
    ).exclude(pk=run.pk).update(status=ImportStatus.REPLACED, file_content=None)
    return run


def choices_for(run: ImportRun, table: Table) -> list[ColumnChoice]:
    return choose_columns(table.headers, run.column_mapping)


@transaction.atomic
def learner_import_map_columns(
    *, run: ImportRun, actor: User | None, columns: Mapping[str, str], remember: bool = True
) -> ImportRun:
    """Say what columns are; `remember` saves it as the school's mapping for next time."""
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


def learner_import_check(run: ImportRun, *, actor: User | None = None) -> ImportReport:
    """Validate every row and match it to the learners held: the preview. Writes nothing."""
    table = read_run_file(run)
    choices = choices_for(run, table)
    report = ImportReport(run=run, choices=choices, rows_total=len(table.rows))
    acting = actor if actor is not None else run.uploaded_by
    report.column_problems = _column_problems(choices, importable_fields(acting, run.organisation))
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
    run.rows_total = report.rows_total
    run.rows_created = report.rows_to_create
    run.rows_updated = report.rows_to_update
    run.rows_unchanged = report.rows_unchanged
    run.rows_rejected = len(report.rejected_rows)
    run.rows_repeated = len(report.duplicates)
    if run.pk and not transaction.get_connection().in_atomic_block:
        ImportRun.objects.filter(pk=run.pk).update(
            rows_total=run.rows_total,
            rows_created=run.rows_created,
            rows_updated=run.rows_updated,
            rows_unchanged=run.rows_unchanged,
            rows_rejected=run.rows_rejected,
            rows_repeated=run.rows_repeated,
        )


# --- Commit -----------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def learner_import_commit(
    *,
    run: ImportRun,
    actor: User | None,
    accept_partial: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check the file again and write it in one transaction: every row, or nothing at all.

    With rejected rows nothing is written unless `accept_partial` says to import the others.
    """
    report_progress = progress or (lambda percent, message: None)
    if not _may_import(actor, run.organisation):
        raise ApplicationError("You may not import learners into this organisation.")
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status not in (ImportStatus.CHECKED, ImportStatus.QUEUED, ImportStatus.RUNNING):
            raise ApplicationError(
                f"This import cannot be committed: it is {run.get_status_display().lower()}."
            )
        report_progress(5, "Checking every row")
        report = learner_import_check(run, actor=actor)
        if report.already_imported is not None:
            earlier = report.already_imported
            raise ApplicationError(
                "This file was already imported on "
                f"{timezone.localtime(earlier.committed_at):%d %B %Y at %H:%M}"
                if earlier.committed_at
                else "This file was already imported: importing it again would change nothing."
            )
        if report.unknown_headings:
            raise ApplicationError(
                "Say what these columns are first: " + ", ".join(report.unknown_headings) + "."
            )
        if report.column_problems:
            raise ApplicationError(report.column_problems[0])
        if report.problems and not accept_partial:
            raise ApplicationError(
                f"{len(report.rejected_rows)} of the rows have problems: fix them and upload the "
                "file again, or choose to import the other rows and leave these out."
            )
        assert report.plan is not None
        plan = report.plan
        now = timezone.now()
        created_ids: list[str] = []
        try:
            with request_context.bind(actor=actor, organisation_id=run.organisation_id):
                report_progress(20, "Adding new learners")
                total = plan.to_create.height
                for start in range(0, total, WRITE_BATCH):
                    batch = [
                        {
                            "organisation_id": run.organisation_id,
                            "school_id": run.school_id,
                            **_model_values(record),
                        }
                        for record in plan.to_create.slice(start, WRITE_BATCH)
                        .drop(ROW, "_content", strict=False)
                        .iter_rows(named=True)
                    ]
                    created_ids.extend(str(key) for key in Learner.objects.bulk_insert(batch))
                    report_progress(
                        20 + int(60 * min(start + WRITE_BATCH, total) / max(total, 1)),
                        f"Added {min(start + WRITE_BATCH, total):,} of {total:,} new learners",
                    )
                report_progress(80, "Updating learners already held")
                groups: dict[tuple[str, ...], list[Any]] = defaultdict(list)
                for update in plan.to_update:
                    groups[tuple(sorted(update.changes))].append(update)
                for names, updates in groups.items():
                    learners = [
                        Learner(
                            id=update.learner_id,
                            organisation_id=run.organisation_id,
                            updated_at=now,
                            **_model_values(update.changes),
                        )
                        for update in updates
                    ]
                    Learner.objects.bulk_update(
                        learners, [*names, "updated_at"], batch_size=UPDATE_BATCH
                    )
        except IntegrityError as error:
            # Someone else added one of these learners (say, the same UPN) while this ran.
            raise ApplicationError(
                "Another import or edit changed these learners at the same moment, so nothing "
                "was imported. Check the file again and import it."
            ) from error
        run.changes = {
            "created": created_ids,
            "updated": {
                str(update.learner_id): {
                    name: _json_value(value) for name, value in update.previous.items()
                }
                for update in plan.to_update
            },
        }
        run.status = ImportStatus.COMMITTED
        run.partial = bool(report.problems)
        # After every write: a learner changed later than this was changed by someone else.
        run.committed_at = timezone.now()
        run.committed_by = actor
        run.rows_total = report.rows_total
        run.rows_created = len(created_ids)
        run.rows_updated = len(plan.to_update)
        run.rows_unchanged = len(plan.unchanged_rows)
        run.rows_rejected = len(report.rejected_rows)
        run.rows_repeated = len(report.duplicates)
        run.message = ""
        try:
            with transaction.atomic():
                run.save()
        except IntegrityError as error:
            raise ApplicationError(
                "This file was imported by someone else a moment ago: nothing was changed."
            ) from error
        report.run = run
        learners_changed.send(
            sender=Learner,
            learner_ids=[
                *created_ids,
                *(str(update.learner_id) for update in plan.to_update),
            ],
        )
    report_progress(100, "Imported")
    return report


def _learner_field(name: str) -> models.Field[Any, Any]:
    model_field = Learner._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return model_field


def _model_values(record: Mapping[str, Any]) -> dict[str, Any]:
    """Learner field values from a clean row (booleans and dates are already typed)."""
    values: dict[str, Any] = {}
    for name, value in record.items():
        if name == "school_id":
            values[name] = uuid.UUID(str(value)) if value else None
        elif value is None:
            values[name] = None if _learner_field(name).null else ""
        else:
            values[name] = value
    return values


# --- Roll back --------------------------------------------------------------------------------


def rollback_deadline(run: ImportRun) -> Any:
    return run.committed_at + rollback_period() if run.committed_at else None


def learner_import_roll_back(*, run: ImportRun, actor: User | None) -> ImportRun:
    """Undo a whole import: delete the learners it added, restore the fields it changed."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not may_manage_run(actor, run):
            raise ApplicationError("You may not roll back this import.")
        if run.status != ImportStatus.COMMITTED or run.committed_at is None:
            raise ApplicationError("Only an import that was committed can be rolled back.")
        if timezone.now() > rollback_deadline(run):
            raise ApplicationError(
                "This import can no longer be rolled back: the "
                f"{settings.WIDEN_IMPORT_ROLLBACK_DAYS}-day rollback period has ended."
            )
        created = list(run.changes.get("created", []))
        updated: dict[str, dict[str, Any]] = dict(run.changes.get("updated", {}))
        touched = list(dict.fromkeys([*created, *updated]))
        changed_since = 0
        for start in range(0, len(touched), WRITE_BATCH):
            changed_since += Learner.objects.filter(
                id__in=touched[start : start + WRITE_BATCH], updated_at__gt=run.committed_at
            ).count()
        if changed_since:
            raise ApplicationError(
                f"{changed_since} of the learners this import added or changed have been changed "
                "since, so rolling it back would lose those changes. Change them by hand instead."
            )
        with request_context.bind(actor=actor, organisation_id=run.organisation_id):
            for start in range(0, len(created), WRITE_BATCH):
                doomed = Learner.objects.filter(id__in=created[start : start + WRITE_BATCH])
                _refuse_if_other_records(list(doomed))
                try:
                    doomed.delete()
                except ProtectedError as error:
                    raise ApplicationError(
                        "Some learners this import added now have other records (such as "
                        "attendance): rolling it back would lose them."
                    ) from error
            groups: dict[tuple[str, ...], list[Learner]] = defaultdict(list)
            now = timezone.now()
            for learner_id, previous in updated.items():
                values = {
                    name: _learner_field(name).to_python(value) for name, value in previous.items()
                }
                groups[tuple(sorted(values))].append(
                    Learner(
                        id=uuid.UUID(learner_id),
                        organisation_id=run.organisation_id,
                        updated_at=now,
                        **_model_values(values),
                    )
                )
            for names, learners in groups.items():
                Learner.objects.bulk_update(
                    learners, [*names, "updated_at"], batch_size=UPDATE_BATCH
                )
        run.status = ImportStatus.ROLLED_BACK
        run.rolled_back_at = timezone.now()
        run.rolled_back_by = actor
        run.save(update_fields=["status", "rolled_back_at", "rolled_back_by", "updated_at"])
    return run


def _recomputed(model: type[models.Model]) -> bool:
    """Records worked out from the learner (an area profile) are not lost by removing it."""
    return bool(getattr(model, "recomputed_from_learner", False))


def _refuse_if_other_records(learners: list[Learner]) -> None:
    """Deleting a learner someone has since added parents, consents or more to would lose them."""
    if not learners:
        return
    collector = Collector(using="default")
    collector.collect(learners)
    others = [
        model._meta.verbose_name_plural
        for model, instances in collector.data.items()
        if model is not Learner and instances and not _recomputed(model)
    ]
    others.extend(
        queryset.model._meta.verbose_name_plural
        for queryset in collector.fast_deletes
        if queryset.model is not Learner and not _recomputed(queryset.model) and queryset.exists()
    )
    if others:
        raise ApplicationError(
            "Some learners this import added now have other records ("
            + ", ".join(sorted({str(name) for name in others}))
            + "): rolling it back would lose them. Change them by hand instead."
        )


# --- Keeping uploads no longer than needed ----------------------------------------------------


def import_runs_purge() -> int:
    """Forget the files of imports that can no longer be rolled back or were never imported."""
    cutoff = timezone.now() - rollback_period()
    finished = ImportRun.objects.filter(file_content__isnull=False).filter(created_at__lt=cutoff)
    return finished.update(file_content=None)


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
