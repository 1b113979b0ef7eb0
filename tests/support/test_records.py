"""Support records of care-experienced and estranged students: only the provider's own student
support advisers open and keep them; the personal adviser's details only with the student's
consent; when each characteristic became known; students the enrolment import found; pathway
plan reviews at least every six months with one reminder to the named contact; the local
authority's bursary expected, chased and received; and the student's wish not to be contacted."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.students.records import make_student
from tests.support.schemes import SYSTEM
from widen.accounts.models import Role, User
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Notification
from widen.students.models import Student
from widen.support.models import (
    CareStatus,
    IdentificationStage,
    IdentifiedCharacteristic,
    LocalAuthorityBursary,
    SupportRecord,
)
from widen.support.selectors.records import (
    RecordFilters,
    bursaries_to_chase,
    found_in_records,
    may_contact_student_about_care,
    record_list,
)
from widen.support.services.records import (
    CONSENT_REFUSAL,
    RECORDS_IMPORT_SOURCE,
    bursary_chase,
    bursary_expect,
    bursary_receive,
    do_not_contact_set,
    identification_add,
    pathway_reviews_remind,
    record_open,
    record_open_from_records,
    record_update,
)
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def adviser(world: World) -> User:
    return world.users[Role.STUDENT_SUPPORT_ADVISER]


@pytest.fixture
def ann(world: World) -> Student:
    return make_student(world.alpha, "A1", "Ann", "Able", care_experienced=True)


@pytest.fixture
def record(world: World, ann: Student) -> SupportRecord:
    with request_context.bind(source="test"):
        return record_open(actor=adviser(world), student=ann)


def test_an_adviser_opens_one_record_for_their_own_student_and_is_its_named_contact(
    world: World, ann: Student
) -> None:
    opened = record_open(actor=adviser(world), student=ann)
    assert opened.named_contact == adviser(world)
    assert opened.organisation == world.alpha
    with pytest.raises(ApplicationError, match="already has a support record"):
        record_open(actor=adviser(world), student=ann)
    assert SupportRecord.objects.count() == 1


@pytest.mark.parametrize(
    "role", [Role.ORGANISATION_ADMIN, Role.OUTREACH_OFFICER, Role.PARTNERSHIP_ADMIN]
)
def test_nobody_but_an_adviser_opens_or_changes_a_record(
    world: World, ann: Student, record: SupportRecord, role: str
) -> None:
    with pytest.raises(NotFound):
        record_open(actor=world.users[role], student=make_student(world.alpha, "A9"))
    with pytest.raises(NotFound):
        record_update(actor=world.users[role], record=record, changes={"local_authority": "X"})
    assert not record_list(actor=world.users[role]).exists()


def test_another_providers_adviser_neither_sees_nor_opens_its_students_records(
    world: World, ann: Student, record: SupportRecord
) -> None:
    beta_adviser = make_user("adviser.beta", world.beta, Role.STUDENT_SUPPORT_ADVISER)
    assert not record_list(actor=beta_adviser).exists()
    with pytest.raises(NotFound):
        record_open(actor=beta_adviser, student=make_student(world.alpha, "A9"))
    with pytest.raises(NotFound):
        record_update(actor=beta_adviser, record=record, changes={"support_plan": "x"})


def test_the_named_contact_must_be_an_adviser_at_the_provider(
    world: World, record: SupportRecord
) -> None:
    colleague = make_user("adviser.two", world.alpha, Role.STUDENT_SUPPORT_ADVISER)
    record_update(actor=adviser(world), record=record, changes={"named_contact": colleague})
    record.refresh_from_db()
    assert record.named_contact == colleague
    for stranger in (
        world.users[Role.ORGANISATION_ADMIN],
        make_user("adviser.beta", world.beta, Role.STUDENT_SUPPORT_ADVISER),
    ):
        with pytest.raises(ApplicationError, match="must be a student support adviser") as error:
            record_update(actor=adviser(world), record=record, changes={"named_contact": stranger})
        assert error.value.field == "named_contact"
    record.refresh_from_db()
    assert record.named_contact == colleague


def test_the_personal_advisers_details_are_kept_only_with_the_students_consent(
    world: World, record: SupportRecord
) -> None:
    details = {"personal_adviser": "Jo Bloggs, Newham leaving care team, 020 7946 0000"}
    with pytest.raises(ApplicationError) as error:
        record_update(actor=adviser(world), record=record, changes=details)
    assert error.value.field == "personal_adviser"
    assert error.value.message == CONSENT_REFUSAL
    record.refresh_from_db()
    assert record.personal_adviser == ""

    record_update(
        actor=adviser(world),
        record=record,
        changes={**details, "personal_adviser_consent": True},
    )
    record.refresh_from_db()
    assert record.personal_adviser.startswith("Jo Bloggs")
    assert record.personal_adviser_consent_on == TODAY()
    # Consent withdrawn: the details have to go too.
    with pytest.raises(ApplicationError, match="only with the student's consent"):
        record_update(
            actor=adviser(world), record=record, changes={"personal_adviser_consent": False}
        )
    record_update(
        actor=adviser(world),
        record=record,
        changes={"personal_adviser_consent": False, "personal_adviser": ""},
    )
    record.refresh_from_db()
    assert record.personal_adviser_consent_on is None


def test_halls_run_from_a_day_until_a_later_one(world: World, record: SupportRecord) -> None:
    with pytest.raises(ApplicationError) as error:
        record_update(
            actor=adviser(world),
            record=record,
            changes={"halls_from": date(2026, 9, 20), "halls_until": date(2026, 9, 1)},
        )
    assert error.value.field == "halls_until"
    record_update(
        actor=adviser(world),
        record=record,
        changes={
            "halls_from": date(2026, 9, 20),
            "halls_until": date(2027, 9, 19),
            "halls_year_round": True,
            "summer_arrangements": "Stays in her room over the summer.",
            "support_plan": "Meet every month; funding check in January.",
        },
    )
    record.refresh_from_db()
    assert record.halls_year_round
    assert record.support_plan.startswith("Meet every month")


def test_each_identification_says_when_and_how_and_the_record_follows_it(
    world: World, record: SupportRecord
) -> None:
    with pytest.raises(ApplicationError, match="cannot be in the future"):
        identification_add(
            actor=adviser(world),
            record=record,
            characteristic=IdentifiedCharacteristic.ESTRANGED,
            stage=IdentificationStage.ADVISER,
            identified_on=TODAY() + timedelta(days=1),
        )
    identification_add(
        actor=adviser(world),
        record=record,
        characteristic=IdentifiedCharacteristic.CARE_LEAVER,
        stage=IdentificationStage.APPLICATION,
        identified_on=date(2025, 1, 10),
        source="UCAS application",
    )
    identification_add(
        actor=adviser(world),
        record=record,
        characteristic=IdentifiedCharacteristic.CARE_EXPERIENCED,
        stage=IdentificationStage.ADVISER,
        identified_on=date(2025, 10, 1),
    )
    identification_add(
        actor=adviser(world),
        record=record,
        characteristic=IdentifiedCharacteristic.ESTRANGED,
        stage=IdentificationStage.ADVISER,
        identified_on=date(2025, 10, 2),
        source="Told me at a drop-in",
    )
    record.refresh_from_db()
    assert record.care_status == CareStatus.CARE_LEAVER  # a care leaver stays one
    assert record.estranged
    assert [i.source for i in record.identifications.all()] == [
        "UCAS application",
        "",
        "Told me at a drop-in",
    ]
    assert record.identifications.first().recorded_by == adviser(world)


def test_students_the_enrolment_import_found_are_listed_until_a_record_is_opened(
    world: World,
) -> None:
    found = make_student(world.alpha, "A5", "Eve", "Found", estranged=True)
    make_student(world.alpha, "A6", "Nia", "Notfound")
    make_student(world.beta, "B5", "Bo", "Beta", care_experienced=True)
    assert list(found_in_records(actor=adviser(world))) == [found]
    assert not found_in_records(actor=world.users[Role.ORGANISATION_ADMIN]).exists()

    opened = record_open_from_records(actor=adviser(world), student=found)
    assert opened.estranged
    (identification,) = opened.identifications.all()
    assert identification.characteristic == IdentifiedCharacteristic.ESTRANGED
    assert identification.stage == IdentificationStage.ENROLMENT
    assert identification.source == RECORDS_IMPORT_SOURCE
    assert identification.identified_on == timezone.localdate(found.created_at)
    assert not found_in_records(actor=adviser(world)).exists()


def test_a_review_more_than_six_months_on_is_warned_of_and_a_care_leaver_needs_one(
    world: World, record: SupportRecord
) -> None:
    updated = record_update(
        actor=adviser(world), record=record, changes={"care_status": CareStatus.CARE_LEAVER}
    )
    assert updated.warnings == [
        "There is no next pathway plan review: a care leaver's plan is reviewed at least every "
        "six months."
    ]
    soon = TODAY() + timedelta(days=90)
    assert (
        record_update(
            actor=adviser(world), record=record, changes={"pathway_review_due": soon}
        ).warnings
        == []
    )
    later = soon + timedelta(days=200)
    (warning,) = record_update(
        actor=adviser(world), record=record, changes={"pathway_review_due": later}
    ).warnings
    assert "more than six months after the last" in warning


def test_the_named_contact_is_reminded_once_two_weeks_before_a_review_and_the_student_never(
    world: World, record: SupportRecord, django_capture_on_commit_callbacks: Any
) -> None:
    Student.objects.filter(pk=record.student_id).update(email="ann@example.org")
    due = TODAY() + timedelta(days=14)
    record_update(actor=adviser(world), record=record, changes={"pathway_review_due": due})
    with django_capture_on_commit_callbacks(execute=True):
        assert pathway_reviews_remind(actor=SYSTEM, today=TODAY() - timedelta(days=1)) == 0
        assert pathway_reviews_remind(actor=SYSTEM) == 1
        assert pathway_reviews_remind(actor=SYSTEM) == 0
    told = Notification.objects.get()
    assert told.user == adviser(world)
    assert "Ann Able" in told.subject
    assert told.link.endswith(f"/support/records/{record.pk}/")
    record.refresh_from_db()
    assert record.pathway_review_reminded_on == TODAY()
    # A new review date is reminded of afresh.
    record_update(
        actor=adviser(world), record=record, changes={"pathway_review_due": due - timedelta(1)}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert pathway_reviews_remind(actor=SYSTEM) == 1
    assert not Notification.objects.filter(email="ann@example.org").exists()


def test_a_student_who_asks_not_to_be_contacted_about_it_is_not(
    world: World, record: SupportRecord, ann: Student
) -> None:
    assert may_contact_student_about_care(ann)
    ann_user = make_user("student.ann", None, None)
    Student.objects.filter(pk=ann.pk).update(user=ann_user)
    do_not_contact_set(actor=ann_user, record=record, do_not_contact=True)
    assert not may_contact_student_about_care(ann)
    other = make_user("student.other", None, None)
    with pytest.raises(NotFound):
        do_not_contact_set(actor=other, record=record, do_not_contact=False)
    assert not may_contact_student_about_care(ann.pk)


def test_the_local_authority_bursary_is_expected_chased_and_received(
    world: World, record: SupportRecord
) -> None:
    today = TODAY()
    bursary = bursary_expect(
        actor=adviser(world),
        record=record,
        local_authority="London Borough of Newham",
        expected_on=today - timedelta(days=30),
    )
    assert bursary.amount_pence == 200_000
    on_time = bursary_expect(
        actor=adviser(world), record=record, local_authority="Newham", expected_on=today
    )
    assert list(bursaries_to_chase(actor=adviser(world))) == [bursary]
    assert list(record_list(actor=adviser(world), filters=RecordFilters(bursary_to_chase=True)))
    bursary_chase(actor=adviser(world), bursary=bursary, today=today - timedelta(days=13))
    assert not bursaries_to_chase(actor=adviser(world)).exists()  # chased within two weeks
    bursary_chase(actor=adviser(world), bursary=bursary, today=today - timedelta(days=14))
    assert list(bursaries_to_chase(actor=adviser(world))) == [bursary]
    with pytest.raises(ApplicationError, match="cannot be in the future"):
        bursary_receive(actor=adviser(world), bursary=bursary, received_on=today + timedelta(1))
    bursary_receive(actor=adviser(world), bursary=bursary, received_on=today)
    assert not bursaries_to_chase(actor=adviser(world)).exists()
    with pytest.raises(ApplicationError):
        bursary_chase(actor=adviser(world), bursary=bursary)
    with pytest.raises(NotFound):
        bursary_chase(actor=world.users[Role.ORGANISATION_ADMIN], bursary=on_time)
    assert LocalAuthorityBursary.objects.get(pk=bursary.pk).status_changed_by == adviser(world)


def test_the_list_filters_by_care_estrangement_and_review_due(
    world: World, record: SupportRecord
) -> None:
    bo = record_open(actor=adviser(world), student=make_student(world.alpha, "A7", "Bo", "Bee"))
    record_update(actor=adviser(world), record=bo, changes={"estranged": True})
    record_update(
        actor=adviser(world), record=record, changes={"care_status": CareStatus.CARE_LEAVER}
    )
    mine = adviser(world)
    assert list(record_list(actor=mine, filters=RecordFilters(care_leaver=True))) == [record]
    assert list(record_list(actor=mine, filters=RecordFilters(estranged=True))) == [bo]
    assert list(record_list(actor=mine, filters=RecordFilters(review_due=True))) == [record]
    assert list(record_list(actor=mine)) == [record, bo]


def test_the_daily_command_reminds_the_named_contact(
    world: World, record: SupportRecord, django_capture_on_commit_callbacks: Any
) -> None:
    record_update(
        actor=adviser(world),
        record=record,
        changes={"pathway_review_due": TODAY() + timedelta(days=10)},
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("support", "review-reminders", stdout=out)
        call_command("support", "review-reminders", stdout=StringIO())
    assert out.getvalue().strip() == "Reminded 1 named contact of a pathway plan review."
    assert Notification.objects.get().user == adviser(world)
