"""Erasing a person leaves none of their values anywhere in the database.

The canary person (`widen.testing.canary`) has a row in every model of the register. After
`person_erase`, every column of every table is read with raw SQL and searched for each of their
values: none is found outside the places listed in ALLOWED, each with the reason it stays.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, models

from tests.rights.test_canary_export import request_naming
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry, AuditEvent, StateChange
from widen.audit.registry import Erasure, register
from widen.learners.models import Learner
from widen.mentoring.models import Concern, Message
from widen.payments.models import Payee
from widen.rights import erasing
from widen.rights.erasing import person_erase, tombstone_object_id
from widen.rights.models import ErasureTombstone, RequestKind, RightsRequest
from widen.rights.services import rights_request_erase, rights_request_identity
from widen.testing.canary import Canary, seed_canary_person
from widen.testing.world import World

# (table, column) -> why the person's values may stay there after erasure.
ALLOWED: dict[tuple[str, str], str] = {
    (RightsRequest._meta.db_table, "person_name"): (
        "the request itself names who asked: the evidence that the erasure was asked for and "
        "done, kept six years after it is answered"
    ),
    (RightsRequest._meta.db_table, "person_email"): "as person_name: how to answer the requester",
    (RightsRequest._meta.db_table, "emails"): (
        "as person_name: the addresses the request named, the evidence of what was erased"
    ),
    **{
        (model._meta.db_table, "actor_username"): (
            "the append-only audit names the account that did something (the person's own "
            "actions): the database refuses to change it"
        )
        for model in (AuditEvent, AccessLogEntry, StateChange)
    },
    (Concern._meta.db_table, "reason"): (
        "a concern raised about a mentoring pair is a safeguarding record, kept with the pair's "
        "messages however either person asks (UK GDPR Article 17(3)(b) and (e))"
    ),
    (Payee._meta.db_table, "name"): (
        "the payee's name stays with the amounts paid to them for six years (HMRC record "
        "keeping); their bank details go"
    ),
}


def _text(value: Any) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", "ignore")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _every_cell() -> Iterator[tuple[str, str, str]]:
    """(table, column, value as text) for every non-empty cell of every table."""
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        yield table, column, _text(value)


def scan(values: set[str]) -> set[tuple[str, str, str]]:
    """Where each of `values` is found, as (table, column, value), ignoring case."""
    wanted = {value.lower(): value for value in values}
    return {
        (table, column, original)
        for table, column, text in _every_cell()
        for lowered, original in wanted.items()
        if lowered in text.lower()
    }


def snapshot() -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        held: dict[str, list[str]] = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            held[table] = sorted(repr([_text(value) for value in row]) for row in cursor)
    return held


def searchable(canary: Canary) -> set[str]:
    # Values made only of digits (the bank details) could turn up by chance inside an id or a
    # digest; they are checked through the model instead.
    return {value for value in canary.all_values() if any(c.isalpha() for c in value)}


def rows_of(canary: Canary) -> dict[str, list[dict[str, Any]]]:
    return {
        entry.label: [
            {name: _text(value) for name, value in row.items()}
            for row in canary.person.rows_in(entry).order_by("pk").values()
        ]
        for entry in register
    }


@pytest.fixture
def canaries(world: World) -> tuple[Canary, Canary]:
    return (
        seed_canary_person(world, tag="Quillon", postcode="ZE2 9QQ", serial=4242),
        seed_canary_person(world, tag="Brackley", postcode="ZE3 8JJ", serial=5353),
    )


def _erase(world: World, canary: Canary) -> erasing.ErasureReport:
    request = RightsRequest.objects.get(person_email=canary.person.emails[0])
    return person_erase(
        person=canary.person,
        request=request,
        actor=world.users[Role.DATA_PROTECTION_OFFICER],
    )


@pytest.mark.django_db
def test_after_erasure_no_table_holds_the_persons_values(
    world: World, canaries: tuple[Canary, Canary]
) -> None:
    canary, _ = canaries
    before = {value for _, _, value in scan(searchable(canary))}
    # The scan can see them: what is not encrypted is found before.
    learner_values = canary.values["learners.learner"]
    assert set(learner_values) | {canary.user.username, canary.person.emails[0]} <= before

    _erase(world, canary)

    left = {
        (table, column, value)
        for table, column, value in scan(searchable(canary))
        if (table, column) not in ALLOWED
    }
    assert left == set(), f"Erasure left the person's values in: {sorted(left)}"
    payee = Payee.objects.get(user=canary.user)
    assert (payee.account_name, payee.sort_code, payee.account_number) == ("", "", "")
    learner = Learner.objects.get(pk=canary.learner.pk)
    assert learner.anonymised_at is not None
    assert learner.first_name == "Anonymised"


@pytest.mark.django_db
def test_every_erased_row_leaves_a_tombstone_without_values(
    world: World, canaries: tuple[Canary, Canary]
) -> None:
    canary, _ = canaries
    held = {
        (entry.label, tombstone_object_id(pk))
        for entry in register
        if entry.held_from_erasure is not None
        for pk in entry.held_from_erasure(canary.person.rows_in(entry)).values_list("pk", flat=True)
    }
    expected = {
        (entry.label, tombstone_object_id(pk))
        for entry in register
        if entry.erasure is not Erasure.KEEP
        for pk in canary.person.rows_in(entry).values_list("pk", flat=True)
    } - held
    # The canary raised a concern about their mentoring pair: its message and the concern are
    # kept (safeguarding), leave no tombstone, and the report says so.
    assert held == {
        (label, tombstone_object_id(pk))
        for label, model in (("mentoring.message", Message), ("mentoring.concern", Concern))
        for pk in model.objects.filter(relationship__mentee__student__user=canary.user).values_list(
            "pk", flat=True
        )
    }
    report = _erase(world, canary)
    assert held
    assert set(report.held) == {"mentoring.message", "mentoring.concern"}

    tombstones = ErasureTombstone.objects.filter(request__person_email=canary.person.emails[0])
    assert {(stone.object_type, stone.object_id) for stone in tombstones} == expected
    assert tombstones.count() == report.rows == len(expected)
    assert {stone.action for stone in tombstones} == {"deleted", "anonymised"}
    assert all(stone.done_by == world.users[Role.DATA_PROTECTION_OFFICER] for stone in tombstones)
    # Every id fits the column on PostgreSQL too (an eligibility result's key has two parts).
    limit = ErasureTombstone._meta.get_field("object_id").max_length
    assert limit is not None
    assert all(len(stone.object_id) <= limit for stone in tombstones)
    written = json.dumps(list(tombstones.values()), default=str).lower()
    for value in searchable(canary):
        assert value.lower() not in written


@pytest.mark.django_db
def test_another_persons_rows_are_untouched(world: World, canaries: tuple[Canary, Canary]) -> None:
    canary, other = canaries
    before = rows_of(other)
    found_before = scan(searchable(other))
    assert sum(len(rows) for rows in before.values()) >= len(list(register))

    _erase(world, canary)

    assert rows_of(other) == before
    assert scan(searchable(other)) == found_before


@pytest.mark.django_db
def test_a_failure_part_way_leaves_everything_as_it_was(
    world: World, canaries: tuple[Canary, Canary], monkeypatch: pytest.MonkeyPatch
) -> None:
    canary, _ = canaries
    anonymise = erasing.anonymise_rows

    def fails_at_the_learner(rows: models.QuerySet[Any], values: Any) -> Any:
        # The learner record is erased last, after every row that points at it.
        if rows.model is Learner:
            raise RuntimeError("the database went away")
        return anonymise(rows, values)

    monkeypatch.setattr(erasing, "anonymise_rows", fails_at_the_learner)
    held = snapshot()

    with pytest.raises(RuntimeError):
        _erase(world, canary)

    assert snapshot() == held


@pytest.mark.django_db
def test_erasing_through_a_request_to_the_organisation_leaves_nothing(
    world: World, canaries: tuple[Canary, Canary]
) -> None:
    canary, other = canaries
    officer = world.users[Role.DATA_PROTECTION_OFFICER]
    request = request_naming(world, canary, kind=RequestKind.ERASURE)
    rights_request_identity(
        actor=officer,
        request=request,
        asked_on=None,
        confirmed_on=request.received_on,
        evidence="Passport seen",
    )
    others = rows_of(other)

    rights_request_erase(actor=officer, request=request)

    left = {
        (table, column, value)
        for table, column, value in scan(searchable(canary))
        if (table, column) not in ALLOWED
    }
    assert left == set(), f"Erasure left the person's values in: {sorted(left)}"
    assert rows_of(other) == others
