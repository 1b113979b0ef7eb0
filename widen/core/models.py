"""Base models shared by every app."""

from __future__ import annotations

import uuid
from typing import Any, overload

from django.conf import settings
from django.db import models


class TimestampedModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def done_by(*, on_delete: Any = models.SET_NULL, **options: Any) -> models.ForeignKey[Any, Any]:
    """Who did something: a person's account, or none (their account deleted, or Widen itself
    did it). Never followed back from the person (no reverse name)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name="+",
        **options,
    )


def once_when_set(*fields: str, when_set: str, name: str) -> models.UniqueConstraint:
    """At most one row with the same `fields`, counting only the rows whose `when_set` field
    holds something (a row without it is never a clash)."""
    return models.UniqueConstraint(
        fields=list(fields),
        condition=models.Q(**{f"{when_set}__isnull": False}),
        name=name,
    )


class StatusIs:
    """A yes/no read of a record's status, for pages and code alike (a template never compares
    the status with a word): `is_paid = StatusIs(RunStatus.PAID)`, or several values
    `has_file = StatusIs(RunStatus.EXPORTED, RunStatus.PAID)`."""

    def __init__(self, *values: str, doc: str = "") -> None:
        self.values = frozenset(values)
        self.__doc__ = doc or f"Its status is {' or '.join(sorted(values))}."

    @overload
    def __get__(self, instance: None, owner: type) -> StatusIs: ...

    @overload
    def __get__(self, instance: object, owner: type) -> bool: ...

    def __get__(self, instance: Any, owner: type) -> StatusIs | bool:
        if instance is None:
            return self
        return instance.status in self.values
