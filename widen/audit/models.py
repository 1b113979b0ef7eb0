"""Append-only records of who changed and who viewed learners' personal data.

`AuditEvent` records every create, update and delete of a personal-data model, whatever the path
(`save()`, `QuerySet.update()`, `bulk_create`, `bulk_update`, `delete`, admin, import, shell).
`AccessLogEntry` records every view of special category data. Neither table can be changed or
deleted from: the model refuses and database triggers refuse (see migration 0002).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, ClassVar, Self

from django.db import models, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from widen.core import request_context
from widen.core.bulk import insert_rows


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit records cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit records cannot be deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit records cannot be deleted.")


class AuditAction(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    MERGE = "merge", "Merged"


class AuditEvent(AppendOnlyModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.UUIDField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    source = models.CharField(max_length=20)
    request_id = models.CharField(max_length=64, blank=True)
    organisation_id = models.UUIDField(null=True, blank=True, db_index=True)
    learner_id = models.UUIDField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    changed_fields = models.JSONField(default=list)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return (
            f"{self.actor_username or 'system'} {self.action} {self.object_type} {self.object_id}"
        )


LEARNER_SUBJECT = "learners.learner"


class AccessLogEntry(AppendOnlyModel):
    """One view or export of sensitive data by one person.

    The subject is what was seen: a learner (`subject_type` "learners.learner"), or another
    record holding special category data, such as an event booking ("events.booking"), which
    names its learner in `learner_id` only when it has a learner record.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.UUIDField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_organisation_id = models.UUIDField(null=True, blank=True)
    source = models.CharField(max_length=20)
    request_id = models.CharField(max_length=64, blank=True)
    learner_id = models.UUIDField(null=True, blank=True, db_index=True)
    subject_type = models.CharField(max_length=100, default=LEARNER_SUBJECT)
    subject_id = models.CharField(max_length=64, blank=True, db_index=True)
    data_categories = models.JSONField(default=list)
    data_sharing_agreement_id = models.UUIDField(null=True, blank=True)
    purpose = models.CharField(max_length=200)
    # Written while a file was downloaded (`widen.core.downloads`): an export, not a page view.
    exported = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        subject = self.subject_id or self.learner_id
        return f"{self.actor_username} viewed {self.subject_type} {subject}"


class StateChange(AppendOnlyModel):
    """One move of a record through its workflow (`widen.core.workflows`): who moved what, from
    which state to which, when and why. Written in the transition's own transaction."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.UUIDField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    system_reason = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=20)
    request_id = models.CharField(max_length=64, blank=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, db_index=True)
    field_name = models.CharField(max_length=100)
    transition = models.CharField(max_length=100)
    from_state = models.CharField(max_length=100)
    to_state = models.CharField(max_length=100)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        who = self.actor_username or "system"
        return f"{who} {self.transition} {self.object_type} {self.object_id}"


class WatchKind(models.TextChoices):
    """What `widen watch run` looks for in the access log (`widen.audit.watching`)."""

    IDENTITIES = "identities", "Read far more learners' identities than usual"
    EXPORTS = "exports", "Exported repeatedly"


class WatchAlert(models.Model):
    """One unusual hour of one account, once alerted: the same hour is never alerted twice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    account_id = models.UUIDField(db_index=True)
    account_username = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=20, choices=WatchKind.choices)
    hour_starts_at = models.DateTimeField()
    count = models.PositiveIntegerField()
    threshold = models.PositiveIntegerField()
    organisation_ids = models.JSONField(default=list)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-hour_starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account_id", "kind", "hour_starts_at"], name="one_watch_alert_per_hour"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_username} {self.kind} {self.hour_starts_at:%Y-%m-%d %H:%M}"


AUDIT_EVENT_COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_username",
    "source",
    "request_id",
    "organisation_id",
    "learner_id",
    "action",
    "object_type",
    "object_id",
    "changed_fields",
)


def _actor_fields() -> dict[str, Any]:
    context = request_context.current()
    actor = context.actor
    return {
        "actor_id": getattr(actor, "pk", None),
        "actor_username": getattr(actor, "username", "") or "",
        "source": context.source,
        "request_id": context.request_id,
    }


def _audit_rows(
    instances: Iterable[AuditedModel], action: str, fields_for: Any
) -> list[AuditEvent]:
    actor = _actor_fields()
    return [
        AuditEvent(
            **actor,
            organisation_id=instance.audit_organisation_id(),
            learner_id=instance.audit_learner_id(),
            action=action,
            object_type=instance._meta.label_lower,
            object_id=str(instance.pk),
            changed_fields=sorted(fields_for(instance)),
        )
        for instance in instances
    ]


def _audit_deletion(instances: list[Any], *, using: str) -> None:
    """Audit the instances and everything a delete of them cascades to."""
    collector = Collector(using=using)
    collector.collect(instances)
    doomed: list[Any] = []
    for model, objs in collector.data.items():
        if issubclass(model, AuditedModel):
            doomed.extend(objs)
    for queryset in collector.fast_deletes:
        if issubclass(queryset.model, AuditedModel):
            doomed.extend(queryset)
    AuditEvent.objects.bulk_create(_audit_rows(doomed, AuditAction.DELETE, lambda _: []))


# Set while `bulk_update` runs: Django implements it with `update()`, already audited by it.
_auditing_bulk_update: ContextVar[bool] = ContextVar("auditing_bulk_update", default=False)


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


