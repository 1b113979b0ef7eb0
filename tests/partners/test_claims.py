"""Expense claims and advances: from a partner's phone to the payments ledger and a payment run,
the coordinator's approval or query, reconciling an advance both ways, the overdue alert, and
who may see a claim or its receipt."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend
from freezegun import freeze_time

from conftest import signed_in_client
from tests.partners.factories import (
    UK,
    make_partner,
    make_role,
    make_shift,
    partner_account,
    signed_in_partner,
)
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role as StaffRole
from widen.audit.models import StateChange
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Notification
from widen.partners.models import (
    ClaimStatus,
    ExpenseClaim,
    Partner,
    PartnerSettings,
    Role,
    ShiftAssignment,
)
from widen.partners.services.claim_alerts import claims_overdue_alert
from widen.partners.services.claims import (
    advance_request,
    claim_approve,
    claim_create,
    claim_line_add,
    claim_query,
    claim_submit,
    owed_back_pence,
)
from widen.partners.tasks import claims_paid_tell_job
from widen.payments.models import EntryKind, LedgerEntry, Payee, PaymentRun
from widen.payments.services import (
    payee_bank_details_set,
    payment_run_create,
    payment_run_export,
    payment_run_mark_paid,
)
from widen.payments.signals import run_marked_paid
from widen.testing.world import World

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
FINANCE = system_actor("tests: finance pays the run")


@pytest.fixture
def coordinator(world: World) -> Any:
    return world.users[StaffRole.OUTREACH_OFFICER]


@pytest.fixture
def role(world: World, coordinator: Any) -> Role:
    return make_role(world.alpha, coordinator)


@pytest.fixture
def partner(world: World, role: Role) -> Partner:
    found = make_partner(world.alpha, "CLM1", roles=(role,))
    partner_account(found)
    return found


def _bus_claim(partner: Partner, *, amount: str = "4.50", day: date | None = None) -> ExpenseClaim:
    actor = partner.student.user
    with request_context.bind(source="test"):
        claim = claim_create(actor=actor, partner=partner, purpose="Bus to the open day")
        claim_line_add(
            actor=actor,
            claim=claim,
            category="public_transport",
            spent_on=day or timezone.localdate() - timedelta(days=3),
            description="Return bus fare",
            amount=amount,
            receipt_name="ticket.jpg",
            receipt_content=JPEG,
        )
        return claim_submit(actor=actor, claim=claim)


def _pay_every_entry(world: World, partner: Partner, paid_on: date) -> None:
    """Finance pays the provider's run holding the partner's entries, on `paid_on`."""
    partner.refresh_from_db()
    assert partner.payee is not None
    with request_context.bind(source="test"):
        payee_bank_details_set(
            actor=FINANCE,
            payee=partner.payee,
            account_name="Sam Partner",
            sort_code="20-00-00",
            account_number="55779911",
        )
        run = payment_run_create(actor=FINANCE, organisation=world.alpha).run
        payment_run_export(actor=FINANCE, run=run)
        payment_run_mark_paid(actor=FINANCE, run=run, paid_on=paid_on)


def test_a_claim_drafted_then_submitted_spent_on_its_earliest_line(partner: Partner) -> None:
    actor = partner.student.user
    claim = claim_create(actor=actor, partner=partner, purpose="Conference travel")
    assert claim.status == ClaimStatus.DRAFT
    for day, amount in ((date(2026, 10, 9), "3.00"), (date(2026, 10, 7), "2.20")):
        claim_line_add(
            actor=actor,
            claim=claim,
            category="parking",
            spent_on=day,
            description="Car park",
            amount=amount,
        )
    claim_submit(actor=actor, claim=claim)
    claim.refresh_from_db()
    assert (claim.status, claim.spent_on, claim.total_pence) == (
        ClaimStatus.SUBMITTED,
        date(2026, 10, 7),
        520,
    )
    assert claim.submitted_at is not None


def test_a_claim_with_no_costs_cannot_be_sent(partner: Partner) -> None:
    claim = claim_create(actor=partner.student.user, partner=partner, purpose="Nothing yet")
    with pytest.raises(ApplicationError, match="Add at least one cost"):
        claim_submit(actor=partner.student.user, claim=claim)


def test_approval_writes_one_ledger_entry_for_the_partners_new_payee(
    partner: Partner, coordinator: Any
) -> None:
    claim = _bus_claim(partner)
    assert not Payee.objects.filter(user=partner.student.user).exists()
    with request_context.bind(source="test"):
        claim_approve(actor=coordinator, claim=claim)
    claim.refresh_from_db()
    entries = LedgerEntry.objects.filter(source_type="partners.expenseclaim")
    assert entries.count() == 1
    entry = entries.get()
    assert (entry.amount_pence, entry.kind, entry.source_id) == (
        450,
        EntryKind.EXPENSES,
        str(claim.pk),
    )
    assert entry.payee.user == partner.student.user
    assert entry.payee.organisation_id == partner.organisation_id
    assert (claim.status, claim.ledger_entry_id, claim.approved_by) == (
        ClaimStatus.APPROVED,
        entry.pk,
        coordinator,
    )
    # Approving again is refused, and writes nothing more.
    with pytest.raises(NotFound):
        claim_approve(actor=coordinator, claim=claim)
    assert entries.count() == 1


def test_a_paid_run_marks_the_claim_paid_with_its_days_out_of_pocket(
    world: World, partner: Partner, coordinator: Any
) -> None:
    today = timezone.localdate()
    claim = _bus_claim(partner, day=today - timedelta(days=6))
    with request_context.bind(source="test"):
        claim_approve(actor=coordinator, claim=claim)
    _pay_every_entry(world, partner, today)
    claim.refresh_from_db()
    assert (claim.status, claim.paid_on, claim.days_out_of_pocket) == (ClaimStatus.PAID, today, 6)
    # The claim's history says when and by which run it was paid.
    moved = StateChange.objects.get(object_id=str(claim.pk), transition="mark_paid")
    assert (moved.from_state, moved.to_state) == ("approved", "paid")
    assert moved.reason.startswith("Paid in payment run ")


def test_a_query_tells_the_partner_and_they_may_send_it_again(
    partner: Partner, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    claim = _bus_claim(partner)
    with django_capture_on_commit_callbacks(execute=True):
        claim_query(actor=coordinator, claim=claim, note="Was the return fare for two people?")
    claim.refresh_from_db()
    assert (claim.status, claim.query_note) == (
        ClaimStatus.QUERIED,
        "Was the return fare for two people?",
    )
    told = Notification.objects.get(user=partner.student.user, template="partners/claim_queried")
    assert "Was the return fare for two people?" in told.body_text
    with pytest.raises(ApplicationError, match="Say what you need to know"):
        claim_query(actor=coordinator, claim=_bus_claim(partner), note="  ")
    claim_submit(actor=partner.student.user, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def _advance(partner: Partner, role: Role, amount: str) -> ExpenseClaim:
    shift = make_shift(role, timezone.localdate() + timedelta(days=7), costs_covered=True)
    with request_context.bind(source="test"):
        ShiftAssignment.objects.create(shift=shift, partner=partner)
    with request_context.bind(source="test"):
        return advance_request(
            actor=partner.student.user,
            partner=partner,
            purpose="Train to the conference",
            amount=amount,
            needed_on=timezone.localdate() + timedelta(days=7),
            shift=shift,
        )


def _reconcile(partner: Partner, advance: ExpenseClaim, spent: str) -> ExpenseClaim:
    actor = partner.student.user
    with request_context.bind(source="test"):
        claim = claim_create(actor=actor, partner=partner, purpose="What I spent", advance=advance)
        claim_line_add(
            actor=actor,
            claim=claim,
            category="public_transport",
            spent_on=timezone.localdate(),
            description="Train tickets",
            amount=spent,
        )
        return claim_submit(actor=actor, claim=claim)


def test_an_advance_paid_before_the_day_leaves_nobody_out_of_pocket_and_more_spent_is_repaid(
    world: World, partner: Partner, role: Role, coordinator: Any
) -> None:
    advance = _advance(partner, role, "30.00")
    assert (advance.status, advance.total_pence) == (ClaimStatus.SUBMITTED, 3000)
    with request_context.bind(source="test"):
        claim_approve(actor=coordinator, claim=advance)
    _pay_every_entry(world, partner, timezone.localdate())
    advance.refresh_from_db()
    assert (advance.status, advance.days_out_of_pocket) == (ClaimStatus.PAID, 0)
    reconciliation = _reconcile(partner, advance, "34.60")
    with request_context.bind(source="test"):
        claim_approve(actor=coordinator, claim=reconciliation)
    entry = LedgerEntry.objects.get(source_id=str(reconciliation.pk))
    assert entry.amount_pence == 460  # only what was spent beyond the advance
    assert owed_back_pence(reconciliation) == 0


def test_less_spent_than_advanced_is_owed_back_never_taken_from_wages(
    world: World, partner: Partner, role: Role, coordinator: Any
) -> None:
    advance = _advance(partner, role, "30.00")
    with request_context.bind(source="test"):
        claim_approve(actor=coordinator, claim=advance)
    reconciliation = _reconcile(partner, advance, "21.50")
    entries_before = LedgerEntry.objects.count()
    with request_context.bind(source="test"):
        claim_approve(actor=coordinator, claim=reconciliation)
    reconciliation.refresh_from_db()
    assert owed_back_pence(reconciliation) == 850
    # No deduction in the ledger (it would be netted against the partner's pay).
    assert LedgerEntry.objects.count() == entries_before
    assert reconciliation.status == ClaimStatus.PAID
    assert reconciliation.ledger_entry_id is None
    # An advance is reconciled once.
    with pytest.raises(ApplicationError, match="already been reconciled"):
        claim_create(actor=partner.student.user, partner=partner, purpose="Again", advance=advance)


def test_an_advance_is_asked_for_today_or_later(partner: Partner) -> None:
    with pytest.raises(ApplicationError, match="today or later"):
        advance_request(
            actor=partner.student.user,
            partner=partner,
            purpose="Lunch",
            amount="10",
            needed_on=timezone.localdate() - timedelta(days=1),
        )


def test_the_overdue_alert_goes_once_after_the_promised_working_days(
    world: World, partner: Partner, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with request_context.bind(source="test"):
        PartnerSettings.objects.create(organisation=world.alpha, repayment_working_days=5)
    claim = _bus_claim(partner, day=date(2026, 8, 26))
    # Sent on Thursday 27 August 2026; Monday 31 August is the summer bank holiday, so the
    # five working days end on Friday 4 September.
    sent = datetime.combine(date(2026, 8, 27), time(9), tzinfo=UK)
    ExpenseClaim.objects.filter(pk=claim.pk).update(submitted_at=sent)
    widen = system_actor("tests: overdue claims")
    with django_capture_on_commit_callbacks(execute=True):
        assert claims_overdue_alert(actor=widen, today=date(2026, 9, 4)) == 0
        assert claims_overdue_alert(actor=widen, today=date(2026, 9, 7)) == 1
        assert claims_overdue_alert(actor=widen, today=date(2026, 9, 8)) == 0
    alerts = Notification.objects.filter(user=coordinator, template="partners/claim_overdue")
    assert alerts.count() == 1
    assert "6 working days" in alerts.get().body_text
    claim.refresh_from_db()
    assert claim.overdue_alerted_at is not None


def test_the_overdue_command_says_how_many_it_alerted(
    partner: Partner, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command  # noqa: PLC0415

    claim = _bus_claim(partner)
    long_ago = timezone.now() - timedelta(days=40)
    ExpenseClaim.objects.filter(pk=claim.pk).update(submitted_at=long_ago)
    call_command("partners", "overdue-claims")
    assert "Alerted coordinators to 1 overdue claim." in capsys.readouterr().out
    call_command("partners", "overdue-claims")
    assert "Alerted coordinators to 0 overdue claims." in capsys.readouterr().out


def test_another_providers_coordinator_cannot_decide(world: World, partner: Partner) -> None:
    claim = _bus_claim(partner)
    from widen.testing.world import make_user  # noqa: PLC0415

    with request_context.bind(source="test"):
        beta_coordinator = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    with pytest.raises(NotFound):
        claim_approve(actor=beta_coordinator, claim=claim)
    with pytest.raises(NotFound):
        claim_query(actor=beta_coordinator, claim=claim, note="Whose is this?")
    client = signed_in_client(beta_coordinator)
    assert client.get(reverse("partners:claim", args=[claim.pk])).status_code == 404
    response = client.post(reverse("partners:claim_approve", args=[claim.pk]))
    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_student_sees_their_own_claim_and_receipt_never_anothers(
    world: World, partner: Partner, role: Role, django_capture_on_commit_callbacks: Any
) -> None:
    mine = _bus_claim(partner)
    other = make_partner(world.alpha, "CLM2", roles=(role,))
    partner_account(other)
    theirs = _bus_claim(other)
    client: Client = signed_in_partner(partner, django_capture_on_commit_callbacks)
    my_line = mine.lines.get()
    their_line = theirs.lines.get()
    assert client.get(reverse("partners:claim", args=[mine.pk])).status_code == 200
    receipt = client.get(reverse("partners:claim_receipt", args=[my_line.pk]))
    assert (receipt.status_code, receipt["Content-Type"]) == (200, "image/jpeg")
    assert client.get(reverse("partners:claim", args=[theirs.pk])).status_code == 404
    refused = client.get(reverse("partners:claim_receipt", args=[their_line.pk]))
    assert refused.status_code == 404
    listing = client.get(reverse("partners:my_claims")).content.decode()
    assert str(theirs.pk) not in listing


def test_a_student_makes_a_claim_from_their_phone_with_a_receipt_photo(
    partner: Partner, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in_partner(partner, django_capture_on_commit_callbacks)
    form = client.get(reverse("partners:claim_new")).content.decode()
    assert "Make a claim" in form
    started = client.post(reverse("partners:claim_new"), {"purpose": "Bus to the open day"})
    claim = ExpenseClaim.objects.get(partner=partner)
    assert started["Location"] == reverse("partners:claim", args=[claim.pk])
    page = client.get(started["Location"]).content.decode()
    assert 'accept="image/*,application/pdf"' in page
    cost = {
        "category": "public_transport",
        "spent_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "description": "Return bus fare",
        "amount": "4.50",
    }
    photo = SimpleUploadedFile("IMG_2041.HEIC", JPEG, content_type="image/heic")
    added = client.post(
        reverse("partners:claim_line_add", args=[claim.pk]), {**cost, "receipt": photo}
    )
    assert added.status_code == 302
    line = claim.lines.get()
    assert (line.receipt_type, line.amount_pence) == ("image/jpeg", 450)
    program = SimpleUploadedFile("ticket.jpg", b"MZ\x90\x00" + b"\x00" * 64)
    refused = client.post(
        reverse("partners:claim_line_add", args=[claim.pk]), {**cost, "receipt": program}
    )
    assert refused.status_code == 200
    assert "Line 2: ticket.jpg is not a photo" in refused.content.decode()
    assert claim.lines.count() == 1
    client.post(reverse("partners:claim_submit", args=[claim.pk]))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    mine = client.get(reverse("partners:my_claims")).content.decode()
    assert "Bus to the open day" in mine
    assert "Should reach your bank" in mine


def test_the_queue_shows_claims_to_decide_first_oldest_first(
    partner: Partner, coordinator: Any
) -> None:
    newer, older, approved = _bus_claim(partner), _bus_claim(partner), _bus_claim(partner)
    now = timezone.now()
    ExpenseClaim.objects.filter(pk=newer.pk).update(submitted_at=now - timedelta(days=1))
    ExpenseClaim.objects.filter(pk=older.pk).update(submitted_at=now - timedelta(days=8))
    ExpenseClaim.objects.filter(pk=approved.pk).update(submitted_at=now - timedelta(days=20))
    with request_context.bind(source="test"):
        claim_approve(actor=coordinator, claim=approved)
    from widen.partners.selectors.claims import claims_queue  # noqa: PLC0415

    assert [item.claim for item in claims_queue(actor=coordinator)] == [older, newer, approved]
    page = signed_in_client(coordinator).get(reverse("partners:claims_queue"))
    assert page.status_code == 200


# --- Telling students their claims are paid ------------------------------------------------


def _claim_for(partner: Partner, purpose: str, amount: str) -> ExpenseClaim:
    actor = partner.student.user
    with request_context.bind(source="test"):
        claim = claim_create(actor=actor, partner=partner, purpose=purpose)
        claim_line_add(
            actor=actor,
            claim=claim,
            category="parking",
            spent_on=timezone.localdate() - timedelta(days=2),
            description="Car park",
            amount=amount,
        )
        return claim_submit(actor=actor, claim=claim)


def _approved_with_bank_details(partner: Partner, coordinator: Any, claim: ExpenseClaim) -> None:
    with request_context.bind(source="test"):
        claim_approve(actor=coordinator, claim=claim)
        partner.refresh_from_db()
        assert partner.payee is not None
        if not partner.payee.has_bank_details:
            payee_bank_details_set(
                actor=FINANCE,
                payee=partner.payee,
                account_name="Student Partner",
                sort_code="20-00-00",
                account_number="55779911",
            )


def _background_jobs_run(capture: Any) -> list[str]:
    """Run the queued jobs telling students their expenses are paid, as the worker would, and
    say what each did."""
    jobs = [
        job
        for job in default_task_backend.results  # type: ignore[attr-defined]
        if job.task.module_path == claims_paid_tell_job.module_path
    ]
    default_task_backend.results.clear()  # type: ignore[attr-defined]
    with capture(execute=True):
        return [job.task.call(*job.args, **job.kwargs) for job in jobs]


def test_each_student_paid_by_a_run_is_told_once_of_their_own_claims_only(
    world: World,
    partner: Partner,
    role: Role,
    coordinator: Any,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ben = make_partner(world.alpha, "CLM2", first_name="Ben", roles=(role,))
    cleo = make_partner(world.alpha, "CLM3", first_name="Cleo", roles=(role,))
    for other in (ben, cleo):
        partner_account(other)
    mine = [
        _claim_for(partner, "Parking at the open day", "6.00"),
        _claim_for(partner, "Parking at the school visit", "4.50"),
    ]
    for claim in mine:
        _approved_with_bank_details(partner, coordinator, claim)
    _approved_with_bank_details(ben, coordinator, _claim_for(ben, "Ben's parking", "3.20"))
    # The run was made on 1 December, so that it can be paid on the 4th whatever day it is now.
    with freeze_time("2026-12-01 10:00:00"), request_context.bind(source="test"):
        run = payment_run_create(actor=FINANCE, organisation=world.alpha).run
        payment_run_export(actor=FINANCE, run=run)
    # Cleo's claim is approved after the run was made: it waits for the next run.
    _approved_with_bank_details(cleo, coordinator, _claim_for(cleo, "Cleo's parking", "2.00"))
    paid_on = date(2026, 12, 4)

    with django_capture_on_commit_callbacks(execute=True), request_context.bind(source="test"):
        payment_run_mark_paid(actor=FINANCE, run=run, paid_on=paid_on)
    told = Notification.objects.filter(template="partners/claims_paid")
    assert not told.exists()  # in the background, once the run is marked paid

    assert _background_jobs_run(django_capture_on_commit_callbacks) == [
        f"told 2 student(s) their expenses are paid by payment run {run.number}"
    ]

    assert sorted(told.values_list("user__username", flat=True)) == sorted(
        [partner.student.user.username, ben.student.user.username]  # type: ignore[union-attr]
    )
    theirs = told.get(user=partner.student.user)
    assert theirs.subject == "Your expenses are paid: £10.50"
    assert "Parking at the open day: £6.00" in theirs.body_text
    assert "Parking at the school visit: £4.50" in theirs.body_text
    assert "paid on Friday 4 December 2026" in theirs.body_text
    assert "should reach your account by Monday 7 December 2026" in theirs.body_text
    assert run.reference in theirs.body_text
    assert "Ben" not in theirs.body_text
    assert "Cleo" not in theirs.body_text
    assert theirs.link == "/partners/claims/mine/"
    bens = told.get(user=ben.student.user)
    assert "Ben's parking: £3.20" in bens.body_text
    assert "Parking at the" not in bens.body_text

    # Marking the run paid again is refused and tells nobody again; nor does hearing it twice.
    with (
        django_capture_on_commit_callbacks(execute=True),
        request_context.bind(source="test"),
        pytest.raises((ApplicationError, NotFound)),
    ):
        payment_run_mark_paid(actor=FINANCE, run=run, paid_on=paid_on)
    with django_capture_on_commit_callbacks(execute=True), request_context.bind(source="test"):
        run.refresh_from_db()
        run_marked_paid.send(sender=PaymentRun, run=run)
    assert _background_jobs_run(django_capture_on_commit_callbacks) == []
    assert told.count() == 2
