"""The one way ledger entries go: the demo partnership being deleted (`widen demo --reset`).

The ledger refuses UPDATE, DELETE and TRUNCATE in the model and in database triggers: money owed
or paid is corrected by a reversing entry, never rubbed out. The demo is the exception, because
its people are invented and it is rebuilt on demand: `demo_ledger_delete` deletes the payment
runs of the demo's organisations and every ledger entry of their payees, lifting the ledger's
triggers and putting them back inside one transaction (PostgreSQL and SQLite both change
triggers transactionally, and the table stays locked against other writers until it ends), then
records in the audit what went. Only the demo builder calls it, with its own organisations.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.db import connections, transaction

from widen.audit.models import AuditAction
from widen.audit.services import audit_event_record
from widen.payments.models import LedgerEntry, PaymentRun

_TRIGGERS = importlib.import_module("widen.payments.migrations.0002_append_only_ledger")


def demo_ledger_delete(*, organisation_ids: Iterable[Any], why: str) -> int:
    """Delete the payment runs of `organisation_ids` and every ledger entry of their payees;
    returns how many entries went."""
    ids = list(organisation_ids)
    using = LedgerEntry.objects.db
    with transaction.atomic(using=using):
        PaymentRun.objects.filter(organisation_id__in=ids).delete()  # their items go with them
        entries = list(
            LedgerEntry.objects.filter(payee__organisation_id__in=ids).values_list(
                "pk", "payee__organisation_id"
            )
        )
        if not entries:
            return 0
        editor = SimpleNamespace(connection=connections[using])
        _TRIGGERS.drop_triggers(None, editor)
        doomed = LedgerEntry._base_manager.using(using).filter(pk__in=[pk for pk, _ in entries])
        count = int(doomed._raw_delete(using))
        _TRIGGERS.create_triggers(None, editor)
        by_organisation = Counter(organisation for _, organisation in entries)
        for organisation_id, entries_deleted in sorted(by_organisation.items(), key=str):
            audit_event_record(
                action=AuditAction.DELETE,
                object_type=LedgerEntry._meta.label_lower,
                object_id="demo",
                learner_id=None,
                organisation_id=organisation_id,
                changed_fields=[f"{entries_deleted} entries: {why}"],
            )
    return count
