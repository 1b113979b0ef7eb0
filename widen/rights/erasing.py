"""Erase a person everywhere, in one transaction.

Each model in the register says what erasure does to the person's rows: delete them, anonymise
them (the fields named take their anonymised values; rows kept for statistics keep only what no
longer identifies anyone), or keep them (they name the person only through a record that is
itself anonymised, or they are append-only logs of ids). Every row erased leaves a tombstone —
which kind of record, which id, when, by whom, under which request — never the values.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from widen.audit.registry import Erasure, PersonalData, register
from widen.rights.models import ErasureTombstone, RightsRequest
from widen.rights.people import Person
from widen.rights.sharing import SharedWith, shared_with


@dataclass
class ErasureReport:
    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    # Rows left as they are because the law asks for them to be kept: label → (count, why).
    held: dict[str, tuple[int, str]] = field(default_factory=dict)
    to_tell: list[SharedWith] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.deleted.values()) + sum(self.anonymised.values())


def anonymise_rows(
    rows: models.QuerySet[Any], values: Mapping[str, Any]
) -> list[tuple[Any, list[str]]]:
    """Give each row the anonymised values (a callable value is worked out from the row); saved
    through the model, so the audit records which fields changed. Returns (id, fields) pairs."""
    done: list[tuple[Any, list[str]]] = []
    for row in rows.order_by("pk"):
        for name, value in values.items():
            setattr(row, name, value(row) if callable(value) else value)
        row.save(update_fields=list(values))
        done.append((row.pk, sorted(values)))
    return done


def tombstone_object_id(pk: Any) -> str:
    """How a tombstone names a row: its id, or a composite key's parts (an eligibility result's
    rule set and learner) each as its 32 hex digits, one after the other, so that two ids fit the
    column on every database."""
    if not isinstance(pk, tuple):
        return str(pk)
    parts = []
    for part in pk:
        try:
            parts.append(uuid.UUID(str(part)).hex)
        except ValueError:
            return "/".join(str(part) for part in pk)
    return "".join(parts)


def _held_back(entry: PersonalData, rows: models.QuerySet[Any]) -> list[Any]:
    """The ids of the person's rows of `entry` that erasure leaves as they are."""
    if entry.held_from_erasure is None:
        return []
    return list(entry.held_from_erasure(rows).values_list("pk", flat=True))


def _erase_entry(
    entry: PersonalData,
    person: Person,
    *,
    request: RightsRequest | None,
    actor: Any,
    report: ErasureReport,
) -> tuple[str, int]:
    rows = person.rows_in(entry)
    held = _held_back(entry, rows)
    if held:
        report.held[entry.label] = (len(held), entry.held_because)
        rows = rows.exclude(pk__in=held)
    if entry.erasure is Erasure.KEEP:
        return "kept", 0
    if entry.erasure is Erasure.DELETE:
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            entry.model._default_manager.filter(pk__in=ids).delete()
        tombstones: list[tuple[Any, list[str]]] = [(pk, []) for pk in ids]
        action = "deleted"
    else:
        tombstones = anonymise_rows(rows, entry.anonymised)
        action = "anonymised"
    _bury(entry, tombstones, action=action, request=request, actor=actor)
    return action, len(tombstones)


def _bury(
    entry: PersonalData,
    tombstones: list[tuple[Any, list[str]]],
    *,
    action: str,
    request: RightsRequest | None,
    actor: Any,
) -> None:
    ErasureTombstone.objects.bulk_create(
        ErasureTombstone(
            request=request,
            object_type=entry.label,
            object_id=tombstone_object_id(pk),
            action=action,
            fields=fields,
            done_by=actor if getattr(actor, "pk", None) else None,
        )
        for pk, fields in tombstones
    )


def _clear_mentions(
    entry: PersonalData, person: Person, *, request: RightsRequest | None, actor: Any
) -> int:
    """Rows that name an erased learner in `entry.mentions_learners_in` (an upload kept to be
    undone) lose what they hold of people; undoing them is no longer possible."""
    if not (entry.mentions_learners_in and person.learner_ids):
        return 0
    field_name = entry.mentions_learners_in
    naming = models.Q(pk__in=[])
    for learner_id in person.learner_ids:
        naming |= models.Q(**{f"{field_name}__icontains": str(learner_id)})
    cleared = anonymise_rows(entry.model._default_manager.filter(naming), entry.clears)
    _bury(entry, cleared, action="anonymised", request=request, actor=actor)
    return len(cleared)


def person_erase(*, person: Person, request: RightsRequest | None, actor: Any) -> ErasureReport:
    """Erase `person` from every registered model (the caller has checked who may)."""
    report = ErasureReport(to_tell=shared_with(person))
    entries = erasure_order(list(register))
    with transaction.atomic():
        for entry in entries:
            action, count = _erase_entry(entry, person, request=request, actor=actor, report=report)
            if count:
                getattr(report, action)[entry.label] = count
            cleared = _clear_mentions(entry, person, request=request, actor=actor)
            if cleared:
                report.anonymised[entry.label] = report.anonymised.get(entry.label, 0) + cleared
    return report


# Records other rows point at: erased last.
_PARENTS = frozenset({"learners.learner", "students.student", "accounts.user"})


def _deleted_with(entry: PersonalData, deleting: frozenset[str]) -> frozenset[str]:
    """The models among `deleting` whose rows take `entry`'s rows with them when deleted."""
    parents = set()
    for model_field in entry.model._meta.concrete_fields:
        relation = model_field.remote_field
        if relation is None or relation.on_delete is not models.CASCADE:
            continue
        label = relation.model._meta.label_lower
        if label in deleting and label != entry.label:
            parents.add(label)
    return frozenset(parents)


def erasure_order(entries: list[PersonalData]) -> list[PersonalData]:
    """Rows pointing at a record go before the record itself: a booking before its learner,
    and a row deleted with its parent (a plan's weekly patterns) before the parent is deleted,
    so that each row is found, and leaves its own tombstone."""
    remaining = sorted(entries, key=lambda entry: entry.label in _PARENTS)
    deleting = frozenset(entry.label for entry in entries if entry.erasure is Erasure.DELETE)
    waits_for = {entry.label: _deleted_with(entry, deleting) for entry in remaining}
    ordered: list[PersonalData] = []
    while remaining:
        pending = {entry.label for entry in remaining}
        ready = next(
            (
                entry
                for entry in remaining
                if not any(entry.label in waits_for[other] for other in pending)
            ),
            remaining[0],
        )
        ordered.append(ready)
        remaining.remove(ready)
    return ordered
