"""Every write to learner data leaves an audit row, whatever the path (SECURITY 21, 23)."""

from __future__ import annotations

import csv
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from conftest import signed_in_client
from widen.audit.models import AccessLogEntry, AppendOnlyError, AuditEvent
from widen.audit.selectors import access_log_between
from widen.audit.services import access_log_record
from widen.core import request_context
from widen.learners.models import Learner, ParentCarer
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db


def events_for(learner_id: uuid.UUID, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(learner_id=learner_id, action=action))


def test_save_records_actor_organisation_and_changed_fields(world: World) -> None:
    learner = Learner.objects.get(pk=world.learner_alpha.pk)
    officer = world.users["outreach_officer"]
    with request_context.bind(actor=officer, source="web", request_id="req-123456789"):
        learner.preferred_name = "Ama"
        learner.free_school_meals = False
        learner.save()
    (event,) = events_for(learner.pk, "update")
    assert event.actor_id == officer.pk
    assert event.actor_username == officer.username
    assert event.organisation_id == world.alpha.pk
    assert event.request_id == "req-123456789"
    assert event.changed_fields == ["free_school_meals", "preferred_name"]
    offset = event.occurred_at.utcoffset()
    assert offset is not None
    assert offset.total_seconds() == 0


def test_saving_without_changes_records_nothing(world: World) -> None:
    learner = Learner.objects.get(pk=world.learner_alpha.pk)
    before = AuditEvent.objects.count()
    learner.save()
    assert AuditEvent.objects.count() == before


def test_bulk_paths_are_audited(world: World) -> None:
    with request_context.bind(source="import"):
        created = Learner.objects.bulk_create(
            [
                Learner(
                    organisation=world.alpha,
                    first_name=f"Bulk{n}",
                    last_name="Created",
                    date_of_birth=year_group_birthday(10),
                )
                for n in range(3)
            ]
        )
        for learner in created:
            assert len(events_for(learner.pk, "create")) == 1
        Learner.objects.filter(last_name="Created").update(young_carer=True)
        for learner in created:
            (event,) = events_for(learner.pk, "update")
            assert event.changed_fields == ["young_carer"]
            assert event.source == "import"
        for learner in created:
            learner.estranged = False
        Learner.objects.bulk_update(created, ["estranged"])
        assert AuditEvent.objects.filter(action="update", changed_fields=["estranged"]).count() == 3
        ParentCarer.objects.create(learner=created[0], name="Pat", relationship="father")
        Learner.objects.filter(last_name="Created").delete()
    for learner in created:
        assert len(events_for(learner.pk, "delete")) >= 1
    # The cascade to the parent's record is audited too.
    assert AuditEvent.objects.filter(object_type="learners.parentcarer", action="delete").exists()


def test_bulk_insert_stores_and_audits_exactly_like_bulk_create(world: World) -> None:
    details = {
        "first_name": "Zoë",
        "last_name": "Ó'Brien",
        "date_of_birth": year_group_birthday(9),
        "home_postcode": "E6 3SQ",
        "free_school_meals": True,
        "school_id": world.school.id,
    }
    with request_context.bind(actor=world.users["outreach_officer"], source="import"):
        (made,) = Learner.objects.bulk_create([Learner(organisation=world.alpha, **details)])
        (key,) = Learner.objects.bulk_insert([{"organisation_id": world.alpha.id, **details}])
    inserted = Learner.objects.get(pk=key)
    created = Learner.objects.get(pk=made.pk)
    compared = [
        f.attname
        for f in Learner._meta.concrete_fields
        if f.attname not in {"id", "created_at", "updated_at"}
    ]
    assert [getattr(inserted, name) for name in compared] == [
        getattr(created, name) for name in compared
    ]
    assert inserted.created_at is not None
    assert inserted.care_experienced is None
    assert inserted.ethnicity == ""
    (by_insert,) = events_for(key, "create")
    (by_create,) = events_for(made.pk, "create")
    for name in ("actor_id", "actor_username", "source", "organisation_id", "object_type"):
        assert getattr(by_insert, name) == getattr(by_create, name), name
    assert by_insert.changed_fields == by_create.changed_fields
    assert by_insert.learner_id == key


def test_page_and_api_edits_are_audited_with_their_source(world: World) -> None:
    client = signed_in_client(world.users["outreach_officer"])
    learner = world.learner_alpha
    client.post(
        f"/learners/{learner.id}/edit/",
        {
            "first_name": "Amara",
            "last_name": "Alphason",
            "date_of_birth": learner.date_of_birth.isoformat(),
            "preferred_name": "Mara",
            "care_experienced": "true",
        },
    )
    (event,) = events_for(learner.pk, "update")
    assert event.source == "web"
    assert "preferred_name" in event.changed_fields
    assert len(event.request_id) >= 8


