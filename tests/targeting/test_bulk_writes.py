"""Profiles and rule set results are written in bulk (SQLite: a scratch database attached for
one INSERT … SELECT; PostgreSQL: COPY of CSV). Whatever the path, the stored rows are the same,
a failure keeps the rows as they were, nothing is left behind, and removing a learner removes
what was worked out from them."""

from __future__ import annotations

import importlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import polars as pl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from tests.targeting.support import english_areas_loaded
from widen.accounts.models import Role
from widen.core import request_context
from widen.core.bulk import staged_rows
from widen.learners.models import Learner
from widen.targeting.models import LearnerAreaProfile, LearnerEligibility
from widen.targeting.rule_sets import eligibility_compute, rule_set_create
from widen.targeting.services import area_profiles_compute
from widen.testing.world import World

pytestmark = pytest.mark.django_db
# SQLite stages rows outside a transaction only: these tests commit for real on SQLite.
ON_SQLITE = connection.vendor == "sqlite"
committing = pytest.mark.django_db(transaction=ON_SQLITE)
AUDIT_TRIGGERS = importlib.import_module("widen.audit.migrations.0002_append_only_triggers")
DEFINITION = {
    "any": [
        {"all": [{"criterion": "imd_quintile", "values": [1, 2, 3]}]},
        {"all": [{"criterion": "free_school_meals"}]},
    ]
}


def _stored_profiles() -> list[tuple[Any, ...]]:
    return sorted(
        LearnerAreaProfile.objects.values_list(
            "learner_id", "postcode", "status", "lsoa", "imd_decile", "postcode_edition_id"
        )
    )


def _stored_results() -> list[tuple[Any, ...]]:
    return sorted(
        LearnerEligibility.objects.values_list(
            "learner_id", "rule_set_id", "version_id", "eligible", "explanation"
        )
    )


def _attached_databases() -> list[str]:
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA database_list")
        return [name for _, name, _ in cursor.fetchall() if name not in ("main", "temp")]


def _scratch_files() -> list[Path]:
    scratch = Path(settings.DATA_DIR) / "scratch"
    return list(scratch.rglob("*")) if scratch.exists() else []


@pytest.fixture
def emptied_afterwards() -> Iterator[None]:
    """After a test that committed: empty the tables, audit ones too (the append-only triggers
    are lifted for that alone), as pytest-django would if the audit tables let it."""
    yield
    if not ON_SQLITE:
        return
    editor = SimpleNamespace(connection=connection)
    AUDIT_TRIGGERS.drop_triggers(None, editor)
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        AUDIT_TRIGGERS.create_triggers(None, editor)


@pytest.fixture
def profiled(world: World) -> World:
    english_areas_loaded()
    with request_context.bind(source="test"):
        for number, postcode in enumerate(("CF10 1AA", "E15 1AA", "ZZ99 9ZZ", "")):
            Learner.objects.create(
                organisation=world.alpha,
                school=world.school,
                first_name="Bulk",
                last_name=f"Learner {number}",
                date_of_birth=world.learner_alpha.date_of_birth,
                home_postcode=postcode,
                free_school_meals=number % 2 == 0,
            )
    return world


@committing
def test_profiles_and_results_are_the_same_written_in_bulk_or_row_by_row(
    emptied_afterwards: None, profiled: World
) -> None:
    rule_set = rule_set_create(
        actor=profiled.users[Role.PARTNERSHIP_ADMIN],
        partnership=profiled.north,
        name="Deprived areas or FSM",
        definition=DEFINITION,
    )
    # A scratch folder a killed process left behind hours ago is removed by the next write.
    abandoned = Path(settings.DATA_DIR) / "scratch" / "rows-killed"
    abandoned.mkdir(parents=True, exist_ok=True)
    (abandoned / "staged.sqlite3").write_bytes(b"learners' keys")
    os.utime(abandoned, (time.time() - 7 * 3600, time.time() - 7 * 3600))
    # Outside a transaction: the bulk path (on SQLite, the attached scratch database).
    area_profiles_compute()
    if ON_SQLITE:  # the only database staged through scratch files
        assert not abandoned.exists()
    shutil.rmtree(abandoned, ignore_errors=True)
    eligibility_compute(rule_set)
    in_bulk = (_stored_profiles(), _stored_results())
    assert len(in_bulk[0]) == Learner.objects.count() > 5
    assert (
        len(in_bulk[1])
        == Learner.objects.filter(organisation__in=profiled.north.members.all()).count()
    )
    assert any(eligible for *_, eligible, _ in in_bulk[1])
    assert _attached_databases() == []
    assert _scratch_files() == []
    # Inside a transaction (SQLite cannot attach a database there): rows bound one by one.
    with transaction.atomic():
        area_profiles_compute()
        eligibility_compute(rule_set)
    assert (_stored_profiles(), _stored_results()) == in_bulk


