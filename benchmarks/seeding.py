"""What several sections seed the same way: schools and universities, and rows put in in bulk.

Imported only after Django is set up (see benchmarks/sections.py).
"""

from __future__ import annotations

import random
import uuid
from typing import Any, TypeVar

import polars as pl
from django.db import models, transaction
from django.db.models import QuerySet

from widen.core import request_context
from widen.core.bulk import staged_rows
from widen.organisations.models import Organisation
from widen.testing import builders

M = TypeVar("M", bound=models.Model)


def school(name: str, urn: str) -> Organisation:
    """A secondary school in Newham, as every section's schools are."""
    with request_context.bind(source="system"):
        return builders.school(name, urn)


def university(name: str, ukprn: str) -> Organisation:
    with request_context.bind(source="system"):
        return builders.university(name, ukprn)


def unaudited(model: type[M]) -> QuerySet[M]:
    """A plain queryset of `model`, without the audit its manager adds: what a baseline writes
    the same rows with."""
    return QuerySet(model=model)


def random_hex(rng: random.Random) -> str:
    """A random (version 4) UUID as hex, drawn from `rng` so that a seeded run repeats."""
    return uuid.UUID(int=rng.getrandbits(128), version=4).hex


def insert_frame(model: type[models.Model], frame: pl.DataFrame, constants: dict[str, Any]) -> None:
    """Insert `frame` with `constants`, and every other column that may not be null its default
    (or blank text), so that a new field with one does not break the seeding."""
    given = {*frame.columns, *constants}
    defaults: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.attname in given or field.primary_key or field.null:
            continue
        if field.has_default():
            value = field.get_default()
            if isinstance(value, str | bool | int | float):
                defaults[field.attname] = value
        elif field.blank and isinstance(field, models.CharField | models.TextField):
            defaults[field.attname] = ""
    with (
        staged_rows(model, frame, constants={**defaults, **constants}) as staged,
        transaction.atomic(),
    ):
        staged.insert()
