"""Merging two records of one young person: every related record moves, atomically, audited;
and a new relation to learners cannot be added without deciding how it merges."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from tests.dedup.conftest import MakeLearner
from tests.evaluation.merge_support import assert_survey_records_moved, survey_records_of
from widen.accounts.models import User
from widen.activities.models import Activity, Attendance, AttendanceStatus, Session
from widen.audit.models import AuditAction, AuditEvent
from widen.core.exceptions import ApplicationError
from widen.events.models import Booking, Event, EventKind
from widen.learners.duplicates.reviews import duplicate_pair_merge, duplicates_find
from widen.learners.merging import (
    MERGE_RULES,
    MergeRule,
    learner_merge,
    relation_key,
    relations_to_learner,
    unruled_relations,
)
from widen.learners.models import (
    ConsentRecord,
    DuplicateCandidate,
    DuplicateStatus,
    Learner,
    ParentCarer,
)
from widen.mentoring.models import Mentee, MenteesAre, MentoringProgramme
from widen.programmes.models import ActivitySubType, Enrolment, Programme
from widen.reporting.models import LearnerActivityEngagement, LearnerEngagement
from widen.reporting.summaries import counts_tally, summaries_rebuild, summaries_refresh
from widen.rights.models import RequestKind, RightsRequest
from widen.students.models import LearnerLink, LinkStatus, Student
from widen.targeting.models import LearnerAreaProfile, LearnerEligibility, RuleSet, RuleSetVersion
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _pair(
    world: World, one: Learner, two: Learner, probability: float, **fields: Any
) -> DuplicateCandidate:
    """A pair of records of the North partnership proposed as one learner."""
    return DuplicateCandidate.objects.create(
        partnership=world.north,
        learner_one=one,
        learner_two=two,
        learner_one_key=one.pk,
        learner_two_key=two.pk,
        match_probability=probability,
        **fields,
    )


# --- The tripwire ------------------------------------------------------------------------------


def test_every_relation_to_learners_has_a_merge_rule() -> None:
    assert unruled_relations() == [], (
        "A model now points at Learner without a merge rule: add one to MERGE_RULES in "
        "widen/learners/merging.py saying what a merge does with its rows."
    )
    keys = {relation_key(relation) for relation in relations_to_learner()}
    assert set(MERGE_RULES) == keys, "MERGE_RULES names relations that no longer exist"


def test_the_tripwire_catches_a_relation_left_out_of_the_rules() -> None:
    incomplete = {
        key: rule for key, rule in MERGE_RULES.items() if key != "activities.Attendance.learner"
    }
    assert unruled_relations(incomplete) == ["activities.Attendance.learner"]


@pytest.fixture
def new_relation() -> Iterator[type[models.Model]]:
    """A model someone has just added that points at learners (removed again afterwards)."""

    class MentoringMatch(models.Model):
        learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "learners"

        def __str__(self) -> str:
            return str(self.pk)

    yield MentoringMatch
    del apps.all_models["learners"]["mentoringmatch"]
    apps.clear_cache()


@pytest.fixture
def new_many_to_many() -> Iterator[type[models.Model]]:
    """A model someone has just added with a many-to-many field to learners."""

    class StudyGroup(models.Model):
        members = models.ManyToManyField(Learner, related_name="+")

        class Meta:
            app_label = "learners"

        def __str__(self) -> str:
            return str(self.pk)

    yield StudyGroup
    for name in ("studygroup", "studygroup_members"):
        del apps.all_models["learners"][name]
    apps.clear_cache()


def test_a_new_many_to_many_to_learners_trips_the_wire_too(
    new_many_to_many: type[models.Model],
) -> None:
    assert unruled_relations() == ["learners.StudyGroup_members.learner"]


def test_a_new_relation_without_a_rule_trips_the_wire_and_stops_merges(
    new_relation: type[models.Model], make_learner: MakeLearner, admin: User
) -> None:
    assert unruled_relations() == ["learners.MentoringMatch.learner"]
    kept, removed = make_learner("Ada", "Lovelace"), make_learner("Ada", "Lovelace")
    with pytest.raises(ImproperlyConfigured, match="learners.MentoringMatch.learner"):
        learner_merge(kept=kept, removed=removed, acting_user=admin)
    assert Learner.objects.filter(pk=removed.pk).exists()


# --- Merging moves everything ------------------------------------------------------------------


def _session(world: World, day: int) -> Session:
    activity, _ = Activity.objects.get_or_create(
        partnership=world.north,
        delivered_by=world.alpha,
        name="Campus day",
        defaults={"sub_type": ActivitySubType.objects.filter(partnership=None).first()},
    )
    return Session.objects.create(
        activity=activity,
        date=date(2026, 10, day),
        starts_at=time(10),
        ends_at=time(12),
        contact_hours=Decimal(2),
        venue="Great Hall",
    )


def _rule_set(world: World) -> tuple[RuleSet, RuleSetVersion]:
    rule_set = RuleSet.objects.create(partnership=world.north, name="FSM")
    version = RuleSetVersion.objects.create(
        rule_set=rule_set,
        number=1,
        definition={"any": [{"all": [{"criterion": "free_school_meals"}]}]},
        description="FSM",
    )
    return rule_set, version


def _pupils_mentoring(world: World) -> MentoringProgramme:
    return MentoringProgramme.objects.create(
        organisation=world.alpha,
        partnership=world.north,
        name="Careers mentoring for Year 12",
        mentees_are=MenteesAre.PUPILS,
    )


def test_a_pupil_who_is_a_mentee_under_both_records_is_not_merged_and_is_told_why(
    world: World, make_learner: MakeLearner, admin: User
) -> None:
    kept, removed = make_learner("Sam", "Patel"), make_learner("Sam", "Patel")
    programme = _pupils_mentoring(world)
    for learner in (kept, removed):
        Mentee.objects.create(programme=programme, learner=learner)

    with pytest.raises(ApplicationError, match="Careers mentoring for Year 12") as refused:
        learner_merge(kept=kept, removed=removed, acting_user=admin)

    assert "withdraw one of them" in str(refused.value)
    assert Learner.objects.filter(pk=removed.pk).exists()
    assert Mentee.objects.filter(learner=removed).count() == 1


def _records_of(learner: Learner, world: World, sessions: list[Session]) -> dict[str, Any]:
    """One row in every table that points at learners."""
    rule_set, version = (
        _rule_set(world)
        if not RuleSet.objects.exists()
        else (
            RuleSet.objects.get(),
            RuleSetVersion.objects.get(),
        )
    )
    programme, _ = Programme.objects.get_or_create(
        partnership=world.north, name="LPP", defaults={"rule_set": rule_set}
    )
    return {
        "learners.ParentCarer.learner": ParentCarer.objects.create(
            learner=learner, name=f"Parent of {learner.first_name}", relationship="mother"
        ),
        "learners.ConsentRecord.learner": ConsentRecord.objects.create(
            learner=learner,
            lawful_basis="public_task",
            given_by="not_applicable",
            recorded_on=date(2025, 9, 1),
            privacy_notice_version=f"v-{learner.first_name}",
        ),
        "targeting.LearnerAreaProfile.learner": LearnerAreaProfile.objects.create(
            learner=learner, postcode=learner.home_postcode, status="not_loaded"
        ),
        "targeting.LearnerEligibility.learner": LearnerEligibility.objects.create(
            rule_set=rule_set, learner=learner, version=version, eligible=True, explanation="FSM"
        ),
        "programmes.Enrolment.learner": Enrolment.objects.create(
            programme=programme,
            learner=learner,
            organisation=learner.organisation,
            joined_on=date(2025, 9, 1) if learner.first_name == "Kept" else date(2024, 9, 1),
        ),
        "events.Booking.learner": Booking.objects.create(
            event=Event.objects.get_or_create(
                partnership=world.north,
                organiser=world.alpha,
                title="Campus day",
                defaults={
                    "kind": EventKind.CONFERENCE,
                    "starts_at": datetime(2026, 6, 1, 10, tzinfo=UTC),
                    "ends_at": datetime(2026, 6, 1, 15, tzinfo=UTC),
                },
            )[0],
            organisation=learner.organisation,
            name=learner.display_name,
            email="school.office@example.org",
            attendee_type="learner",
            learner=learner,
            requested_at=datetime(2026, 5, 1, 9, tzinfo=UTC),
            token_digest=hashlib.sha256(learner.first_name.encode()).hexdigest(),
        ),
        "activities.Attendance.learner": [
            Attendance.objects.create(
                session=session,
                learner=learner,
                organisation=learner.organisation,
                status=status,
            )
            for session, status in sessions
        ],
        **survey_records_of(learner, world),
    }


def test_merging_moves_every_related_record(
    world: World, make_learner: MakeLearner, admin: User
) -> None:
    kept = make_learner("Kept", "Child")
    removed = make_learner("Removed", "Child", upn="")
    removed.upn = "Z316000000010"
    removed.save()
    third = make_learner("Other", "Person", postcode="N1 9GU")
    shared, only_removed, only_kept = _session(world, 1), _session(world, 2), _session(world, 3)
    _records_of(kept, world, [(shared, AttendanceStatus.ABSENT), (only_kept, "attended")])
    theirs = _records_of(
        removed, world, [(shared, AttendanceStatus.ATTENDED), (only_removed, "attended")]
    )
    summaries_refresh([kept.pk, removed.pk])  # as marking the registers does
    assert LearnerEngagement.objects.filter(learner_id=removed.pk).exists()
    assert LearnerActivityEngagement.objects.filter(learner_id=removed.pk).exists()
    # A pair judged "not the same learner" with someone else, and one still waiting.
    rejected = _pair(world, removed, third, 0.95, status=DuplicateStatus.REJECTED)
    _pair(world, third, removed, 0.92)
    # Requests about the person's data: one naming the removed record, one naming both.
    about_removed, about_both = (
        RightsRequest.objects.create(
            organisation=world.alpha,
            kind=RequestKind.ACCESS,
            person_name="Removed Child",
            received_on=date(2026, 10, 1),
        )
        for _ in range(2)
    )
    about_removed.learners.add(removed)
    about_both.learners.add(kept, removed)
    # A student at Alpha linked to the removed record, and one proposed as both records.
    linked = Student.objects.create(
        organisation=world.alpha,
        student_number="S-REMOVED",
        first_name="Removed",
        last_name="Child",
        linked_learner=removed,
    )
    proposed_as_both = Student.objects.create(
        organisation=world.alpha, student_number="S-BOTH", first_name="Both", last_name="Child"
    )
    LearnerLink.objects.create(student=linked, learner=removed, found_by="uln")
    kept_decision = LearnerLink.objects.create(
        student=proposed_as_both, learner=kept, found_by="linkage", status=LinkStatus.REJECTED
    )
    LearnerLink.objects.create(student=proposed_as_both, learner=removed, found_by="linkage")
    # The removed record is a mentee in a partnership's mentoring programme for pupils.
    mentee = Mentee.objects.create(programme=_pupils_mentoring(world), learner=removed)
    # Every table that points at learners has a row for the removed record in this test.
    covered = set(theirs) | {
        "mentoring.Mentee.learner",
        "students.Student.linked_learner",
        "students.LearnerLink.learner",
        "learners.DuplicateCandidate.learner_one",
        "learners.DuplicateCandidate.learner_two",
        "reporting.LearnerEngagement.learner",
        "reporting.LearnerActivityEngagement.learner",
        "rights.RightsRequest_learners.learner",
    }
    assert covered == {relation_key(relation) for relation in relations_to_learner()}

    result = learner_merge(kept=kept, removed=removed, acting_user=admin)

    assert not Learner.objects.filter(pk=removed.pk).exists()
    kept.refresh_from_db()
    assert kept.upn == "Z316000000010"  # a fact the kept record lacked
    mentee.refresh_from_db()
    assert mentee.learner_id == kept.pk  # their place in the mentoring programme moved
    assert "upn" in result.fields_filled
    assert set(kept.parent_carers.values_list("name", flat=True)) == {
        "Parent of Kept",
        "Parent of Removed",
    }
    assert kept.consents.count() == 2  # noqa: PLR2004
    assert set(Booking.objects.filter(learner=kept).values_list("name", flat=True)) == {
        "Kept Child",
        "Removed Child",
    }  # the removed record's booking moved
    assert_survey_records_moved(kept)  # one link per survey, the answered one
    # One enrolment per programme, from the earlier joining.
    enrolment = Enrolment.objects.get(learner=kept)
    assert enrolment.joined_on == date(2024, 9, 1)
    # One row per session; attended wins on the shared session.
    assert dict(Attendance.objects.filter(learner=kept).values_list("session_id", "status")) == {
        shared.pk: AttendanceStatus.ATTENDED,
        only_removed.pk: AttendanceStatus.ATTENDED,
        only_kept.pk: AttendanceStatus.ATTENDED,
    }
    # The kept learner's attendance summary counts what moved onto them (3 sessions of 2 hours).
    engagement = LearnerEngagement.objects.get(learner_id=kept.pk)
    assert (engagement.sessions, engagement.hours) == (3, Decimal(6))
    assert not LearnerEngagement.objects.filter(learner_id=removed.pk).exists()
    # The partnership's reach counts moved with them: the same as made again from attendance.
    kept_up_to_date = counts_tally()
    summaries_rebuild()
    assert counts_tally() == kept_up_to_date
    # Worked out from the learner: the removed record's are gone, the kept learner's remain.
    assert not LearnerAreaProfile.objects.filter(learner_id=removed.pk).exists()
    assert not LearnerEligibility.objects.filter(learner_id=removed.pk).exists()
    assert LearnerAreaProfile.objects.filter(learner_id=kept.pk).exists()
    # Nothing anywhere still points at the removed record.
    for relation in relations_to_learner():
        model = relation.related_model
        assert isinstance(model, type)
        assert not model._default_manager.filter(**{relation.field.name: removed.pk}).exists()
    # The student is linked to the kept record; a student proposed as both keeps one match, the
    # kept record's, with its decision.
    linked.refresh_from_db()
    assert linked.linked_learner == kept
    assert LearnerLink.objects.get(student=linked).learner == kept
    assert list(LearnerLink.objects.filter(student=proposed_as_both)) == [kept_decision]
    kept_decision.refresh_from_db()
    assert kept_decision.status == LinkStatus.REJECTED
    # The rejection carries over to the kept learner; the waiting pair is dropped.
    assert (
        DuplicateCandidate.objects.filter(
            status=DuplicateStatus.REJECTED, learner_one_key__in=[kept.pk, third.pk]
        )
        .filter(learner_two_key__in=[kept.pk, third.pk])
        .exists()
    )
    assert not DuplicateCandidate.objects.filter(status=DuplicateStatus.PENDING).exists()
    rejected.refresh_from_db()
    assert rejected.learner_one is None  # history kept by key
    assert rejected.learner_one_key == removed.pk
    # Each request names the kept record, once.
    assert list(about_removed.learners.all()) == [kept]
    assert list(about_both.learners.all()) == [kept]


def test_the_merge_is_audited(world: World, make_learner: MakeLearner, admin: User) -> None:
    kept, removed = make_learner("Mo", "Farah"), make_learner("Mo", "Farah")
    ParentCarer.objects.create(learner=removed, name="Pat Farah", relationship="father")

    learner_merge(kept=kept, removed=removed, acting_user=admin)

    merges = AuditEvent.objects.filter(action=AuditAction.MERGE)
    assert {(event.learner_id, event.actor_username) for event in merges} == {
        (kept.pk, admin.username),
        (removed.pk, admin.username),
    }
    assert f"merged_from:{removed.pk}" in merges.get(learner_id=kept.pk).changed_fields
    assert f"merged_into:{kept.pk}" in merges.get(learner_id=removed.pk).changed_fields
    assert AuditEvent.objects.filter(
        action=AuditAction.DELETE, object_type="learners.learner", object_id=str(removed.pk)
    ).exists()
    moved = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="learners.parentcarer")
    assert moved.changed_fields == ["learner"]
    assert moved.actor_username == admin.username


def test_a_merge_that_fails_part_way_changes_nothing(
    world: World, make_learner: MakeLearner, admin: User
) -> None:
    kept, removed = make_learner("Ife", "Bello"), make_learner("Ife", "Bello")
    ParentCarer.objects.create(learner=removed, name="Tolu Bello", relationship="mother")

    def broken(*args: Any) -> int:
        raise RuntimeError("the disk is full")

    rules = {**MERGE_RULES, "learners.ConsentRecord.learner": MergeRule(broken, "fails")}
    with pytest.raises(RuntimeError):
        learner_merge(kept=kept, removed=removed, acting_user=admin, rules=rules)

    assert Learner.objects.filter(pk=removed.pk).exists()
    assert ParentCarer.objects.get().learner_id == removed.pk
    assert not AuditEvent.objects.filter(action=AuditAction.MERGE).exists()


def test_confirming_a_pair_merges_it_and_records_the_decision(
    world: World, make_learner: MakeLearner, admin: User
) -> None:
    first = make_learner("Leah", "Osei")
    second = make_learner("Leah", "Osei", postcode="E15 1DB")
    duplicates_find(actor=admin, partnership=world.north)
    pair = DuplicateCandidate.objects.get()

    result = duplicate_pair_merge(actor=admin, pair_id=pair.pk, keep=second.pk)

    assert result.kept.pk == second.pk
    assert not Learner.objects.filter(pk=first.pk).exists()
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.CONFIRMED
    assert pair.decided_by == admin
    assert pair.kept_learner_key == second.pk


def test_an_import_that_added_the_merged_record_names_the_kept_learner(
    world: World, make_learner: MakeLearner, admin: User
) -> None:
    from widen.core.exceptions import ApplicationError  # noqa: PLC0415
    from widen.learners.imports.services import (  # noqa: PLC0415
        learner_import_commit,
        learner_import_roll_back,
        learner_import_start,
    )
    from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells  # noqa: PLC0415

    rows = pupil_rows(2, seed=11)
    run = learner_import_start(
        actor=admin,
        organisation=world.alpha,
        school=world.school,
        file_name="pupils.csv",
        content=csv_bytes(table_cells(rows, MIS_HEADINGS["SIMS"])),
    )
    report = learner_import_commit(run=run, actor=admin)
    imported = Learner.objects.get(upn=rows[0]["upn"])
    kept = make_learner(imported.first_name, imported.last_name, born=imported.date_of_birth)

    learner_merge(kept=kept, removed=imported, acting_user=admin)

    report.run.refresh_from_db()
    assert str(imported.pk) not in report.run.changes["created"]
    assert str(kept.pk) in report.run.changes["created"]
    # Rolling the import back would now remove the merged learner: it is refused, not silent.
    with pytest.raises(ApplicationError, match="changed since"):
        learner_import_roll_back(run=report.run, actor=admin)
    assert Learner.objects.filter(pk=kept.pk).exists()


def test_a_merge_the_kept_record_cannot_pass_says_why_and_changes_nothing(
    world: World, make_learner: MakeLearner, admin: User
) -> None:
    from widen.core.exceptions import ApplicationError  # noqa: PLC0415

    # A record written before today's checks existed: a date of birth in the future.
    kept = make_learner("Noor", "Haddad", born=date(2099, 1, 1))
    removed = make_learner("Noor", "Haddad", born=date(2099, 1, 1), postcode="E15 1DB")
    first, second = sorted((kept, removed), key=lambda learner: str(learner.pk))
    pair = _pair(world, first, second, 0.99)

    with pytest.raises(ApplicationError, match="date of birth: The date of birth must be"):
        duplicate_pair_merge(actor=admin, pair_id=pair.pk, keep=kept.pk)

    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.PENDING
    assert Learner.objects.filter(pk=removed.pk).exists()


def test_higher_apps_hear_of_a_merge_while_the_removed_record_still_exists(
    world: World, make_learner: MakeLearner, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from widen.learners import hooks  # noqa: PLC0415

    monkeypatch.setattr(hooks, "_callbacks", [])
    heard: list[tuple[Any, Any, bool, str]] = []

    def callback(kept_id: Any, removed_id: Any) -> None:
        kept_now = Learner.objects.get(pk=kept_id)
        heard.append(
            (kept_id, removed_id, Learner.objects.filter(pk=removed_id).exists(), kept_now.uln)
        )

    hooks.register_learners_merged(callback)
    kept = make_learner("Ola", "Nwosu")
    removed = make_learner("Ola", "Nwosu")
    removed.uln = "3000000029"
    removed.save()

    learner_merge(kept=kept, removed=removed, acting_user=admin)

    # Told once, with the removed record still there and the kept one's facts filled in.
    assert heard == [(kept.pk, removed.pk, True, "3000000029")]