def test_audit_rows_cannot_be_changed_or_deleted(world: World) -> None:
    signed_in_client(world.users["outreach_officer"]).get(f"/learners/{world.learner_alpha.id}/")
    assert AccessLogEntry.objects.exists()
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="delete")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    for statement in (
        "UPDATE audit_auditevent SET action = 'x'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_accesslogentry SET purpose = 'x'",
        "DELETE FROM audit_accesslogentry",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.filter(pk=event.pk, action=event.action).exists()


def test_access_log_answers_the_breach_scoping_question(world: World) -> None:
    from django.utils import timezone  # noqa: PLC0415

    start = timezone.now()
    signed_in_client(world.users["outreach_officer"]).get(f"/learners/{world.learner_beta.id}/")
    signed_in_client(world.users["evaluator"]).get(f"/learners/{world.learner_alpha.id}/")
    end = timezone.now()
    entries = access_log_between(
        learner_ids=[world.learner_beta.id, world.learner_alpha.id], starts_at=start, ends_at=end
    )
    assert {(entry.actor_username, entry.learner_id) for entry in entries} == {
        ("outreach_officer.alpha", world.learner_beta.id),
        ("evaluator.alpha", world.learner_alpha.id),
    }
    assert AccessLogEntry.objects.count() == 2


def who_accessed(*arguments: str) -> list[dict[str, str]]:
    out = StringIO()
    call_command("who_accessed", *arguments, stdout=out, stderr=StringIO())
    return list(csv.DictReader(StringIO(out.getvalue())))


def test_who_accessed_lists_exactly_the_views_and_changes_in_the_window(world: World) -> None:
    officer = signed_in_client(world.users["outreach_officer"])
    officer.get(f"/learners/{world.learner_beta.id}/")  # before the window
    starts = timezone.now()
    officer.get(f"/learners/{world.learner_beta.id}/")
    officer.post(
        f"/learners/{world.learner_alpha.id}/edit/",
        {
            "first_name": "Amara",
            "last_name": "Alphason",
            "date_of_birth": world.learner_alpha.date_of_birth.isoformat(),
            "preferred_name": "Mara",
        },
    )
    signed_in_client(world.users["evaluator"]).get(f"/learners/{world.learner_school.id}/")
    ends = timezone.now()
    officer.get(f"/learners/{world.learner_beta.id}/")  # after the window

    rows = who_accessed(
        "--learners",
        str(world.learner_beta.id),
        str(world.learner_alpha.id),
        "--from",
        starts.isoformat(),
        "--to",
        ends.isoformat(),
    )
    assert [(row["what"], row["learner_id"], row["actor"]) for row in rows] == [
        ("viewed", str(world.learner_beta.id), "outreach_officer.alpha"),
        ("update learners.learner", str(world.learner_alpha.id), "outreach_officer.alpha"),
    ]
    viewed, changed = rows
    assert viewed["data_sharing_agreement_id"] == str(world.agreement.id)
    assert "special_category" in viewed["data_categories_or_fields"].split()
    assert viewed["actor_organisation_id"] == str(world.alpha.id)
    assert "preferred_name" in changed["data_categories_or_fields"].split()
    assert changed["source"] == "web"

    # A whole day, given as a date, includes everything that day.
    today = timezone.localdate().isoformat()
    day = who_accessed("--learners", str(world.learner_beta.id), "--from", today, "--to", today)
    assert [row["what"] for row in day] == ["create learners.learner"] + ["viewed"] * 3


def test_who_accessed_refuses_bad_arguments_clearly(world: World) -> None:
    learner = str(world.learner_alpha.id)
    with pytest.raises(CommandError, match="'yesterday' is not a date or time"):
        who_accessed("--learners", learner, "--from", "yesterday", "--to", "2026-01-01")
    with pytest.raises(CommandError, match="'12345' is not a learner id"):
        who_accessed("--learners", "12345", "--from", "2026-01-01", "--to", "2026-01-02")
    with pytest.raises(CommandError, match="'2026-02-30' is not a date or time"):
        who_accessed("--learners", learner, "--from", "2026-02-30", "--to", "2026-03-01")
    with pytest.raises(CommandError, match="--to is before --from"):
        who_accessed("--learners", learner, "--from", "2026-01-02", "--to", "2026-01-01")


def test_who_accessed_cells_cannot_run_as_spreadsheet_formulae(world: World) -> None:
    with request_context.bind(source="web", request_id="=HYPERLINK(1)"):
        access_log_record(
            actor=world.users["outreach_officer"],
            learner_ids=[world.learner_alpha.id],
            data_categories=["identity"],
            purpose="@SUM(1+1)",
        )
    today = timezone.localdate().isoformat()
    rows = who_accessed("--learners", str(world.learner_alpha.id), "--from", today, "--to", today)
    (row,) = (row for row in rows if row["what"] == "viewed")
    assert row["purpose"] == "'@SUM(1+1)"
    assert row["request_id"] == "'=HYPERLINK(1)"
