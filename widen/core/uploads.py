"""Staged uploads: the one way a spreadsheet a person uploads becomes records.

Every file import (pupil lists, registers, scale items, and the timesheet, award and
student-record imports to come) stands on this module:

1. **Stage**: `StagedImport.read` reads the file within its limits (size, rows, columns, a
   workbook's sheet dimensions, zip bombs, macros, encodings: `widen.core.tabular` and
   `widen.core.spreadsheet_guard`); a file that cannot be read is refused with a message a person
   can act on and nothing is written. `StagedImport.stage` records the ledger row (a subclass of
   `StagedUpload`): who uploaded what, when, its size and checksum, and the file itself.
2. **Preview**: each import checks every row and says what it would do. Nothing is written.
3. **Commit**: `StagedImport.commit` locks the ledger row, checks the status may become
   committed, runs the import's own write step and stamps who and when, all in one transaction:
   every row, or nothing at all.
4. **Roll back**: within the roll-back period (`WIDEN_IMPORT_ROLLBACK_DAYS`)
   `StagedImport.roll_back` runs the import's own undo step in one transaction and stamps who and
   when; after it, roll-back is refused.
5. **Forget**: the stored file is kept for the roll-back period, then `StagedImport.purge` (run
   daily by `widen import_purge`) removes it. The ledger row stays.

An import declares its ledger model, its limits, how to tell its header row, and its write and
undo steps; it decides nothing here about who may import (its app's policy does).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from widen.core.exceptions import ApplicationError, NotFound
from widen.core.models import StatusIs, TimestampedModel, done_by
from widen.core.tabular import Table, TableError, TableLimits, read_table


class UploadStatus(models.TextChoices):
    CHECKED = "checked", "Checked, not imported yet"
    QUEUED = "queued", "Waiting to import"
    RUNNING = "running", "Importing"
    COMMITTED = "committed", "Imported"
    FAILED = "failed", "Failed: nothing was imported"
    REPLACED = "replaced", "Replaced by a corrected file"
    ROLLED_BACK = "rolled_back", "Rolled back"


# The only changes of status an upload may make. A finished upload (replaced, failed, rolled
# back) changes no more; a committed one may only be rolled back.
TRANSITIONS: dict[str, frozenset[str]] = {
    UploadStatus.CHECKED: frozenset(
        {UploadStatus.QUEUED, UploadStatus.COMMITTED, UploadStatus.REPLACED}
    ),
    UploadStatus.QUEUED: frozenset(
        {UploadStatus.RUNNING, UploadStatus.COMMITTED, UploadStatus.CHECKED, UploadStatus.FAILED}
    ),
    UploadStatus.RUNNING: frozenset(
        {UploadStatus.COMMITTED, UploadStatus.CHECKED, UploadStatus.FAILED}
    ),
    UploadStatus.COMMITTED: frozenset({UploadStatus.ROLLED_BACK}),
    UploadStatus.FAILED: frozenset(),
    UploadStatus.REPLACED: frozenset(),
    UploadStatus.ROLLED_BACK: frozenset(),
}
# Checked but not imported yet: the upload's file is still to be used.
OPEN = (UploadStatus.CHECKED, UploadStatus.QUEUED, UploadStatus.RUNNING)


def rollback_period() -> timedelta:
    """How long an import can be undone, and its file is kept."""
    return timedelta(days=settings.WIDEN_IMPORT_ROLLBACK_DAYS)


def person_or_none(actor: Any) -> Any:
    """The person to record as having done something (None for Widen itself, a system actor)."""
    if actor is None or getattr(actor, "is_system", False):
        return None
    return actor


class StagedUpload(TimestampedModel):
    """The ledger of one uploaded file: who, which organisation, the file (kept for the roll-back
    period), its status, what it did (counts, problems, changes to undo) and who committed or
    rolled it back, and when. Each import subclasses it and adds what it is about."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="The organisation the file was imported for.",
    )
    uploaded_by = done_by(
        on_delete=models.PROTECT,
        help_text="Empty when Widen itself imported it (a command run on the server).",
    )
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)
    file_sha256 = models.CharField("File checksum (SHA-256)", max_length=64, db_index=True)
    file_size = models.PositiveBigIntegerField()
    # The uploaded file: kept until the roll-back period ends, then removed (`widen import_purge`).
    file_content = models.BinaryField(null=True, blank=True, editable=False)
    sheet_name = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=20, choices=UploadStatus.choices, default=UploadStatus.CHECKED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    partial = models.BooleanField(
        default=False, help_text="Imported the valid rows and left out the rejected ones."
    )
    message = models.TextField(blank=True)
    # Problems with the file as a whole or its rows: [{"row": 3, "column": "text", "message": …}]
    problems = models.JSONField(default=list, blank=True)
    # What the commit did, so that it can be undone (each import says what it keeps).
    changes = models.JSONField(default=dict, blank=True, editable=False)
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = done_by(on_delete=models.PROTECT)
    rolled_back_at = models.DateTimeField(null=True, blank=True)
    rolled_back_by = done_by(on_delete=models.PROTECT)

    # What a person calls one of these files ("pupil list", "register").
    noun: ClassVar[str] = "file"

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def may_become(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, frozenset())

    def require_may_become(self, status: str) -> None:
        """Refuse, saying why, a change of status that is not declared."""
        if self.may_become(status):
            return
        if status == UploadStatus.ROLLED_BACK:
            raise ApplicationError("Only an import that was committed can be rolled back.")
        if self.status == UploadStatus.COMMITTED:
            raise ApplicationError(f"This {self.noun} has been imported already.")
        shown = self.get_status_display().lower()
        raise ApplicationError(f"This {self.noun} cannot be imported: it is {shown}.")

    def become(self, status: str) -> None:
        """Change status, if that change is declared; otherwise say why not."""
        self.require_may_become(status)
        self.status = status

    is_open = StatusIs(*OPEN)
    is_committed = StatusIs(UploadStatus.COMMITTED)
    is_replaced = StatusIs(UploadStatus.REPLACED)
    is_rolled_back = StatusIs(UploadStatus.ROLLED_BACK)

    @property
    def rollback_deadline(self) -> datetime | None:
        return self.committed_at + rollback_period() if self.committed_at else None

    @property
    def may_roll_back(self) -> bool:
        deadline = self.rollback_deadline
        return (
            self.status == UploadStatus.COMMITTED
            and deadline is not None
            and timezone.now() <= deadline
        )


