"""The demo's student support at Queen Mary: two schemes and their members, awards and their
instalments in every state (one paid by a payment run), the support records of its
care-experienced and estranged students, a few cases and what the schemes offer; their
adviser's pages show them; `widen demo` says who signs in, changes nothing when run again, and
still resets."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from tests.students.mine.support import signed_in_by_link
from widen.accounts.models import User
from widen.audit.models import AppendOnlyError, AuditEvent
from widen.demo.partnership import QMUL
from widen.demo.support import BURSARY, CARE_AWARD, CARE_SCHEME, FIRST_SCHEME
from widen.payments.models import LedgerEntry
from widen.students.models import Student
from widen.students.selectors import student_status_on
from widen.support.models import (
    Appointment,
    Award,
    AwardStatus,
    Benefit,
    BenefitKind,
    Case,
    CaseStatus,
    CaseTopic,
    IdentificationStage,
    Instalment,
    InstalmentStatus,
    LocalAuthorityBursary,
    MembershipSource,
    MembershipStatus,
    ReferralService,
    Scheme,
    SchemeMembership,
    SupportRecord,
)

pytestmark = pytest.mark.django_db


def run_demo(**options: object) -> str:
    out = StringIO()
    call_command("demo", learners=300, stdout=out, **options)
    return out.getvalue()


def by_name(rows: object, status: str = "status") -> dict[str, str]:
    return {
        f"{row.student.first_name} {row.student.last_name}": getattr(row, status)
        for row in rows  # type: ignore[attr-defined]
    }


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.filter(**{lookup: QMUL}).count()
        for model, lookup in (
            (SchemeMembership, "scheme__organisation__name"),
            (Award, "award_scheme__organisation__name"),
            (Instalment, "award__award_scheme__organisation__name"),
            (SupportRecord, "organisation__name"),
            (Case, "organisation__name"),
        )
    )


def ledger_matches_instalments() -> bool:
    """Every ledger entry is one instalment's that is due or paid, and every such instalment has
    one (after a reset, none of the old demo's entries are left)."""
    owing = Instalment.objects.filter(status__in=[InstalmentStatus.DUE, InstalmentStatus.PAID])
    entries = list(LedgerEntry.objects.values_list("source_id", flat=True))
    return len(entries) >= 2 and sorted(entries) == sorted(
        str(pk) for pk in owing.values_list("pk", flat=True)
    )


def test_the_demo_has_student_support_at_queen_mary_and_still_resets(
    django_capture_on_commit_callbacks: Any,
) -> None:
    output = run_demo()
    care = Scheme.objects.get(organisation__name=QMUL, name=CARE_SCHEME)
    first = Scheme.objects.get(organisation__name=QMUL, name=FIRST_SCHEME)
    assert care.current_version is not None
    assert care.current_version.uses_special_category

    # Everyone eligible invited; most joined, Daniel said no thanks, Sofia asked and was let in.
    care_members = SchemeMembership.objects.filter(scheme=care).select_related("student")
    assert by_name(care_members) == {
        "Callum Hughes": MembershipStatus.MEMBER,
        "Leah Morgan": MembershipStatus.MEMBER,
        "Kwame Boateng": MembershipStatus.MEMBER,
        "Daniel Reid": MembershipStatus.DECLINED,
        "Sofia Petrova": MembershipStatus.MEMBER,
    }
    assert care_members.get(student__first_name="Sofia").source == MembershipSource.APPLICATION
    first_members = SchemeMembership.objects.filter(scheme=first).select_related("student")
    answers = by_name(first_members)
    assert {answers.pop(name) for name in ("Amina Rahman", "Zara Ali", "Ellie Turner")} == {
        MembershipStatus.MEMBER
    }
    assert set(answers.values()) == {MembershipStatus.INVITED}  # not answered yet

    # Awards: most accepted, one declined, one stopped; Amina's income is not known: no offer.
    awards = Award.objects.filter(award_scheme__organisation__name=QMUL).select_related(
        "student", "award_scheme"
    )
    assert by_name(awards.filter(award_scheme__name=CARE_AWARD)) == {
        "Callum Hughes": AwardStatus.ACCEPTED,
        "Leah Morgan": AwardStatus.ACCEPTED,
        "Sofia Petrova": AwardStatus.ACCEPTED,
        "Kwame Boateng": AwardStatus.STOPPED,
    }
    bursaries = awards.filter(award_scheme__name=BURSARY)
    assert by_name(bursaries) == {"Zara Ali": AwardStatus.ACCEPTED, "Ellie Turner": "declined"}
    assert bursaries.get(student__first_name="Zara").amount_pence == 1_500_00
    assert by_name(bursaries, "amount_pence")["Ellie Turner"] == 750_00

    # Instalments in every state: Leah's first paid by finance's payment run, Sofia's due
    # (she accepted later) waiting for the next run, Callum's held (he had interrupted),
    # Kwame's cancelled, the rest still to come.
    instalments = Instalment.objects.filter(award__award_scheme__organisation__name=QMUL)
    callum = Student.objects.get(organisation__name=QMUL, first_name="Callum")
    first_instalments = instalments.filter(
        number=1, award__award_scheme__name=CARE_AWARD
    ).select_related("award__student")
    assert by_name([i.award for i in first_instalments if i.award.status != "stopped"]) == {
        "Callum Hughes": AwardStatus.ACCEPTED,
        "Leah Morgan": AwardStatus.ACCEPTED,
        "Sofia Petrova": AwardStatus.ACCEPTED,
    }
    states = {i.award.student.first_name: i.status for i in first_instalments}
    assert states == {
        "Leah": InstalmentStatus.PAID,
        "Sofia": InstalmentStatus.DUE,
        "Callum": InstalmentStatus.HELD,
        "Kwame": InstalmentStatus.CANCELLED,
    }
    held = first_instalments.get(award__student=callum)
    assert held.held_reason.startswith("Interrupted on ")
    assert held.due_on <= timezone.localdate()
    assert not student_status_on([callum.pk], held.due_on)[callum.pk].is_enrolled
    days = instalments.filter(award__student=callum).count()
    if days > 1:  # a demo built in the summer has no day still to come
        assert InstalmentStatus.SCHEDULED in set(instalments.values_list("status", flat=True))
    assert (
        instalments.filter(
            award__student__first_name="Kwame", status=InstalmentStatus.CANCELLED
        ).count()
        == days
    )
    paid = first_instalments.get(award__student__first_name="Leah")
    assert paid.ledger_entry is not None
    assert paid.ledger_entry.run_item.run.is_paid
    assert paid.paid_on == timezone.localdate()
    due = first_instalments.get(award__student__first_name="Sofia")
    assert due.ledger_entry is not None
    assert not hasattr(due.ledger_entry, "run_item")
    # The ledger holds exactly the instalments due or paid (in the summer, when no day is left
    # to come, the bursary's one instalment falls on the first day too).
    assert ledger_matches_instalments()
    # Finance sees the run; Leah sees what she was paid.
    finance = signed_in_client(User.objects.get(username="partnership.admin"))
    runs = finance.get(reverse("payments:runs")).content.decode()
    assert "Payment run 1" in runs
    leah = signed_in_by_link(paid.award.student.email, django_capture_on_commit_callbacks)
    mine = leah.get(reverse("support:my_awards")).content.decode()
    assert "Paid" in mine

    # Support records: named contact Nadia, each way a characteristic became known, a
    # personal adviser with consent, a review due soon, a 365-day place, bursaries.
    nadia = User.objects.get(username="support.adviser")
    records = SupportRecord.objects.filter(organisation__name=QMUL).select_related("student")
    assert {record.named_contact_id for record in records} == {nadia.pk}
    assert len(records) == 4
    stages = set(records.values_list("identifications__stage", flat=True))
    assert stages == set(IdentificationStage.values)
    callum_record = records.get(student=callum)
    assert callum_record.personal_adviser_consent
    assert "Marcus Bell" in callum_record.personal_adviser
    assert callum_record.pathway_review_due is not None
    assert 0 < (callum_record.pathway_review_due - timezone.localdate()).days <= 14
    assert records.filter(halls_year_round=True).count() == 1
    la_bursaries = LocalAuthorityBursary.objects.filter(record__organisation__name=QMUL)
    assert {bursary.is_expected for bursary in la_bursaries} == {True, False}
    assert {bursary.amount_pence for bursary in la_bursaries} == {2_000_00}

    # Casework: a case from Callum's request with a note shared with him and a referral to his
    # personal adviser; Leah's funding case closed; Kwame's follow-up overdue.
    cases = Case.objects.filter(organisation__name=QMUL).select_related("student")
    housing = cases.get(student=callum)
    assert housing.topic == CaseTopic.ACCOMMODATION
    assert Appointment.objects.get(student=callum).case_id == housing.pk
    assert housing.notes.filter(shared_with_student=True).count() == 1
    assert housing.notes.filter(shared_with_student=False).count() == 1
    assert housing.referrals.get().service == ReferralService.PERSONAL_ADVISER
    closed = cases.get(status=CaseStatus.CLOSED)
    assert (closed.student.first_name, closed.topic) == ("Leah", CaseTopic.FUNDING)
    overdue = cases.filter(status=CaseStatus.OPEN, follow_up_on__lt=timezone.localdate())
    assert [case.student.first_name for case in overdue] == ["Kwame"]

    # Benefits: a members-only workshop for First in family members; the careers service's
    # internships, which Leah counted herself in for.
    workshop = Benefit.objects.get(scheme=first, kind=BenefitKind.EVENT)
    assert workshop.event is not None
    assert workshop.event.members_only
    internships = Benefit.objects.get(scheme=care, kind=BenefitKind.OPPORTUNITY)
    assert [use.student.first_name for use in internships.uses.all()] == ["Leah"]

    # The adviser's pages show it; the report says who signs in.
    client = signed_in_client(nadia)
    listed = client.get(reverse("support:schemes")).content.decode()
    assert CARE_SCHEME in listed
    assert FIRST_SCHEME in listed
    members = client.get(reverse("support:scheme_members", args=[care.pk]))
    assert "Sofia" in members.content.decode()
    record = client.get(reverse("support:record", args=[callum_record.pk]))
    assert record.status_code == 200
    assert "Tower Hamlets" in record.content.decode()
    case_page = client.get(reverse("support:case", args=[housing.pk]))
    assert "Marcus Bell" in case_page.content.decode()
    assert "Student support at Queen Mary" in output
    assert callum.email in output

    # Run again: nothing changes. --reset builds it again, the same: the demo's ledger entries
    # and payment run go with it (the audit says so), and the ledger still refuses any change.
    before = counts()
    assert "already built" in run_demo()
    assert counts() == before
    run_demo(reset=True)
    assert counts() == before
    assert ledger_matches_instalments()
    assert AuditEvent.objects.filter(
        object_type="payments.ledgerentry", action="delete", object_id="demo"
    ).exists()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.first().delete()  # type: ignore[union-attr]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE payments_ledgerentry SET description = 'changed'")
