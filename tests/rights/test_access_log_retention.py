"""The access log keeps who viewed what for its period, then retention deletes it: the one way
an append-only record goes, recorded in the audit."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from widen.audit.models import AccessLogEntry, AppendOnlyError, AuditEvent
from widen.rights.retention import retention_run
from widen.testing.world import World

pytestmark = pytest.mark.django_db
TABLE = AccessLogEntry._meta.db_table


def _stored(value: uuid.UUID) -> Any:
    """A UUID as the database stores it (SQLite: 32 hex digits; PostgreSQL: a uuid)."""
    return value.hex if connection.vendor == "sqlite" else value


@pytest.fixture
def viewed(world: World, monkeypatch: pytest.MonkeyPatch) -> Callable[..., uuid.UUID]:
    """Write an access-log entry of a learner viewed `at` (now when not given): the time is
    normally the moment of writing, so the test lets it be given."""
    monkeypatch.setattr(AccessLogEntry._meta.get_field("occurred_at"), "auto_now_add", False)

    def view(*, at: datetime | None = None) -> uuid.UUID:
        return AccessLogEntry.objects.create(
            occurred_at=at or timezone.now(),
            actor_id=world.users["outreach_officer"].pk,
            actor_username="outreach_officer.alpha",
            source="test",
            learner_id=world.learner_alpha.pk,
            purpose="viewing a learner",
        ).pk

    return view


def test_entries_past_the_period_go_and_those_inside_it_stay(
    viewed: Callable[..., uuid.UUID], settings: Any
) -> None:
    settings.WIDEN_ACCESS_LOG_YEARS = 6
    recent = viewed()
    inside = viewed(at=timezone.now() - timedelta(days=365 * 5))
    past = viewed(at=timezone.now() - timedelta(days=365 * 7))

    done = {applied.model: applied.rows for applied in retention_run()}

    assert done["audit.accesslogentry"] == 1
    remaining = set(AccessLogEntry.objects.values_list("pk", flat=True))
    assert {recent, inside} <= remaining
    assert past not in remaining
    assert AuditEvent.objects.filter(
        object_type="audit.accesslogentry", object_id="retention"
    ).exists()
    again = {applied.model: applied.rows for applied in retention_run()}
    assert again["audit.accesslogentry"] == 0


def test_the_access_log_still_refuses_every_other_delete(
    viewed: Callable[..., uuid.UUID],
) -> None:
    entry = viewed()
    retention_run()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [_stored(entry)])  # noqa: S608
    assert AccessLogEntry.objects.filter(pk=entry).exists()
