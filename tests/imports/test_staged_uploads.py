"""What every file import shares (`widen.core.uploads`), proved once for each of them: pupil
lists, registers and scale items. A file that is too big or hostile is refused, saying why, and
nothing is written; the preview writes nothing; a crash in the middle of a commit leaves the
database as it was; an import can be rolled back within the roll-back period and not after; its
file is removed once the period ends; and its ledger row says who did what, and when."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.activities.test_register_import import _give_upns, _session
from tests.imports.support import sims_csv
from tests.imports.test_oversized_sheets import FAR, KILLER, LYING
from widen.accounts.models import Role
from widen.activities.imports import (
    register_import_check,
    register_import_commit,
    register_import_roll_back,
    register_import_start,
)
from widen.activities.models import Attendance, RegisterImport, Session
from widen.audit.models import AuditEvent
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.uploads import StagedUpload, UploadStatus
from widen.evaluation.imports import (
    scale_import_commit,
    scale_import_plan,
    scale_import_roll_back,
    scale_import_start,
)
from widen.evaluation.models import Scale, ScaleImport
from widen.learners.imports.services import (
    learner_import_check,
    learner_import_commit,
    learner_import_roll_back,
    learner_import_start,
)
from widen.learners.models import ImportRun, Learner
from widen.testing.pupil_lists import csv_bytes, pupil_rows
from widen.testing.world import World

pytestmark = pytest.mark.django_db

SCALE_ITEMS = (
    b"scale,position,code,text,reverse_scored\r\n"
    b"Belonging at school,1,BS1,I feel part of my school.,no\r\n"
    b"Belonging at school,2,BS2,I feel like an outsider at school.,yes\r\n"
)


@dataclass
class Kind:
    """One import, as the shared tests drive it."""

    name: str
    model: type[StagedUpload]
    start: Callable[[World, bytes, str], StagedUpload]
    good_file: Callable[[World], bytes]
    preview: Callable[[World, StagedUpload], Any]
    commit: Callable[[World, StagedUpload], Any]
    roll_back: Callable[[World, StagedUpload, Any], Any]
    written: Callable[[], int]  # how many of the records it writes there are
    max_bytes: int


def _officer(world: World) -> Any:
    return world.users[Role.OUTREACH_OFFICER]


def _pupil_list(world: World, content: bytes, name: str) -> StagedUpload:
    return learner_import_start(
        actor=_officer(world),
        organisation=world.alpha,
        school=world.school,
        file_name=name,
        content=content,
    )


def _register(world: World, content: bytes, name: str) -> StagedUpload:
    session = Session.objects.first() or _session(world)
    return register_import_start(
        actor=_officer(world), session=session, file_name=name, content=content
    )


def _register_file(world: World) -> bytes:
    upns = _give_upns(world)
    return csv_bytes([["UPN", "Attended"], [upns["Amara"], "Y"], [upns["Sami"], "N"]])


def _scales(world: World, content: bytes, name: str) -> StagedUpload:
    return scale_import_start(
        actor=_officer(world), partnership=world.north, file_name=name, content=content
    )


KINDS = [
    Kind(
        name="pupil list",
        model=ImportRun,
        start=_pupil_list,
        good_file=lambda world: sims_csv(pupil_rows(3)),
        preview=lambda world, upload: learner_import_check(upload, actor=_officer(world)),  # type: ignore[arg-type]
        commit=lambda world, upload: learner_import_commit(run=upload, actor=_officer(world)),  # type: ignore[arg-type]
        roll_back=lambda world, upload, actor: learner_import_roll_back(run=upload, actor=actor),  # type: ignore[arg-type]
        written=lambda: Learner.objects.count(),
        max_bytes=40 * 1024 * 1024,
    ),
    Kind(
        name="register",
        model=RegisterImport,
        start=_register,
        good_file=_register_file,
        preview=lambda world, upload: register_import_check(upload, actor=_officer(world)),  # type: ignore[arg-type]
        commit=lambda world, upload: register_import_commit(upload=upload, actor=_officer(world)),  # type: ignore[arg-type]
        roll_back=lambda world, upload, actor: register_import_roll_back(
            upload=upload,  # type: ignore[arg-type]
            actor=actor,
        ),
        written=lambda: Attendance.objects.count(),
        max_bytes=5 * 1024 * 1024,
    ),
    Kind(
        name="scale items",
        model=ScaleImport,
        start=_scales,
        good_file=lambda world: SCALE_ITEMS,
        preview=lambda world, upload: scale_import_plan(upload),  # type: ignore[arg-type]
        commit=lambda world, upload: scale_import_commit(actor=_officer(world), upload=upload),  # type: ignore[arg-type]
        roll_back=lambda world, upload, actor: scale_import_roll_back(actor=actor, upload=upload),  # type: ignore[arg-type]
        written=lambda: Scale.objects.count(),
        max_bytes=2 * 1024 * 1024,
    ),
]
each_import = pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])


def _hostile_files(kind: Kind) -> list[tuple[bytes, str, str]]:
    """(content, file name, what the refusal says)."""
    return [
        (b"x" * (kind.max_bytes + 1), "big.csv", "MB are accepted"),
        (b"PK\x03\x04 not really a workbook", "list.xlsx", "damaged or incomplete"),
        (b"anything", "list.xlsm", "macros"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "list.xls", "97-2003"),
        (b"", "empty.csv", "empty"),
    ]


@each_import
def test_an_oversized_or_hostile_file_is_refused_clearly_and_nothing_is_written(
    world: World, kind: Kind
) -> None:
    before = kind.written()
    for content, name, says in _hostile_files(kind):
        with pytest.raises(ApplicationError, match=says):
            kind.start(world, content, name)
    assert not kind.model.objects.exists()  # type: ignore[attr-defined]
    assert kind.written() == before


@each_import
def test_a_small_workbook_whose_sheet_runs_far_is_refused_before_it_is_read(
    world: World, kind: Kind
) -> None:
    for workbook in (KILLER, LYING):
        assert len(workbook) < 10_000
        with pytest.raises(ApplicationError, match=FAR):
            kind.start(world, workbook, "list.xlsx")
    assert not kind.model.objects.exists()  # type: ignore[attr-defined]


@each_import
def test_the_preview_writes_nothing(world: World, kind: Kind) -> None:
    content = kind.good_file(world)
    before, audited = kind.written(), AuditEvent.objects.count()
    upload = kind.start(world, content, "file.csv")
    kind.preview(world, upload)
    kind.preview(world, upload)
    assert kind.written() == before
    assert AuditEvent.objects.count() == audited
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CHECKED
    assert upload.committed_at is None


@each_import
def test_a_crash_in_the_middle_of_a_commit_leaves_the_database_as_it_was(
    world: World, kind: Kind, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = kind.good_file(world)
    upload = kind.start(world, content, "file.csv")
    before, audited = kind.written(), AuditEvent.objects.count()

    def crash(*args: Any, **kwargs: Any) -> None:
        # Called after the import has written its records, as the ledger is stamped.
        raise RuntimeError("the server stopped")

    monkeypatch.setattr(kind.model, "save", crash)
    with pytest.raises(RuntimeError):
        kind.commit(world, upload)
    monkeypatch.undo()
    assert kind.written() == before
    assert AuditEvent.objects.count() == audited
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CHECKED
    # Nothing was lost: the same upload imports afterwards.
    kind.commit(world, upload)
    assert kind.written() > before


@each_import
def test_an_import_rolls_back_within_the_period_and_not_after(world: World, kind: Kind) -> None:
    before = kind.written()
    upload = kind.start(world, kind.good_file(world), "file.csv")
    kind.commit(world, upload)
    assert kind.written() > before
    admin = world.users[Role.ORGANISATION_ADMIN]
    with pytest.raises(NotFound):
        kind.roll_back(world, upload, world.users[Role.READ_ONLY])
    done = kind.roll_back(world, upload, _officer(world))
    assert kind.written() == before
    assert done.status == UploadStatus.ROLLED_BACK
    assert done.rolled_back_by == _officer(world)
    assert done.rolled_back_at is not None
    with pytest.raises(ApplicationError, match="Only an import that was committed"):
        kind.roll_back(world, upload, _officer(world))

    again = kind.start(world, kind.good_file(world), "again.csv")
    kind.commit(world, again)
    written = kind.written()
    kind.model.objects.filter(pk=again.pk).update(  # type: ignore[attr-defined]
        committed_at=timezone.now() - timedelta(days=15)
    )
    with pytest.raises(ApplicationError, match="rollback period has ended"):
        kind.roll_back(world, again, admin if kind.name == "pupil list" else _officer(world))
    assert kind.written() == written
    again.refresh_from_db()
    assert again.status == UploadStatus.COMMITTED


@each_import
def test_the_stored_file_is_removed_once_the_roll_back_period_ends(
    world: World, kind: Kind
) -> None:
    content = kind.good_file(world)
    upload = kind.start(world, content, "file.csv")
    kind.commit(world, upload)
    call_command("import_purge", stdout=io.StringIO())
    upload.refresh_from_db()
    assert bytes(upload.file_content or b"") == content  # still within the period
    kind.model.objects.filter(pk=upload.pk).update(  # type: ignore[attr-defined]
        created_at=timezone.now() - timedelta(days=20),
        committed_at=timezone.now() - timedelta(days=15),
    )
    out = io.StringIO()
    call_command("import_purge", stdout=out)
    upload.refresh_from_db()
    assert upload.file_content is None
    assert upload.status == UploadStatus.COMMITTED  # the ledger row stays
    assert f"Forgot the files of 1 {kind.model._meta.verbose_name_plural}." in out.getvalue()


@each_import
def test_the_ledger_records_who_did_what_and_when(world: World, kind: Kind) -> None:
    content = kind.good_file(world)
    started = timezone.now()
    upload = kind.start(world, content, "the file.csv")
    kind.commit(world, upload)
    upload.refresh_from_db()
    assert upload.uploaded_by == _officer(world)
    assert upload.committed_by == _officer(world)
    assert upload.created_at >= started
    assert upload.committed_at is not None
    assert upload.committed_at >= upload.created_at
    assert upload.file_name == "the file.csv"
    assert upload.file_size == len(content)
    assert upload.file_format == "csv"
    assert upload.rows_total > 0
    assert upload.status == UploadStatus.COMMITTED


def test_statuses_change_only_as_declared() -> None:
    upload = ImportRun(status=UploadStatus.ROLLED_BACK)
    assert not upload.may_become(UploadStatus.COMMITTED)
    with pytest.raises(ApplicationError, match="cannot be imported: it is rolled back"):
        upload.become(UploadStatus.COMMITTED)
    upload = ImportRun(status=UploadStatus.COMMITTED)
    with pytest.raises(ApplicationError, match="imported already"):
        upload.become(UploadStatus.COMMITTED)
    upload.become(UploadStatus.ROLLED_BACK)
    assert upload.status == UploadStatus.ROLLED_BACK


def test_no_import_is_done_for_nobody(world: World) -> None:
    """A missing actor is refused like a stranger: only a person or `system_actor` imports."""
    content = SCALE_ITEMS
    with pytest.raises(NotFound):
        learner_import_start(
            actor=None, organisation=world.alpha, school=None, file_name="p.csv", content=content
        )
    with pytest.raises(NotFound):
        register_import_start(
            actor=None, session=_session(world), file_name="r.csv", content=content
        )
    with pytest.raises(NotFound):
        scale_import_start(actor=None, partnership=world.north, file_name="s.csv", content=content)
    assert not ImportRun.objects.exists()
    assert not RegisterImport.objects.exists()
    assert not ScaleImport.objects.exists()
