"""Background work for student support: telling students their award instalments are held
or paid."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django_tasks import task

from widen.core import request_context
from widen.payments.models import PaymentRun, RunStatus


def instalments_paid_tell_queue(run: PaymentRun) -> None:
    """Tell the students whose instalments `run` paid, in the background, once this
    transaction commits (never if it rolls back)."""
    run_id = str(run.pk)
    transaction.on_commit(lambda: instalments_paid_tell_job.enqueue(run_id))


@task()
def instalments_paid_tell_job(run_id: str) -> str:
    from widen.support.instalments import instalments_paid_tell  # noqa: PLC0415

    run = PaymentRun.objects.filter(pk=run_id, status=RunStatus.PAID).first()
    if run is None:
        return "nothing to do: the payment run is not marked paid"
    with request_context.bind(source="job"):
        told = instalments_paid_tell(run=run)
    return f"told {told} student(s) their award instalments are paid by payment run {run.number}"


HELD_PER_JOB = 1_000  # instalments one job tells of: a large run is told in several jobs


def instalments_held_tell_queue(ids: Iterable[Any], *, held_at: datetime) -> None:
    """Tell the students whose instalments `ids` an instalment run held at `held_at`, in the
    background (a job for each thousand), once this transaction commits (never if it rolls
    back)."""
    keys = [str(pk) for pk in ids]
    when = held_at.isoformat()

    def enqueue() -> None:
        for start in range(0, len(keys), HELD_PER_JOB):
            instalments_held_tell_job.enqueue(keys[start : start + HELD_PER_JOB], when)

    if keys:
        transaction.on_commit(enqueue)


@task()
def instalments_held_tell_job(instalment_ids: list[str], held_at: str) -> str:
    from widen.support.instalments import instalments_held_tell  # noqa: PLC0415

    with request_context.bind(source="job"):
        told = instalments_held_tell(ids=instalment_ids, held_at=datetime.fromisoformat(held_at))
    return f"told {told} student(s) their award instalment is held"
