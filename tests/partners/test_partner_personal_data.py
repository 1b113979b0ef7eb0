"""A student partner's data rights: applications not offered go a year on; erasing a partner
keeps what they were paid and repaid (the amounts, the dates, the receipt) without their name,
address, plan or own words; their export shows a receipt by name, never its content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.utils import timezone

from tests.partners.factories import make_partner, make_role
from tests.rights.test_erasure_scan import scan
from widen.accounts.models import Role as StaffRole
from widen.partners.models import (
    Application,
    ApplicationStatus,
    Barrier,
    ClaimStatus,
    ExpenseClaim,
    FlexibilityPlan,
    Partner,
    PlanChange,
    PlanPattern,
    ShiftOffer,
    Timesheet,
)
from widen.rights.erasing import person_erase
from widen.rights.exporting import as_json, subject_access_export
from widen.rights.models import ErasureTombstone
from widen.rights.people import Person
from widen.rights.retention import retention_run
from widen.testing.canary import Canary, seed_canary_person
from widen.testing.canary_partners import RECEIPT_START
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def _application(world: World, number: str, status: str, last_changed_days_ago: int) -> Application:
    role = make_role(world.alpha, world.users["staff"], title=f"Ambassador {number}")
    partner = make_partner(world.alpha, number)
    application = Application.objects.create(
        role=role,
        student=partner.student,
        status=status,
        why_this_role="To show others university is for them",
        adjustments="Questions in writing beforehand",
    )
    Application.objects.filter(pk=application.pk).update(
        updated_at=timezone.now() - timedelta(days=last_changed_days_ago)
    )
    return application


def _still_there(*applications: Application) -> set[str]:
    kept = Application.objects.filter(pk__in=[application.pk for application in applications])
    return set(kept.values_list("student__student_number", flat=True))


def test_an_application_not_offered_goes_a_year_after_it_was_last_changed(world: World) -> None:
    declined_long_ago = _application(world, "S8101", ApplicationStatus.DECLINED, 400)
    declined_lately = _application(world, "S8102", ApplicationStatus.DECLINED, 300)
    withdrawn_long_ago = _application(world, "S8103", ApplicationStatus.WITHDRAWN, 400)
    never_sent = _application(world, "S8104", ApplicationStatus.DRAFT, 400)
    offered_long_ago = _application(world, "S8105", ApplicationStatus.OFFERED, 1200)
    waiting = _application(world, "S8106", ApplicationStatus.SUBMITTED, 400)
    everyone = (
        declined_long_ago,
        declined_lately,
        withdrawn_long_ago,
        never_sent,
        offered_long_ago,
        waiting,
    )

    done = {ran.model: ran.rows for ran in retention_run() if ran.rows}

    assert done["partners.application"] == 3
    assert _still_there(*everyone) == {"S8102", "S8105", "S8106"}
    assert not any(ran.rows for ran in retention_run() if ran.model == "partners.application")

    # The application declined lately goes once a year has passed since its decision.
    decided_on = timezone.localdate() - timedelta(days=300)
    retention_run(today=decided_on + relativedelta(years=1))
    assert "S8102" in _still_there(*everyone)
    retention_run(today=decided_on + relativedelta(years=1, days=1))
    assert _still_there(*everyone) == {"S8105", "S8106"}


@pytest.fixture
def canary(world: World) -> Canary:
    return seed_canary_person(world)


def test_erasing_a_partner_keeps_what_they_were_paid_without_their_name_or_plan(
    world: World, canary: Canary
) -> None:
    partner = Partner.objects.get(student__user=canary.user)
    timesheet = Timesheet.objects.get(partner=partner)
    claim = ExpenseClaim.objects.get(partner=partner)
    line = claim.lines.get()
    assert line.receipt_content is not None
    receipt = bytes(line.receipt_content)
    paid_on = claim.paid_on
    student = partner.student
    who = {student.first_name, student.last_name, student.email, canary.full_name}
    plan_values = set(canary.values["partners.flexibilityplan"])
    own_words = {
        value
        for label in ("partners.application", "partners.timesheet", "partners.timesheetline")
        for value in canary.values[label]
    }
    partner_tables = {
        model._meta.db_table for model in apps.get_app_config("partners").get_models()
    }
    assert {found[0] for found in scan(who | own_words)} >= {
        "partners_application",
        "partners_timesheet",
        "students_student",
    }

    person_erase(
        person=canary.person, request=None, actor=world.users[StaffRole.DATA_PROTECTION_OFFICER]
    )

    # What they were paid and repaid, and when, stays for HMRC.
    timesheet.refresh_from_db()
    assert (timesheet.total_minutes, timesheet.total_pence) == (180, 4200)
    assert (timesheet.partner_note, timesheet.query_note) == ("", "")
    assert timesheet.lines.get().minutes == 180
    assert timesheet.lines.get().correction_note == ""
    claim.refresh_from_db()
    assert (claim.status, claim.total_pence, claim.paid_on) == (ClaimStatus.PAID, 480, paid_on)
    assert claim.ledger_entry is not None
    assert claim.ledger_entry.amount_pence == 480
    assert claim.query_note == ""
    line.refresh_from_db()
    assert line.receipt_content is not None
    assert (line.amount_pence, bytes(line.receipt_content)) == (480, receipt)
    assert line.receipt_name == "receipt.jpg"
    # Their name and address are nowhere among the partners' records or the student's.
    partner.refresh_from_db()
    assert partner.student.first_name == "Anonymised"
    assert partner.student.email == ""
    assert not partner.is_active
    left = {
        found
        for found in scan(who | own_words | plan_values)
        if found[0] in partner_tables | {"students_student"}
    }
    assert left == set(), f"Erasure left the partner's details in: {sorted(left)}"
    # Their plan, applications and offers are gone; the barrier they raised stays, unlinked.
    assert not FlexibilityPlan.objects.filter(partner=partner).exists()
    assert not PlanPattern.objects.filter(organisation=world.alpha).exists()
    assert not PlanChange.objects.filter(organisation=world.alpha).exists()
    assert not Application.objects.filter(student=student).exists()
    assert not ShiftOffer.objects.filter(partner=partner).exists()
    barrier = Barrier.objects.get(organisation=world.alpha)
    assert barrier.raised_by is None
    # Every row deleted with the plan leaves its own tombstone.
    buried = set(ErasureTombstone.objects.values_list("object_type", "action"))
    assert {
        ("partners.flexibilityplan", "deleted"),
        ("partners.planpattern", "deleted"),
        ("partners.planchange", "deleted"),
        ("partners.timesheet", "anonymised"),
        ("partners.expenseline", "anonymised"),
    } <= buried


def test_erasing_the_owner_of_a_barrier_leaves_who_raised_it(world: World, canary: Canary) -> None:
    barrier = Barrier.objects.get(raised_by__student__user=canary.user)
    owner = make_user("barrier.owner", world.alpha, StaffRole.OUTREACH_OFFICER)
    Barrier.objects.filter(pk=barrier.pk).update(owner=owner)

    person_erase(
        person=Person(user_ids=(owner.pk,), emails=(owner.email,)),
        request=None,
        actor=world.users[StaffRole.DATA_PROTECTION_OFFICER],
    )

    barrier.refresh_from_db()
    assert barrier.raised_by is not None
    assert barrier.raised_by.student.user == canary.user
    assert barrier.owner_id == owner.pk


def test_a_partners_export_shows_their_receipt_by_name_never_its_content(canary: Canary) -> None:
    export = subject_access_export(canary.person, person_name=canary.full_name)

    (lines,) = [section for section in export.sections if section.model == "partners.expenseline"]
    assert [row["receipt name"] for row in lines.rows] == ["Quillon-bus-ticket.jpg"]
    assert "receipt content" not in lines.fields
    machine = as_json(export)
    assert RECEIPT_START.decode("utf-8", "ignore").strip() not in machine
    # Their plan's reasons are theirs: their own export holds them, read back in full.
    (plans,) = [
        section for section in export.sections if section.model == "partners.flexibilityplan"
    ]
    assert plans.rows[0]["reasons"] == canary.values["partners.flexibilityplan"][1]
