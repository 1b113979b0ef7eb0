"""Large pupil lists are imported by a background job (`widen db_worker`), with progress."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import caches
from django.db import transaction
from django_tasks import task

from widen.accounts.capabilities import system_actor
from widen.accounts.models import User
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.imports.commit import learner_import_commit
from widen.learners.models import ImportRun, ImportStatus

logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 24 * 60 * 60


def _progress_key(run_id: Any) -> str:
    return f"learner-import-progress:{run_id}"


def progress_record(run_id: Any, percent: int, message: str) -> None:
    """Written outside the import's transaction, so the page sees it while the job runs."""
    caches["progress"].set(
        _progress_key(run_id), {"percent": percent, "message": message}, PROGRESS_SECONDS
    )


def progress_of(run_id: Any) -> dict[str, Any]:
    return caches["progress"].get(_progress_key(run_id)) or {"percent": 0, "message": ""}


def learner_import_queue(*, run: ImportRun, actor: Any, accept_partial: bool) -> None:
    """Hand a large import to the background worker once this transaction commits."""
    updated = ImportRun.objects.filter(pk=run.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.QUEUED, message="", partial=accept_partial
    )
    if not updated:
        raise ApplicationError("This import has already been started.")
    progress_record(run.pk, 0, "Waiting for the importer to start")
    run_id, actor_id = str(run.pk), str(actor.pk) if getattr(actor, "pk", None) else ""
    transaction.on_commit(
        lambda: learner_import_commit_job.enqueue(run_id, actor_id, accept_partial)
    )


@task()
def learner_import_commit_job(run_id: str, actor_id: str, accept_partial: bool) -> str:
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None or run.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return "nothing to do"
    # The person who asked for it, or Widen itself when a command queued it.
    actor: Any = (
        User.objects.filter(pk=actor_id).first()
        if actor_id
        else system_actor("a pupil list queued at the command line")
    )
    ImportRun.objects.filter(pk=run_id).update(status=ImportStatus.RUNNING)
    try:
        with request_context.bind(actor=actor, source="job"):
            learner_import_commit(
                run=run,
                actor=actor,
                accept_partial=accept_partial,
                progress=lambda percent, message: progress_record(run_id, percent, message),
            )
    except (ApplicationError, NotFound) as error:
        # The file no longer imports as checked (say, someone changed a learner meanwhile):
        # nothing was written; the person can look again and decide.
        message = getattr(error, "message", "") or "You may no longer import into this list."
        ImportRun.objects.filter(pk=run_id).update(status=ImportStatus.CHECKED, message=message)
        progress_record(run_id, 0, message)
        return "refused"
    except Exception:
        logger.exception("Learner import %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportStatus.FAILED,
            message=(
                "The import stopped because of an error on the server: nothing was imported. "
                f"Upload the file again; if it happens again, give reference {run_id} to your "
                "administrator."
            ),
        )
        raise
    return "imported"
