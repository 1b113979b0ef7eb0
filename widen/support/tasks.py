"""Background work for student support: telling students their award instalments are paid."""

from __future__ import annotations

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
