"""Writing a checked pupil list, and undoing it: the staged upload's commit and roll-back steps
(`widen.core.uploads`) for learners.

`learner_import_commit` checks the file again and writes every row, or nothing at all;
`learner_import_roll_back` deletes the learners an import added and restores the fields it
changed, within the rollback period; `import_runs_purge` forgets files older than that.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from django.db import IntegrityError, models
from django.db.models.deletion import Collector, ProtectedError
from django.utils import timezone

from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.learners.imports.checking import (
    PUPIL_LISTS,
    ImportReport,
    learner_import_check,
    may_manage_run,
    require_import,
)
from widen.learners.imports.validation import ROW
from widen.learners.models import ImportRun, Learner
from widen.learners.signals import learners_changed

WRITE_BATCH = 2000
UPDATE_BATCH = 500
Progress = Callable[[int, str], None]


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


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


# --- Commit -----------------------------------------------------------------------------------


def _refuse_unless_importable(report: ImportReport, accept_partial: bool) -> None:
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


def _write(run: ImportRun, report: ImportReport, actor: Any, progress: Progress) -> list[str]:
    """Add the new learners and update those held; return the ids of those added."""
    assert report.plan is not None
    plan = report.plan
    now = timezone.now()
    created_ids: list[str] = []
    with request_context.bind(actor=actor, organisation_id=run.organisation_id):
        progress(20, "Adding new learners")
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
            progress(
                20 + int(60 * min(start + WRITE_BATCH, total) / max(total, 1)),
                f"Added {min(start + WRITE_BATCH, total):,} of {total:,} new learners",
            )
        progress(80, "Updating learners already held")
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
            Learner.objects.bulk_update(learners, [*names, "updated_at"], batch_size=UPDATE_BATCH)
    return created_ids


def learner_import_commit(
    *,
    run: ImportRun,
    actor: Any,
    accept_partial: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check the file again and write it in one transaction: every row, or nothing at all.

    With rejected rows nothing is written unless `accept_partial` says to import the others.
    """
    report_progress = progress or (lambda percent, message: None)
    require_import(actor, run.organisation)

    def write(locked: ImportRun) -> ImportReport:
        report_progress(5, "Checking every row")
        report = learner_import_check(locked, actor=actor)
        _refuse_unless_importable(report, accept_partial)
        assert report.plan is not None
        plan = report.plan
        try:
            created_ids = _write(locked, report, actor, report_progress)
        except IntegrityError as error:
            # Someone else added one of these learners (say, the same UPN) while this ran.
            raise ApplicationError(
                "Another import or edit changed these learners at the same moment, so nothing "
                "was imported. Check the file again and import it."
            ) from error
        locked.changes = {
            "created": created_ids,
            "updated": {
                str(update.learner_id): {
                    name: _json_value(value) for name, value in update.previous.items()
                }
                for update in plan.to_update
            },
        }
        locked.partial = bool(report.problems)
        locked.rows_total = report.rows_total
        locked.rows_created = len(created_ids)
        locked.rows_updated = len(plan.to_update)
        locked.rows_unchanged = len(plan.unchanged_rows)
        locked.rows_rejected = len(report.rejected_rows)
        locked.rows_repeated = len(report.duplicates)
        report.run = locked
        learners_changed.send(
            sender=Learner,
            learner_ids=[*created_ids, *(str(update.learner_id) for update in plan.to_update)],
        )
        return report

    try:
        # Stamped committed after every write: a learner changed later than the commit was
        # changed by someone else.
        report: ImportReport = PUPIL_LISTS.commit(run, actor=actor, write=write)
    except IntegrityError as error:
        raise ApplicationError(
            "This file was imported by someone else a moment ago: nothing was changed."
        ) from error
    report_progress(100, "Imported")
    return report


# --- Roll back --------------------------------------------------------------------------------


def rollback_deadline(run: ImportRun) -> Any:
    return run.rollback_deadline


def _undo(run: ImportRun, actor: Any) -> None:
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
            Learner.objects.bulk_update(learners, [*names, "updated_at"], batch_size=UPDATE_BATCH)


def learner_import_roll_back(*, run: ImportRun, actor: Any) -> ImportRun:
    """Undo a whole import: delete the learners it added, restore the fields it changed."""
    return PUPIL_LISTS.roll_back(
        run,
        actor=actor,
        undo=lambda locked: _undo(locked, actor),
        may=lambda locked: may_manage_run(actor, locked),
    )


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
    return PUPIL_LISTS.purge()
