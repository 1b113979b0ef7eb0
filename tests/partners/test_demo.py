"""The demo's student partners: plans, a term's shifts, timesheets, claims in every state, the
barriers register, a staff conference with students co-presenting, students linked to the
learners they were, a second university whose coordinator sees only its own, and a demo that
still resets."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import signed_in_client
from widen.accounts.models import User
from widen.demo.partner_work import STAFF_CONFERENCE
from widen.demo.partnership import QMUL, UEL
from widen.events.models import Event, PresenterRole
from widen.learners.models import Learner
from widen.organisations.models import DataSharingAgreement, Organisation
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
        for p in Partner.objects.filter(organisation__name=QMUL).select_related("plan", "student")
    }
    assert set(partners) == {"Amina Rahman", "Priya Nair", "Zara Ali"}
    amina = partners["Amina Rahman"].plan
    assert not amina.patterns.filter(weekday=0, starts_at__lt="12:00").exists()
    assert amina.reasons
    assert not amina.reasons_for_coordinator
    assert partners["Priya Nair"].student.student_visa
    assert partners["Zara Ali"].plan.changes.count() == 1
    statuses = set(
        PartnerApplication.objects.filter(role__organisation__name=QMUL).values_list(
            "status", flat=True
        )
    )
    assert {ApplicationStatus.SUBMITTED, ApplicationStatus.DECLINED} <= statuses

    # A term's shifts: worked, booked, and one dropped (offered again).
    assignments = ShiftAssignment.objects.filter(shift__organisation__name=QMUL).values_list(
        "status", flat=True
    )
    assert set(assignments) == {
        AssignmentStatus.WORKED,
        AssignmentStatus.BOOKED,
        AssignmentStatus.DROPPED,
    }
    dropped = ShiftAssignment.objects.get(
        status=AssignmentStatus.DROPPED, shift__organisation__name=QMUL
    )
    assert dropped.shift.offers.exclude(partner=dropped.partner).exists()
    sheets = set(
        Timesheet.objects.filter(pay_period__organisation__name=QMUL).values_list(
            "status", flat=True
        )
    )
    assert sheets == {TimesheetStatus.APPROVED, TimesheetStatus.CONFIRMED, TimesheetStatus.DRAFT}

    # Claims in every state, and an advance.
    qmul_claims = ExpenseClaim.objects.filter(organisation__name=QMUL)
    claims = set(qmul_claims.filter(kind=ClaimKind.EXPENSES).values_list("status", flat=True))
    assert claims == set(ClaimStatus.values)
    assert qmul_claims.filter(kind=ClaimKind.ADVANCE).exists()
    paid = qmul_claims.get(status=ClaimStatus.PAID)
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
    submitted = qmul_claims.filter(status=ClaimStatus.SUBMITTED, kind=ClaimKind.EXPENSES)[0]
    claim_approve(actor=User.objects.get(username="outreach.officer"), claim=submitted)
    with pytest.raises(CommandError, match="payments ledger"):
        run_demo(reset=True)
    assert Partner.objects.count() == counts[0]


def test_a_second_university_has_partners_its_own_coordinator_alone_sees() -> None:
    output = run_demo()
    uel = Organisation.objects.get(name=UEL)
    daniel = User.objects.get(username="org.admin")
    sophie = User.objects.get(username="outreach.officer")

    # Four partners with plans: one caring for her dad (never Monday mornings), one on a
    # Student visa, checks done, shifts worked and booked, a pay period and claims.
    partners = {
        f"{p.student.first_name} {p.student.last_name}": p
        for p in Partner.objects.filter(organisation=uel).select_related("plan", "student")
    }
    assert len(partners) == 4
    carer = partners["Amina Rahman"].plan
    assert not carer.patterns.filter(weekday=0, starts_at__lt="12:00").exists()
    assert "dad" in carer.reasons
    assert not carer.reasons_for_coordinator
    assert partners["Priya Nair"].student.student_visa
    assert all(p.checks.exists() for p in partners.values())
    assert set(
        ShiftAssignment.objects.filter(shift__organisation=uel).values_list("status", flat=True)
    ) == {AssignmentStatus.WORKED, AssignmentStatus.BOOKED}
    assert Timesheet.objects.filter(
        pay_period__organisation=uel, status=TimesheetStatus.APPROVED
    ).exists()
    uel_claims = ExpenseClaim.objects.filter(organisation=uel)
    assert uel_claims.filter(status=ClaimStatus.SUBMITTED).exists()

    # Each coordinator's pages list their own university's partners, roles and claims only.
    def seen(user: User, url: str) -> str:
        response = signed_in_client(user).get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    def pages(partners_of: object) -> set[str]:
        return {
            f"/partners/partners/{pk}/"
            for pk in Partner.objects.filter(organisation=partners_of).values_list("pk", flat=True)
        }

    qmul = Organisation.objects.get(name=QMUL)
    for coordinator, own, other in ((daniel, uel, qmul), (sophie, qmul, uel)):
        listed = seen(coordinator, "/partners/partners/")
        assert all(page in listed for page in pages(own))
        assert not any(page in listed for page in pages(other))
        assert own.name in listed
        assert other.name not in listed
    roles = seen(daniel, "/partners/roles/")
    assert "Docklands student ambassador" in roles
    assert "Student co-presenter" not in roles
    assert "Docklands student ambassador" not in seen(sophie, "/partners/roles/")
    qmul_partner = Partner.objects.filter(organisation__name=QMUL)[0]
    assert signed_in_client(daniel).get(f"/partners/partners/{qmul_partner.pk}/").status_code == 404
    claim = uel_claims.filter(status=ClaimStatus.SUBMITTED)[0]
    assert signed_in_client(sophie).get(f"/partners/claims/{claim.pk}/").status_code == 404
    assert signed_in_client(daniel).get(f"/partners/claims/{claim.pk}/").status_code == 200

    # The demo says who coordinates where.
    assert f"Student partners at {UEL} (coordinated by org.admin" in output.replace("\n", " ")

    # --reset builds it again, the same.
    counts = (
        Partner.objects.filter(organisation=uel).count(),
        uel_claims.count(),
        Timesheet.objects.filter(pay_period__organisation=uel).count(),
    )
    run_demo(reset=True)
    uel = Organisation.objects.get(name=UEL)
    assert (
        Partner.objects.filter(organisation=uel).count(),
        ExpenseClaim.objects.filter(organisation=uel).count(),
        Timesheet.objects.filter(pay_period__organisation=uel).count(),
    ) == counts
