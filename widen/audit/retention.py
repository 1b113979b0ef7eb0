"""The one sanctioned way an append-only record goes: its retention period has ended.

The audit tables refuse UPDATE and DELETE in the model and in database triggers (SECURITY 23).
Retention (`widen retention run`) deletes access-log entries past their period through
`append_only_rows_delete`, which lifts the triggers of that one table, deletes, and puts them
back inside one transaction (PostgreSQL and SQLite both change triggers transactionally, and the
table stays locked against other writers until the transaction ends), then records in the audit
that it did so: how many rows, of which table, older than when.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

from django.db import connections, models, transaction

from widen.audit.models import AppendOnlyModel, AuditAction, AuditEvent, _actor_fields

_TRIGGERS = importlib.import_module("widen.audit.migrations.0002_append_only_triggers")


def is_append_only(model: type[models.Model]) -> bool:
    return issubclass(model, AppendOnlyModel)


def append_only_rows_delete(rows: models.QuerySet[Any], *, why: str) -> int:
    """Delete `rows` of an append-only table; returns how many went."""
    model = rows.model
    table = model._meta.db_table
    using = rows.db
    editor = SimpleNamespace(connection=connections[using])
    with transaction.atomic(using=using):
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            return 0
        _TRIGGERS.drop_triggers_on(editor, (table,))
        doomed = model._base_manager.using(using).filter(pk__in=ids)
        count = doomed._raw_delete(using)
        _TRIGGERS.create_triggers_on(editor, (table,))
        AuditEvent.objects.using(using).create(
            **_actor_fields(),
            action=AuditAction.DELETE,
            object_type=model._meta.label_lower,
            object_id="retention",
            changed_fields=[f"{count} rows: {why}"],
        )
    return int(count)