class AuditedQuerySet(models.QuerySet[Any]):
    """Every bulk write path records audit events in the same transaction."""

    def update(self, **kwargs: Any) -> int:
        if _auditing_bulk_update.get():
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            instances = list(self)
            count = super().update(**kwargs)
            AuditEvent.objects.bulk_create(
                _audit_rows(instances, AuditAction.UPDATE, lambda _: kwargs.keys())
            )
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=self.db):
            _audit_deletion(list(self), using=self.db)
            return super().delete()

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            AuditEvent.objects.bulk_create(
                _audit_rows(created, AuditAction.CREATE, lambda obj: obj.audit_field_names())
            )
            for obj in created:
                obj.remember_audit_state()
        return created

    def bulk_insert(self, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        """Create many rows given as field values (by attname), each with its audit event.

        The same rows and audit events as `bulk_create`, without building a model instance per
        row (imports of 100,000 learners). Fields a row leaves out get their defaults (a new
        primary key, the timestamps). Returns the new primary keys in order.
        """
        model = self.model
        learner_attname, organisation_attname = model.audit_attnames
        now = timezone.now()
        fields = list(model._meta.concrete_fields)
        attnames = [field.attname for field in fields]
        pk_attname = model._meta.pk.attname
        pk_at = attnames.index(pk_attname)
        keys: list[Any] = []
        # What fills each field a row leaves out: the time now, a fresh default (a new key), or
        # the field's constant default, worked out once rather than per row.
        fillers: list[Callable[[], Any]] = []
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                fillers.append(lambda: now)
            elif field.has_default() and callable(field.default):
                fillers.append(field.default)
            else:
                fillers.append(_constant(field.get_default()))
        filled = list(zip(attnames, fillers, strict=True))

        def full_rows() -> Iterator[list[Any]]:
            for row in rows:
                values = [row[attname] if attname in row else fill() for attname, fill in filled]
                keys.append(values[pk_at])
                yield values

        learner_at = attnames.index(learner_attname)
        organisation_at = attnames.index(organisation_attname)
        audited = sorted(model().audit_field_names())
        actor = _actor_fields()
        events: list[tuple[Any, ...]] = []
        with transaction.atomic(using=self.db):
            written = []
            for values in full_rows():
                written.append(values)
                events.append(
                    (
                        uuid.uuid4(),
                        now,
                        actor["actor_id"],
                        actor["actor_username"],
                        actor["source"],
                        actor["request_id"],
                        values[organisation_at],
                        values[learner_at],
                        AuditAction.CREATE,
                        model._meta.label_lower,
                        str(values[pk_at]),
                        audited,
                    )
                )
            insert_rows(model, attnames, written, using=self.db)
            insert_rows(AuditEvent, AUDIT_EVENT_COLUMNS, events, using=self.db)
        return keys

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs = list(objs)
        fields = list(fields)
        with transaction.atomic(using=self.db):
            token = _auditing_bulk_update.set(True)
            try:
                count = super().bulk_update(objs, fields, batch_size=batch_size)
            finally:
                _auditing_bulk_update.reset(token)
            audited = [name for name in fields if name not in self.model.audit_excluded_fields]
            AuditEvent.objects.bulk_create(_audit_rows(objs, AuditAction.UPDATE, lambda _: audited))
        return count


# In `audit_attnames`, for a record about no learner (a payee, a payment run).
NO_LEARNER = "-"


class AuditedModel(models.Model):
    """A personal-data model: every write to it leaves an `AuditEvent`."""

    audit_excluded_fields: ClassVar[frozenset[str]] = frozenset({"created_at", "updated_at"})
    # The attnames holding the learner's and the organisation's ids, for `bulk_insert` and the
    # audit trail; a record about no learner names the organisation's only (NO_LEARNER, "...").
    audit_attnames: ClassVar[tuple[str, str]] = ("", "")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True

    def audit_learner_id(self) -> Any:
        """The id of the learner the record is about: by default the `audit_attnames` one."""
        return self._audit_attribute(0)

    def audit_organisation_id(self) -> Any:
        """The id of the organisation holding the record: by default the `audit_attnames` one."""
        return self._audit_attribute(1)

    def _audit_attribute(self, which: int) -> Any:
        attname = self.audit_attnames[which]
        if attname == NO_LEARNER and which == 0:
            return None
        if not attname:
            raise NotImplementedError(f"{type(self).__name__} names no audit_attnames")
        return getattr(self, attname)

    def audit_field_names(self) -> list[str]:
        return [
            field.attname
            for field in self._meta.concrete_fields
            if field.attname not in self.audit_excluded_fields and not field.primary_key
        ]

    def _audit_snapshot(self) -> dict[str, Any]:
        # Fields not loaded (a cascading delete reads only the keys) are left out: reading one
        # would load the row again, and that load would snapshot it again, without end.
        deferred = self.get_deferred_fields()
        return {
            name: getattr(self, name) for name in self.audit_field_names() if name not in deferred
        }

    def remember_audit_state(self) -> None:
        self._audit_loaded = self._audit_snapshot()

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Self:
        instance = super().from_db(db, field_names, values)
        instance.remember_audit_state()
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        adding = self._state.adding
        before: dict[str, Any] = getattr(self, "_audit_loaded", {})
        with transaction.atomic():
            super().save(*args, **kwargs)
            after = self._audit_snapshot()
            if adding:
                changed = [name for name, value in after.items() if value not in (None, "")]
                action = AuditAction.CREATE
            else:
                changed = [name for name, value in after.items() if before.get(name) != value]
                update_fields = kwargs.get("update_fields")
                if update_fields is not None:
                    allowed = {self._meta.get_field(name).attname for name in update_fields}  # type: ignore[union-attr]
                    changed = [name for name in changed if name in allowed]
                action = AuditAction.UPDATE
            if adding or changed:
                AuditEvent.objects.bulk_create(_audit_rows([self], action, lambda _: changed))
        self._audit_loaded = after

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic():
            _audit_deletion([self], using=kwargs.get("using") or "default")
            return super().delete(*args, **kwargs)
