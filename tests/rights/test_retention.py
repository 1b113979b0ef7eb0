"""Retention, with time travel: records past their period go, records inside it stay, and a
second run changes nothing.

Time travels two ways: `retention_run(today=…)` runs the rules as of another day, and records
are given times in the past (an event that ended, an upload committed weeks ago).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from tests.rights.test_erasure_scan import ALLOWED, scan
from widen.accounts.models import Role, User
from widen.activities.models import RegisterImport
from widen.evaluation.models import ScaleImport
from widen.events.models import Booking, Event
from widen.learners.models import ConsentRecord, ImportRun, Learner
from widen.notifications.models import Notification
from widen.partners.models import FlexibilityPlan, Partner
from widen.payments.models import Payee
from widen.rights.erasing import person_erase
from widen.rights.models import ErasureTombstone, RequestStatus, RightsRequest
from widen.rights.retention import RetentionDone, retention_run
from widen.students.models import LearnerLink, Student
from widen.testing.canary import Canary, seed_canary_person
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db

# The canary's records that hang off their learner record, by model: what goes with it.
LEARNER_PARTS = (
    "learners.learner",
    "learners.parentcarer",
    "learners.consentrecord",
    "events.booking",
    "evaluation.surveyinvitation",
    "evaluation.answer",
    "programmes.enrolment",
    "targeting.learnerareaprofile",
    "targeting.learnereligibility",
)


@pytest.fixture
def canary(world: World) -> Canary:
    return seed_canary_person(world)


def changed(done: list[RetentionDone]) -> dict[str, int]:
    changes: dict[str, int] = {}
    for applied in done:
        if applied.rows:
            changes[applied.model] = changes.get(applied.model, 0) + applied.rows
    return changes


def run_twice(today: date | None = None) -> dict[str, int]:
    """Run retention as of `today`; the second run must change nothing."""
    first = changed(retention_run(today=today))
    assert changed(retention_run(today=today)) == {}
    return first


def left_year_13(learner: Learner) -> date:
    """The 31 August the learner left Year 13 (born September to August of one school year)."""
    born = learner.date_of_birth
    cohort = born.year if born.month >= 9 else born.year - 1
    return date(cohort + 18, 8, 31)


def learner_like(world: World, first_name: str, *, year_group: int = 10) -> Learner:
    return Learner.objects.create(
        organisation=world.alpha,
        school=world.school,
        first_name=first_name,
        last_name="Retained",
        date_of_birth=year_group_birthday(year_group),
        home_postcode="ZE1 0AA",
    )


def test_learners_are_anonymised_the_set_years_after_year_13(world: World, canary: Canary) -> None:
    years = settings.WIDEN_LEARNER_YEARS_AFTER_YEAR_13
    period_ends = left_year_13(canary.learner) + relativedelta(years=years)
    younger = learner_like(world, "Yoannaminor", year_group=7)

    assert "learners.learner" not in run_twice(period_ends - timedelta(days=30))
    assert Learner.objects.get(pk=canary.learner.pk).anonymised_at is None

    done = run_twice(period_ends + timedelta(days=1))

    assert done["learners.learner"] >= 1
    learner = Learner.objects.get(pk=canary.learner.pk)
    assert learner.anonymised_at is not None
    assert (learner.first_name, learner.upn, learner.home_postcode) == ("Anonymised", "", "")
    # The school cohort stays for statistics; the exact birthday goes.
    assert (learner.date_of_birth.month, learner.date_of_birth.day) == (9, 1)
    assert Learner.objects.get(pk=younger.pk).first_name == "Yoannaminor"


def test_the_records_that_hang_off_the_learner_go_with_it(world: World, canary: Canary) -> None:
    values = {value for label in LEARNER_PARTS for value in canary.values[label]}
    values -= {canary.full_name, canary.person.emails[0]}  # also the account's and the payee's
    assert {value for _, _, value in scan(values)} >= set(canary.values["learners.learner"])
    period_ends = left_year_13(canary.learner) + relativedelta(
        years=settings.WIDEN_LEARNER_YEARS_AFTER_YEAR_13
    )

    run_twice(period_ends + timedelta(days=1))

    tables = {apps.get_model(label)._meta.db_table for label in LEARNER_PARTS}
    left = {found for found in scan(values) if found[0] in tables}
    assert left == set(), f"Retention left the learner's details in: {sorted(left)}"
    tombstones = ErasureTombstone.objects.filter(request=None, done_by=None)
    assert {stone.object_type for stone in tombstones} >= set(LEARNER_PARTS)
    # Their account is not a learner record: it stays until it is closed.
    assert User.objects.get(pk=canary.user.pk).username == canary.user.username


def test_consent_to_tracking_keeps_a_learner_for_longer(world: World, canary: Canary) -> None:
    period_ends = left_year_13(canary.learner) + relativedelta(
        years=settings.WIDEN_LEARNER_YEARS_AFTER_YEAR_13
    )
    tracked = learner_like(world, "Trackerina")
    ConsentRecord.objects.create(
        learner=tracked,
        lawful_basis="consent",
        given_by="learner",
        recorded_on=date(2025, 9, 1),
        privacy_notice_version="v1",
        tracks_until=period_ends + relativedelta(years=2),
    )
    withdrawn = learner_like(world, "Withdrawina")
    ConsentRecord.objects.create(
        learner=withdrawn,
        lawful_basis="consent",
        given_by="learner",
        recorded_on=date(2025, 9, 1),
        privacy_notice_version="v1",
        tracks_until=period_ends + relativedelta(years=2),
        withdrawn_on=date(2026, 1, 1),
    )

    run_twice(period_ends + timedelta(days=1))

    assert Learner.objects.get(pk=tracked.pk).first_name == "Trackerina"
    assert Learner.objects.get(pk=withdrawn.pk).anonymised_at is not None

    run_twice(period_ends + relativedelta(years=2, days=1))

    assert Learner.objects.get(pk=tracked.pk).anonymised_at is not None


STAGED_UPLOADS = (ImportRun, RegisterImport, ScaleImport)


def test_uploaded_files_go_after_the_roll_back_period(canary: Canary) -> None:
    roll_back = timedelta(days=settings.WIDEN_IMPORT_ROLLBACK_DAYS)
    held: dict[str, Any] = {
        "file_content": b"upn,first name\nA123,Quillonina",
        "problems": [{"row": 2, "message": "Quillonina has no date of birth"}],
        "changes": {"created": ["some-id"]},
    }
    now = timezone.now()
    for model in STAGED_UPLOADS:
        rows = model._default_manager.filter(uploaded_by=canary.user)
        rows.update(committed_at=now - roll_back - timedelta(days=1), **held)
        # A second upload, committed inside the period, and one never committed, made long ago.
        original = rows.get().pk
        recent = model._default_manager.get(pk=original)
        recent.pk = None
        recent.committed_at = now - roll_back + timedelta(days=1)
        recent.save()
        never = model._default_manager.get(pk=original)
        never.pk = None
        never.committed_at = None
        never.save()
        model._default_manager.filter(pk=never.pk).update(
            created_at=now - roll_back - timedelta(days=2)
        )

    done = run_twice()

    for model in STAGED_UPLOADS:
        label = model._meta.label_lower
        assert done[label] == 2
        rows = model._default_manager.filter(uploaded_by=canary.user)
        cleared = rows.filter(file_content=None, problems=[], changes={})
        assert cleared.count() == 2, label
        kept = rows.exclude(pk__in=cleared.values("pk")).get()
        assert kept.file_content is not None
        assert bytes(kept.file_content) == held["file_content"]
        assert kept.problems == held["problems"]
        # The record of the upload stays: who uploaded which file, and when.
        assert rows.count() == 3
        assert all(row.file_name for row in rows)


def test_a_run_as_of_a_later_day_clears_the_uploads_then_past_their_period(
    canary: Canary,
) -> None:
    ImportRun.objects.filter(uploaded_by=canary.user).update(
        committed_at=timezone.now(), problems=[{"row": 2, "message": "Quillonina"}]
    )
    committed = timezone.localdate()
    roll_back = timedelta(days=settings.WIDEN_IMPORT_ROLLBACK_DAYS)

    assert "learners.importrun" not in run_twice(committed + roll_back)
    assert ImportRun.objects.get(uploaded_by=canary.user).problems

    assert run_twice(committed + roll_back + timedelta(days=2))["learners.importrun"] == 1
    assert ImportRun.objects.get(uploaded_by=canary.user).problems == []


def test_a_run_as_of_the_day_after_the_event_blanks_its_adjustments(canary: Canary) -> None:
    booking = Booking.objects.get(learner=canary.learner)
    ends_on = timezone.localdate(booking.event.ends_at)

    assert "events.booking" not in run_twice(ends_on)
    booking.refresh_from_db()
    assert booking.access_requirements == canary.values["events.booking"][2]

    assert run_twice(ends_on + timedelta(days=1))["events.booking"] == 1
    booking.refresh_from_db()
    assert booking.access_requirements == ""


def test_event_adjustments_go_once_the_event_is_over(world: World, canary: Canary) -> None:
    booking = Booking.objects.get(learner=canary.learner)
    requirements = booking.access_requirements
    later = seed_canary_person(world, tag="Brackley", postcode="ZE3 8JJ", serial=5353)

    assert "events.booking" not in run_twice()

    Event.objects.filter(pk=booking.event_id).update(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=1),
    )
    done = run_twice()

    assert done["events.booking"] == 1
    booking.refresh_from_db()
    assert (booking.access_requirements, booking.reasonable_adjustments) == ("", "")
    assert (booking.dietary_needs, booking.disabled) == ("", False)
    # The booking itself stays with the event; another event's bookings keep theirs.
    assert booking.name == canary.full_name
    upcoming = Booking.objects.get(learner=later.learner)
    assert upcoming.access_requirements == later.values["events.booking"][2]
    assert requirements == canary.values["events.booking"][2]


def test_notifications_go_after_a_year(canary: Canary) -> None:
    made = timezone.localdate()

    assert "notifications.notification" not in run_twice(made + timedelta(days=365))
    assert Notification.objects.filter(user=canary.user).exists()

    assert run_twice(made + timedelta(days=367))["notifications.notification"] >= 1
    assert not Notification.objects.filter(user=canary.user).exists()


@pytest.mark.parametrize("model", [AccessAttempt, AccessFailureLog, AccessLog])
def test_sign_in_records_go_after_ninety_days(canary: Canary, model: Any) -> None:
    rows = model.objects.filter(username=canary.user.username)
    made = timezone.localdate()

    assert model._meta.label_lower not in run_twice(made + timedelta(days=90))
    assert rows.exists()

    assert run_twice(made + timedelta(days=92))[model._meta.label_lower] == 1
    assert not rows.exists()


def test_rights_requests_go_six_years_after_they_are_answered(world: World, canary: Canary) -> None:
    answered = RightsRequest.objects.get(person_email=canary.person.emails[0])
    RightsRequest.objects.filter(pk=answered.pk).update(
        status=RequestStatus.DONE, closed_at=timezone.now()
    )
    still_open = RightsRequest.objects.create(
        organisation=world.alpha,
        kind="access",
        person_name="Openina Waiting",
        received_on=timezone.localdate(),
    )
    closed = timezone.localdate()

    assert "rights.rightsrequest" not in run_twice(closed + relativedelta(years=6))
    assert RightsRequest.objects.filter(pk=answered.pk).exists()

    assert run_twice(closed + relativedelta(years=6, days=2))["rights.rightsrequest"] == 1
    assert not RightsRequest.objects.filter(pk=answered.pk).exists()
    assert RightsRequest.objects.filter(pk=still_open.pk).exists()


def test_an_answered_erasure_request_keeps_only_what_was_asked_and_when(
    world: World, canary: Canary
) -> None:
    request = RightsRequest.objects.get(person_email=canary.person.emails[0])
    person_erase(
        person=canary.person, request=request, actor=world.users[Role.DATA_PROTECTION_OFFICER]
    )
    RightsRequest.objects.filter(pk=request.pk).update(
        kind="erasure", status=RequestStatus.DONE, closed_at=timezone.now()
    )
    tombstones = set(request.tombstones.values_list("pk", flat=True))
    assert tombstones
    closed = timezone.localdate()

    assert "rights.rightsrequest" not in run_twice(closed + relativedelta(years=6))

    done = run_twice(closed + relativedelta(years=6, days=2))

    # The tombstones point at the request: it stays, without the person's name or address.
    assert done["rights.rightsrequest"] == 1
    kept = RightsRequest.objects.get(pk=request.pk)
    assert (kept.kind, kept.received_on, kept.person_email) == ("erasure", request.received_on, "")
    assert set(kept.tombstones.values_list("pk", flat=True)) == tombstones
    left = {found for found in scan(canary.all_values()) if found[:2] not in ALLOWED}
    assert left == set()
    assert not scan({canary.full_name}) - {
        found for found in scan({canary.full_name}) if found[0] == Payee._meta.db_table
    }


def test_a_learner_past_their_period_leaves_the_student_they_became_at_their_university(
    world: World, canary: Canary
) -> None:
    """The learner record is the partnership's; the student record it was linked to is the
    university's, kept for its own period: retention cuts the link, and the student's record,
    plan and paid work stay."""
    student = Student.objects.get(linked_learner=canary.learner)
    period_ends = left_year_13(canary.learner) + relativedelta(
        years=settings.WIDEN_LEARNER_YEARS_AFTER_YEAR_13
    )

    run_twice(period_ends + timedelta(days=1))

    student.refresh_from_db()
    assert student.linked_learner_id is None
    assert student.anonymised_at is None
    assert student.first_name == canary.values["students.student"][0]
    assert FlexibilityPlan.objects.filter(partner__student=student).exists()
    assert Partner.objects.get(student=student).is_active
    assert not LearnerLink.objects.filter(learner=canary.learner).exists()
