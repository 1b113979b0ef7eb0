"""Importing pupil lists: MIS exports, matching, twins, atomicity, roll back, the files kept."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.imports.support import held, sims_csv, start
from widen.accounts.models import Role
from widen.audit.models import AuditEvent
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.imports.services import (
    learner_import_check,
    learner_import_commit,
    learner_import_roll_back,
    learner_import_start,
)
from widen.learners.models import ImportRun, ImportStatus, Learner
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells, xlsx_bytes
from widen.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("mis", sorted(MIS_HEADINGS))
def test_each_mis_export_imports_without_any_mapping(world: World, mis: str) -> None:
    rows = pupil_rows(40)
    run = start(world, csv_bytes(table_cells(rows, MIS_HEADINGS[mis], year_style="Year")))
    report = learner_import_check(run, actor=run.uploaded_by)
    assert report.unknown_headings == []
    assert report.problems == []
    assert report.rows_to_create == 40
    learner_import_commit(run=run, actor=world.users[Role.OUTREACH_OFFICER])
    upn = str(rows[0]["upn"])
    learner = Learner.objects.get(organisation=world.alpha, upn=upn)
    assert learner.date_of_birth == rows[0]["date_of_birth"]
    assert learner.school == world.school
    assert learner.first_name == rows[0]["first_name"]


def test_xlsx_with_serial_dates_imports(world: World) -> None:
    rows = pupil_rows(20)
    run = start(world, xlsx_bytes(rows, MIS_HEADINGS["Bromcom"], dates_as="serial"), "p.xlsx")
    report = learner_import_commit(run=run, actor=world.users[Role.OUTREACH_OFFICER])
    assert report.run.rows_created == 20
    assert (
        Learner.objects.filter(upn=rows[5]["upn"]).get().care_experienced
        == rows[5]["care_experienced"]
    )


def test_importing_the_same_file_twice_changes_nothing(world: World) -> None:
    content = sims_csv(pupil_rows(30))
    actor = world.users[Role.OUTREACH_OFFICER]
    learner_import_commit(run=start(world, content), actor=actor)
    before, events = held(world), AuditEvent.objects.count()
    again = start(world, content)
    report = learner_import_check(again, actor=again.uploaded_by)
    assert report.already_imported is not None
    with pytest.raises(ApplicationError, match="already imported"):
        learner_import_commit(run=again, actor=actor)
    # The same rows in a new file (say, exported again next week) change nothing either.
    report = learner_import_commit(run=start(world, content + b"\r\n"), actor=actor)
    assert (report.run.rows_created, report.run.rows_updated, report.run.rows_unchanged) == (
        0,
        0,
        30,
    )
    assert (held(world), AuditEvent.objects.count()) == (before, events)


def test_a_learner_already_held_is_updated_not_duplicated(world: World) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    rows = pupil_rows(10)
    learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    rows[0]["free_school_meals"] = not rows[0]["free_school_meals"]
    rows[1]["upn"] = ""  # known by name, date of birth and postcode instead
    rows[1]["sex"] = "F" if rows[1]["sex"] == "M" else "M"
    report = learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    assert (report.run.rows_created, report.run.rows_updated) == (0, 2)
    assert held(world) == 1 + 10  # the world's own learner and the ten
    first = Learner.objects.get(upn=rows[0]["upn"])
    assert first.free_school_meals == rows[0]["free_school_meals"]
    update_events = AuditEvent.objects.filter(learner_id=first.id, action="update")
    assert [event.changed_fields for event in update_events] == [["free_school_meals"]]
    assert update_events.get().actor_username == actor.username


def test_twins_are_never_merged(world: World) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    rows = pupil_rows(2)
    for row in rows:
        row.update(
            upn="",
            last_name="Okafor",
            date_of_birth=rows[0]["date_of_birth"],
            home_postcode="E6 3SQ",
            year_group=rows[0]["year_group"],
        )
    rows[0]["first_name"], rows[1]["first_name"] = "Chidi", "Chika"
    report = learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    assert report.run.rows_created == 2
    # A later list with just one twin updates that twin, and never the other.
    rows[1]["free_school_meals"] = True
    rows[0]["free_school_meals"] = False
    report = learner_import_commit(run=start(world, sims_csv(rows[1:])), actor=actor)
    assert report.run.rows_created == 0
    twins = Learner.objects.filter(last_name="Okafor").order_by("first_name")
    assert [(t.first_name, t.free_school_meals) for t in twins] == [
        ("Chidi", False),
        ("Chika", True),
    ]


def test_a_failure_part_way_leaves_the_database_as_it_was(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    learner_import_commit(run=start(world, sims_csv(pupil_rows(5, seed=3))), actor=actor)
    before = (
        held(world),
        AuditEvent.objects.count(),
        sorted(Learner.objects.values_list("id", "updated_at")),
    )
    rows = pupil_rows(5000, seed=4)
    run = start(world, sims_csv(rows))
    calls = {"count": 0}
    real_bulk_insert = Learner.objects.bulk_insert

    def failing_bulk_insert(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == 2:  # the second batch: row 2,001 onwards
            raise RuntimeError("the disk is full")
        return real_bulk_insert(*args, **kwargs)

    monkeypatch.setattr(Learner.objects, "bulk_insert", failing_bulk_insert)
    with pytest.raises(RuntimeError):
        learner_import_commit(run=run, actor=actor)
    after = (
        held(world),
        AuditEvent.objects.count(),
        sorted(Learner.objects.values_list("id", "updated_at")),
    )
    assert after == before
    run.refresh_from_db()
    assert run.status == ImportStatus.CHECKED


def test_rejected_rows_block_the_import_unless_the_rest_is_chosen(world: World) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    rows = pupil_rows(10)
    rows[4]["date_of_birth"] = "31/02/2012"
    run = start(world, sims_csv(rows))
    with pytest.raises(ApplicationError, match="1 of the rows have problems"):
        learner_import_commit(run=run, actor=actor)
    assert held(world) == 1
    report = learner_import_commit(run=run, actor=actor, accept_partial=True)
    assert (report.run.rows_created, report.run.rows_rejected, report.run.partial) == (9, 1, True)


def test_school_staff_may_not_import_special_category_columns(world: World) -> None:
    rows = pupil_rows(3)
    content = csv_bytes(table_cells(rows, MIS_HEADINGS["Bromcom"]))  # has "Looked After"
    run = learner_import_start(
        actor=world.users[Role.SCHOOL_STAFF],
        organisation=world.school,
        school=None,
        file_name="bromcom.csv",
        content=content,
    )
    assert run.school == world.school
    report = learner_import_check(run, actor=run.uploaded_by)
    assert any("Looked After" in problem for problem in report.column_problems)
    with pytest.raises(ApplicationError, match="may not record care experienced"):
        learner_import_commit(run=run, actor=world.users[Role.SCHOOL_STAFF])


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.READ_ONLY])
def test_roles_that_cannot_add_learners_cannot_import(world: World, role: str) -> None:
    with pytest.raises(NotFound):
        learner_import_start(
            actor=world.users[role],
            organisation=world.alpha,
            school=None,
            file_name="p.csv",
            content=sims_csv(pupil_rows(1)),
        )


def test_rolling_back_removes_added_learners_and_restores_changed_ones(world: World) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    rows = pupil_rows(6)
    learner_import_commit(run=start(world, sims_csv(rows[:3])), actor=actor)
    original = Learner.objects.get(upn=rows[0]["upn"])
    rows[0]["home_postcode"] = "E16 1AA"
    report = learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    assert (report.run.rows_created, report.run.rows_updated) == (3, 1)
    learner_import_roll_back(run=report.run, actor=world.users[Role.ORGANISATION_ADMIN])
    assert held(world) == 1 + 3
    assert Learner.objects.get(upn=rows[0]["upn"]).home_postcode == original.home_postcode
    assert not Learner.objects.filter(upn=rows[5]["upn"]).exists()
    assert AuditEvent.objects.filter(action="delete", object_type="learners.learner").count() == 3
    report.run.refresh_from_db()
    assert report.run.status == ImportStatus.ROLLED_BACK
    # Rolled back, the same file may be imported again.
    learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    assert held(world) == 1 + 6


def test_roll_back_is_refused_after_the_period_or_after_later_changes(world: World) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    rows = pupil_rows(3)
    report = learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    learner = Learner.objects.get(upn=rows[0]["upn"])
    learner.preferred_name = "Changed later"
    learner.save()
    with pytest.raises(ApplicationError, match="changed since"):
        learner_import_roll_back(run=report.run, actor=actor)
    ImportRun.objects.filter(pk=report.run.pk).update(
        committed_at=timezone.now() - timedelta(days=15)
    )
    with pytest.raises(ApplicationError, match="rollback period has ended"):
        learner_import_roll_back(run=report.run, actor=actor)
    with pytest.raises(NotFound):
        learner_import_roll_back(run=report.run, actor=world.users[Role.READ_ONLY])
    assert held(world) == 1 + 3


def test_100k_rows(world: World) -> None:
    rows = pupil_rows(100_000, seed=9)
    run = start(world, sims_csv(rows))
    report = learner_import_commit(run=run, actor=world.users[Role.OUTREACH_OFFICER])
    assert report.run.rows_created == 100_000
    assert held(world) == 100_001
    assert AuditEvent.objects.filter(action="create", source="system").count() >= 100_000


def test_uploaded_files_are_forgotten_after_the_rollback_period(world: World) -> None:
    recent = start(world, sims_csv(pupil_rows(2, seed=1)))
    old = start(world, sims_csv(pupil_rows(2, seed=2)), role=Role.ORGANISATION_ADMIN)
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=15))
    call_command("import_purge", stdout=io.StringIO())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.file_content is None
    assert recent.file_content is not None


@pytest.mark.parametrize(
    ("held_name", "row_name"), [("O'Brien", "O’Brien"), ("Siân", "SIAN"), ("Müller", "Muller")]
)
def test_a_row_is_the_learner_held_whatever_the_apostrophe_case_or_accents(
    world: World, held_name: str, row_name: str
) -> None:
    actor = world.users[Role.OUTREACH_OFFICER]
    rows = pupil_rows(1)
    rows[0]["upn"] = ""
    rows[0]["last_name"] = held_name
    learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)
    rows[0]["last_name"] = row_name
    rows[0]["free_school_meals"] = not rows[0]["free_school_meals"]

    report = learner_import_commit(run=start(world, sims_csv(rows)), actor=actor)

    assert (report.run.rows_created, report.run.rows_updated) == (0, 1)
    assert held(world) == 1 + 1
    learner = Learner.objects.get(
        organisation=world.alpha, upn="", first_name=rows[0]["first_name"]
    )
    assert learner.last_name == held_name  # the same name: kept as it was written
    assert learner.free_school_meals == rows[0]["free_school_meals"]