def _replace_profiles(profiles: pl.DataFrame) -> None:
    """Replace every stored profile with these rows, as `area_profiles_compute` does."""
    with (
        staged_rows(LearnerAreaProfile, profiles) as rows,
        transaction.atomic(),
    ):
        LearnerAreaProfile.objects.all()._raw_delete(LearnerAreaProfile.objects.db)
        rows.insert()


@committing
def test_a_failed_bulk_write_keeps_the_rows_as_they_were_and_leaves_nothing_behind(
    emptied_afterwards: None, profiled: World
) -> None:
    area_profiles_compute()
    before = _stored_profiles()
    columns = [field.attname for field in LearnerAreaProfile._meta.concrete_fields]
    held = pl.DataFrame(
        list(LearnerAreaProfile.objects.values_list(*columns)),
        schema=columns,
        orient="row",
        infer_schema_length=None,
    ).drop("computed_at")
    held = held.with_columns(
        pl.col("learner_id").map_elements(
            lambda key: key.hex if connection.vendor == "sqlite" else str(key),
            return_dtype=pl.Utf8,
        )
    )
    # The same learner twice: the database refuses the second row after the first went in.
    with pytest.raises(IntegrityError):
        _replace_profiles(pl.concat([held, held.head(1)]))
    assert _stored_profiles() == before
    assert _attached_databases() == []
    assert _scratch_files() == []
    _replace_profiles(held)
    assert _stored_profiles() == before


def test_a_frame_with_a_column_the_table_lacks_is_refused() -> None:
    staging = staged_rows(LearnerAreaProfile, pl.DataFrame({"home_address": ["1 High St"]}))
    with pytest.raises(ValueError, match="LearnerAreaProfile has no column home_address"):
        staging.__enter__()


def test_removing_a_learner_removes_their_profile_and_results(profiled: World) -> None:
    rule_set = rule_set_create(
        actor=profiled.users[Role.PARTNERSHIP_ADMIN],
        partnership=profiled.north,
        name="Deprived areas or FSM",
        definition=DEFINITION,
    )
    area_profiles_compute()
    eligibility_compute(rule_set)
    learner = Learner.objects.get(last_name="Learner 1")
    assert LearnerAreaProfile.objects.filter(learner=learner).exists()
    assert LearnerEligibility.objects.filter(learner=learner).exists()
    with request_context.bind(source="test"):
        learner.delete()
    assert not LearnerAreaProfile.objects.filter(learner_id=learner.pk).exists()
    assert not LearnerEligibility.objects.filter(learner_id=learner.pk).exists()
    rule_set.delete()
    assert not LearnerEligibility.objects.exists()


@committing
def test_a_working_out_that_read_before_an_imports_own_stored_it_still_stores_one_result(
    emptied_afterwards: None, profiled: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import's background working-out and an officer's may run side by side: the one that
    read the stored results first finds the learner stored when it writes, and replaces it."""
    from widen.targeting.rule_sets import compute  # noqa: PLC0415

    rule_set = rule_set_create(
        actor=profiled.users[Role.PARTNERSHIP_ADMIN],
        partnership=profiled.north,
        name="Deprived areas or FSM",
        definition=DEFINITION,
    )
    area_profiles_compute()
    eligibility_compute(rule_set)
    with request_context.bind(source="test"):
        newcomer = Learner.objects.create(
            organisation=profiled.alpha,
            school=profiled.school,
            first_name="Late",
            last_name="Arrival",
            date_of_birth=profiled.learner_alpha.date_of_birth,
            free_school_meals=True,
        )
    area_profiles_compute([newcomer.pk])
    read_results = compute._stored_results

    def read_then_another_stores(chosen_rule_set: Any, learner_ids: Any) -> pl.DataFrame:
        stored = read_results(chosen_rule_set, learner_ids)
        monkeypatch.setattr(compute, "_stored_results", read_results)
        eligibility_compute(rule_set, learner_ids=[newcomer.pk])  # the import's, meanwhile
        return stored

    monkeypatch.setattr(compute, "_stored_results", read_then_another_stores)
    run = eligibility_compute(rule_set)
    assert run.written == 1
    assert LearnerEligibility.objects.filter(rule_set=rule_set, learner=newcomer).count() == 1
    assert LearnerEligibility.objects.filter(rule_set=rule_set).count() == (
        Learner.objects.filter(organisation__in=profiled.north.members.all()).count()
    )
