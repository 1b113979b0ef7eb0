"""Base models shared by every app."""

from __future__ import annotations

import uuid
from typing import Any

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
