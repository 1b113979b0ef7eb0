"""The demo's student partners: plans, a term's shifts, timesheets, claims in every state, the
barriers register, a staff conference with students co-presenting, students linked to the
learners they were, and a demo that still resets."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from widen.accounts.models import User
from widen.demo.partner_work import STAFF_CONFERENCE
from widen.events.models import Event, PresenterRole
from widen.learners.models import Learner
from widen.organisations.models import DataSharingAgreement
from widen.partners.models import Application as PartnerApplication
from widen.partners.models import (
    ApplicationStatus,
    AssignmentStatus,
    Barrier,
    BarrierSource,
    ClaimKind,
    ClaimStatus,
    ExpenseClaim,
    Partner,
    ShiftAssignment,
    ShiftKind,
    Timesheet,
    TimesheetStatus,
)
from widen.partners.services.claims import claim_approve
from widen.students.linking.services import learner_he_starts
from widen.students.models import Student

pytestmark = pytest.mark.django_db

QMUL = "Queen Mary University of London"


def run_demo(**options: object) -> str:
    out = StringIO()
    call_command("demo", learners=300, stdout=out, **options)
    return out.getvalue()


def test_the_demo_has_student_partners_at_work_and_still_resets() -> None:
    output = run_demo()

    # Students linked to the learners they were; the progression agreement covers students.
    linked = Student.objects.filter(linked_learner__isnull=False, organisation__name=QMUL)
    assert linked.count() == 2
    learner = Learner.objects.get(pk=linked.values_list("linked_learner", flat=True)[0])
    assert [start.text.split(" in ")[0] for start in learner_he_starts(learner=learner)] == [
        f"Enrolled at {QMUL}"
    ]
    assert DataSharingAgreement.objects.get(title="Progression tracking agreement").covers_students

    # Partners with plans: no Monday mornings, a Student visa holder, a one-off change.
    partners = {
        f"{p.student.first_name} {p.student.last_name}": p
        for p in Partner.objects.select_related("plan", "student")
    }
    assert set(partners) == {"Amina Rahman", "Priya Nair", "Zara Ali"}
    amina = partners["Amina Rahman"].plan
    assert not amina.patterns.filter(weekday=0, starts_at__lt="12:00").exists()
    assert amina.reasons
    assert not amina.reasons_for_coordinator
    assert partners["Priya Nair"].student.student_visa
    assert partners["Zara Ali"].plan.changes.count() == 1
    statuses = set(PartnerApplication.objects.values_list("status", flat=True))
    assert {ApplicationStatus.SUBMITTED, ApplicationStatus.DECLINED} <= statuses

    # A term's shifts: worked, booked, and one dropped (offered again).
    assignments = ShiftAssignment.objects.values_list("status", flat=True)
    assert set(assignments) == {
        AssignmentStatus.WORKED,
        AssignmentStatus.BOOKED,
        AssignmentStatus.DROPPED,
    }
    dropped = ShiftAssignment.objects.get(status=AssignmentStatus.DROPPED)
    assert dropped.shift.offers.exclude(partner=dropped.partner).exists()
    sheets = set(Timesheet.objects.values_list("status", flat=True))
    assert sheets == {TimesheetStatus.APPROVED, TimesheetStatus.CONFIRMED, TimesheetStatus.DRAFT}

    # Claims in every state, and an advance.
    claims = set(
        ExpenseClaim.objects.filter(kind=ClaimKind.EXPENSES).values_list("status", flat=True)
    )
    assert claims == set(ClaimStatus.values)
    assert ExpenseClaim.objects.filter(kind=ClaimKind.ADVANCE).exists()
    paid = ExpenseClaim.objects.get(status=ClaimStatus.PAID)
    assert paid.days_out_of_pocket is not None

    # The barriers register, one raised anonymously (naming nobody), each with a mitigation.
    anonymous = Barrier.objects.get(source=BarrierSource.ANONYMOUS)
    assert anonymous.raised_by is None
    assert all(barrier.mitigations.exists() for barrier in Barrier.objects.all())

    # A staff conference with students co-presenting, paid to prepare and present.
    conference = Event.objects.get(title=STAFF_CONFERENCE)
    students = conference.talks.filter(presenters__role=PresenterRole.STUDENT).distinct()
    assert students.count() == 2
    kinds = ShiftAssignment.objects.filter(shift__event=conference).values_list(
        "shift__kind", flat=True
    )
    assert sorted(kinds) == sorted([ShiftKind.PREPARATION, ShiftKind.DELIVERY] * 2)

    # How a student partner signs in.
    assert "amina.rahman@qmul.students.example.ac.uk at http://127.0.0.1:8000/my/sign-in/" in (
        output.replace("\n", " ")
    )

    # --reset deletes all of it and builds it again.
    counts = (Partner.objects.count(), ExpenseClaim.objects.count(), linked.count())
    rebuilt = run_demo(reset=True)
    assert rebuilt.startswith("Built the")
    assert (Partner.objects.count(), ExpenseClaim.objects.count(), linked.count()) == counts

    # Once a claim is approved for real its ledger entry stays for ever: --reset says why it
    # cannot delete the demo, and deletes nothing.
    submitted = ExpenseClaim.objects.filter(status=ClaimStatus.SUBMITTED, kind=ClaimKind.EXPENSES)[
        0
    ]
    claim_approve(actor=User.objects.get(username="outreach.officer"), claim=submitted)
    with pytest.raises(CommandError, match="payments ledger"):
        run_demo(reset=True)
    assert Partner.objects.count() == counts[0]