U = TypeVar("U", bound=StagedUpload)


@dataclass(frozen=True)
class StagedImport(Generic[U]):
    """One kind of import: its ledger model, its limits, how its header row looks. The import's
    services call `read`, `stage`, `commit`, `roll_back`; `purge` forgets old files."""

    model: type[U]
    limits: Callable[[], TableLimits]
    looks_like_header: Callable[[Sequence[str]], bool] | None = None

    # --- Stage --------------------------------------------------------------------------------

    def read(self, content: bytes, file_name: str, sheet_name: str = "") -> Table:
        """Read the file within the limits, or raise `ApplicationError` saying why not."""
        try:
            return read_table(
                content,
                file_name,
                sheet_name=sheet_name,
                limits=self.limits(),
                looks_like_header=self.looks_like_header,
            )
        except TableError as error:
            raise ApplicationError(error.message) from error

    def stage(
        self,
        upload: U,
        *,
        actor: Any,
        content: bytes,
        table: Table | None,
        file_name: str,
        replaces: Q | None = None,
    ) -> U:
        """Record the upload (the file kept with it) and mark earlier open uploads of the same
        thing by the same person (`replaces`) replaced. Call it in a transaction."""
        upload.uploaded_by = person_or_none(actor)
        upload.file_name = (file_name or "upload")[-255:]
        upload.file_sha256 = hashlib.sha256(content).hexdigest()
        upload.file_size = len(content)
        upload.file_content = content
        if table is not None:
            upload.file_format = table.file_format
            upload.sheet_name = table.sheet_name[:100]
            upload.rows_total = len(table.rows)
        upload.status = UploadStatus.CHECKED
        upload.save()
        if replaces is not None:
            self.model._default_manager.filter(replaces, status=UploadStatus.CHECKED).filter(
                uploaded_by=upload.uploaded_by
            ).exclude(pk=upload.pk).update(status=UploadStatus.REPLACED, file_content=None)
        return upload

    def file_of(self, upload: U) -> bytes:
        if not upload.file_content:
            raise ApplicationError(
                f"This upload's file has been deleted: upload the {upload.noun} again."
            )
        return bytes(upload.file_content)

    # --- Commit -------------------------------------------------------------------------------

    def lock(self, upload: U, *related: str) -> U:
        manager = self.model._default_manager
        query = manager.select_for_update(of=("self",)) if related else manager.select_for_update()
        if related:
            query = query.select_related(*related)
        return query.get(pk=upload.pk)

    def commit(
        self,
        upload: U,
        *,
        actor: Any,
        write: Callable[[U], Any],
        may: Callable[[U], bool] | None = None,
        related: Sequence[str] = (),
    ) -> Any:
        """Lock the upload, run `write(locked upload)` and stamp it committed, all in one
        transaction: if anything fails, nothing is written. `may` says whether `actor` may
        (refused as not found); `write` fills in the counts and `changes` and returns what the
        caller wants back (say, the import's report)."""
        with transaction.atomic():
            locked = self.lock(upload, *related)
            if may is not None and not may(locked):
                raise NotFound
            locked.require_may_become(UploadStatus.COMMITTED)
            result = write(locked)
            locked.become(UploadStatus.COMMITTED)
            locked.committed_at = timezone.now()
            locked.committed_by = person_or_none(actor)
            locked.message = ""
            locked.save()
        return result

    # --- Roll back ----------------------------------------------------------------------------

    def roll_back(
        self,
        upload: U,
        *,
        actor: Any,
        undo: Callable[[U], None],
        may: Callable[[U], bool],
        related: Sequence[str] = (),
    ) -> U:
        """Undo a committed import within the roll-back period, in one transaction. `may` says
        whether `actor` may (refused as not found); `undo` reverses what the commit did, or
        raises `ApplicationError` (nothing changes)."""
        with transaction.atomic():
            locked = self.lock(upload, *related)
            if not may(locked):
                raise NotFound
            locked.require_may_become(UploadStatus.ROLLED_BACK)
            if not locked.may_roll_back:
                raise ApplicationError(
                    "This import can no longer be rolled back: the "
                    f"{settings.WIDEN_IMPORT_ROLLBACK_DAYS}-day rollback period has ended."
                )
            undo(locked)
            locked.become(UploadStatus.ROLLED_BACK)
            locked.rolled_back_at = timezone.now()
            locked.rolled_back_by = person_or_none(actor)
            locked.save()
        return locked

    # --- Forget -------------------------------------------------------------------------------

    def purge(self) -> int:
        """Remove the stored files of uploads older than the roll-back period (committed ones
        counted from their commit); the ledger rows stay. Returns how many files were removed."""
        cutoff = timezone.now() - rollback_period()
        old = Q(committed_at__lt=cutoff) | Q(committed_at__isnull=True, created_at__lt=cutoff)
        return (
            self.model._default_manager.filter(file_content__isnull=False)
            .filter(old)
            .update(file_content=None)
        )


def staged_uploads_purge() -> dict[str, int]:
    """Remove the files of every kind of upload past the roll-back period: how many files, by
    the kind's plural name ("import runs", "register imports")."""
    from django.apps import apps  # noqa: PLC0415 - the registry is ready by the time this runs

    purged: dict[str, int] = {}
    for model in apps.get_models():
        if issubclass(model, StagedUpload):
            purged[str(model._meta.verbose_name_plural)] = StagedImport(
                model=model, limits=TableLimits
            ).purge()
    return purged
