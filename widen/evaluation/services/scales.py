"""The question bank's scales. A draft's items can be changed; a published scale's name,
items, order, options and scoring cannot (the model refuses too): `scale_new_version` makes the
next version instead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from widen.core.exceptions import ApplicationError, NotFound
from widen.evaluation.models import (
    Scale,
    ScaleItem,
    ScaleLockedError,
    ScaleScoring,
    ScaleSource,
    ScaleStatus,
)
from widen.evaluation.permissions import (
    KEEP,
    may_keep_bank,
    scale_policy,
)
from widen.evaluation.services.common import (
    agreement_options,
    full_clean,
    person_or_none,
    words,
)
from widen.organisations.models import Partnership


@dataclass(frozen=True)
class ItemSpec:
    text: str
    reverse_scored: bool = False
    code: str = ""


def _unique_key(partnership: Partnership | None, name: str) -> str:
    base = slugify(name)[:50] or "scale"
    key, number = base, 1
    while Scale.objects.filter(partnership=partnership, key=key).exists():
        number += 1
        key = f"{base}-{number}"
    return key


def _items_check(items: Sequence[ItemSpec]) -> list[ItemSpec]:
    cleaned = [
        ItemSpec(
            text=words(item.text, maximum=500),
            reverse_scored=bool(item.reverse_scored),
            code=words(item.code, maximum=20),
        )
        for item in items
    ]
    if not cleaned:
        raise ApplicationError("A scale needs at least one item.", field="items")
    for number, item in enumerate(cleaned, start=1):
        if not item.text:
            raise ApplicationError(f"Item {number} has no words.", field="items")
    return cleaned


def _items_write(scale: Scale, items: Sequence[ItemSpec]) -> None:
    """Store `items` as the scale's items, numbered from 1 in the order given."""
    ScaleItem.objects.bulk_create(
        ScaleItem(
            scale=scale,
            position=position,
            text=item.text,
            reverse_scored=item.reverse_scored,
            code=item.code,
        )
        for position, item in enumerate(items, start=1)
    )


@transaction.atomic
def scale_create(
    *,
    actor: Any,
    partnership: Partnership | None,
    name: str,
    items: Sequence[ItemSpec],
    response_options: list[dict[str, Any]] | None = None,
    scoring: str = ScaleScoring.MEAN,
    description: str = "",
    source: str = ScaleSource.PARTNERSHIP,
    key: str = "",
    publish: bool = False,
) -> Scale:
    """A new scale (a draft unless `publish`) with its items in the order given."""
    if not may_keep_bank(actor, partnership):
        raise NotFound
    name = words(name, maximum=160)
    if not name:
        raise ApplicationError("Give the scale a name.", field="name")
    cleaned = _items_check(items)
    scale = Scale(
        partnership=partnership,
        key=key or _unique_key(partnership, name),
        name=name,
        description=str(description or "").strip(),
        source=source,
        response_options=response_options or agreement_options(),
        scoring=scoring,
        created_by=person_or_none(actor),
    )
    full_clean(scale)
    scale.save()
    _items_write(scale, cleaned)
    if publish:
        scale = scale_publish(actor=actor, scale=scale)
    return scale


@transaction.atomic
def scale_draft_update(
    *,
    actor: Any,
    scale: Scale,
    items: Sequence[ItemSpec],
    name: str | None = None,
    response_options: list[dict[str, Any]] | None = None,
    scoring: str | None = None,
) -> Scale:
    """Replace a draft scale's items (and name, options, scoring). A published scale refuses."""
    scale = Scale.objects.select_for_update().get(pk=scale.pk)
    scale_policy.require(actor, KEEP, scale)
    if scale.is_published:
        raise ScaleLockedError(scale.name)
    cleaned = _items_check(items)
    if name is not None:
        scale.name = words(name, maximum=160)
    if response_options is not None:
        scale.response_options = response_options
    if scoring is not None:
        scale.scoring = scoring
    full_clean(scale)
    scale.save()
    scale.items.all().delete()
    _items_write(scale, cleaned)
    return scale


@transaction.atomic
def scale_publish(*, actor: Any, scale: Scale) -> Scale:
    """Lock the scale's wording: from now on only a new version can change it."""
    scale = Scale.objects.select_for_update().get(pk=scale.pk)
    scale_policy.require(actor, KEEP, scale)
    if scale.is_published:
        return scale
    if not scale.items.exists():
        raise ApplicationError("A scale needs at least one item before it is published.")
    scale.status = ScaleStatus.PUBLISHED
    scale.published_at = timezone.now()
    scale.save(update_fields=["status", "published_at", "updated_at"])
    return scale


@transaction.atomic
def scale_new_version(
    *,
    actor: Any,
    scale: Scale,
    items: Sequence[ItemSpec] | None = None,
    name: str | None = None,
    response_options: list[dict[str, Any]] | None = None,
    scoring: str | None = None,
    publish: bool = False,
) -> Scale:
    """The next version of a published scale: a draft copying it, with any changes given."""
    scale_policy.require(actor, KEEP, scale)
    latest = (
        Scale.objects.filter(partnership=scale.partnership, key=scale.key).aggregate(
            Max("version")
        )["version__max"]
        or 0
    )
    copied = [
        ItemSpec(text=item.text, reverse_scored=item.reverse_scored, code=item.code)
        for item in scale.items.all()
    ]
    new = Scale(
        partnership=scale.partnership,
        key=scale.key,
        name=words(name, maximum=160) if name else scale.name,
        version=latest + 1,
        description=scale.description,
        source=scale.source,
        response_options=response_options
        if response_options is not None
        else scale.response_options,
        scoring=scoring or scale.scoring,
        previous_version=scale,
        created_by=person_or_none(actor),
    )
    full_clean(new)
    new.save()
    _items_write(new, _items_check(items or copied))
    if publish:
        new = scale_publish(actor=actor, scale=new)
    return new


def scale_same_as(
    scale: Scale,
    *,
    name: str,
    items: Sequence[ItemSpec],
    response_options: list[dict[str, Any]],
    scoring: str,
) -> bool:
    """Whether a scale already says exactly this (so loading it again changes nothing)."""
    stored = [(item.text, item.reverse_scored, item.code) for item in scale.items.all()]
    wanted = [(item.text, item.reverse_scored, item.code) for item in _items_check(items)]
    return (
        scale.name == words(name, maximum=160)
        and stored == wanted
        and scale.response_options == response_options
        and scale.scoring == scoring
    )
