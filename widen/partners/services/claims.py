"""Every write to expense claims and advances: a partner drafting, submitting and reconciling,
a coordinator approving or querying, a payment run paying (the overdue alert: `claim_alerts`).

* A partner drafts a claim (for a shift or an event of theirs, or none), adds lines (mileage is
  worked out at HMRC's rates, food and drink kept within the provider's daily limit, a receipt
  checked by its content) and submits it. `spent_on` is the earliest line's date.
* An **advance** is asked for before the shift or event (amount, purpose, the day it is needed)
  and goes straight to the coordinator; approved and paid like a claim. After the event a
  reconciling claim (`advance`) lists what was spent: more than advanced, and the difference is
  repaid; less, and what is owed back is shown plainly. It is never taken from wages (no
  ledger entry is made for it).
* Approval records one ledger entry (`widen.payments`, kind "expenses") for the partner's payee,
  made if they have none yet. The coordinator need not do finance's work: the entry is recorded
  by Widen on the approval the claim's policy allowed.
* When the payment run holding the entry is marked paid, `claims_paid_by_run` marks its claims
  paid on the run's date, in bulk; then, in the background, each student whose claims it paid
  is told once (a claim is marked paid once), of their own claims only, how much and when it
  should arrive (`claims_paid_tell`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Min, Sum
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import is_person, require_actor, system_actor
from widen.audit.models import StateChange
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.working_days import working_days_after
from widen.events.models import Event
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.partners.expenses import (
    car_miles_claimed,
    mileage_pence,
    receipt_check,
    subsistence_check,
)
from widen.partners.models import (
    CLAIM_WORKFLOW,
    ClaimKind,
    ClaimStatus,
    ExpenseCategory,
    ExpenseClaim,
    ExpenseLine,
    Partner,
    Shift,
    Vehicle,
)
from widen.partners.permissions import DECIDE, EDIT, claim_policy, my_partners, shift_policy
from widen.partners.tasks import claims_paid_tell_queue
from widen.payments.models import EntryKind, Payee, PaymentRun
from widen.payments.money import pounds
from widen.payments.services import ledger_entry_record, payee_create

SOURCE_TYPE = "partners.expenseclaim"
PURPOSE_MAX = 200
NOTE_MAX = 2000
# The most a line or an advance may be: £5,000 (a slip of pounds for pence stands out).
MAX_LINE_PENCE = 500_000
MAX_MILES = Decimal(2000)


def _clean_text(value: str, *, field: str, what: str, limit: int = PURPOSE_MAX) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ApplicationError(f"Say {what}.", field=field)
    if len(text) > limit:
        raise ApplicationError(f"Say {what} in up to {limit} characters.", field=field)
    return text


def _own_partner(actor: Any, partner: Partner) -> Partner:
    if not my_partners(actor).filter(pk=partner.pk).exists():
        raise NotFound
    return partner


def _check_links(actor: Any, partner: Partner, shift: Shift | None, event: Event | None) -> None:
    """A claim names the partner's own provider's shift (one they can see), or an event of one
    of those shifts; anything else answers like a missing one."""
    visible = shift_policy.visible_to(actor).filter(organisation=partner.organisation_id)
    if shift is not None and not visible.filter(pk=shift.pk).exists():
        raise NotFound
    if event is not None and not visible.filter(event=event).exists():
        raise NotFound


def claim_create(
    *,
    actor: Any,
    partner: Partner,
    purpose: str,
    shift: Shift | None = None,
    event: Event | None = None,
    advance: ExpenseClaim | None = None,
) -> ExpenseClaim:
    """A draft claim of the partner's own, perhaps for a shift or an event, or reconciling
    `advance` (an advance of theirs already approved or paid, not yet reconciled)."""
    require_actor(actor)
    _own_partner(actor, partner)
    purpose = _clean_text(purpose, field="purpose", what="what the money was for")
    if advance is not None:
        if (
            advance.partner_id != partner.pk
            or not advance.is_advance
            or advance.status not in (ClaimStatus.APPROVED, ClaimStatus.PAID)
        ):
            raise NotFound
        if ExpenseClaim.objects.filter(advance=advance).exists():
            raise ApplicationError(
                "This advance has already been reconciled: open that claim instead.",
                field="advance",
            )
        shift, event = shift or advance.shift, event or advance.event
    if shift is not None and event is None:
        event = shift.event
    _check_links(actor, partner, shift, event)
    return ExpenseClaim.objects.create(
        organisation_id=partner.organisation_id,
        partner=partner,
        kind=ClaimKind.EXPENSES,
        purpose=purpose,
        shift=shift,
        event=event,
        advance=advance,
    )


def _amount_pence(value: Any, *, line_number: int) -> int:
    try:
        pence = Decimal(str(value).strip().lstrip("£").replace(",", "")) * 100
    except (InvalidOperation, ValueError) as error:
        raise ApplicationError(
            f"Line {line_number}: enter the amount in pounds and pence, like 4.50.", field="amount"
        ) from error
    if pence != pence.to_integral_value() or pence <= 0 or pence > MAX_LINE_PENCE:
        raise ApplicationError(
            f"Line {line_number}: enter an amount between £0.01 and {pounds(MAX_LINE_PENCE)}, "
            "in pounds and pence.",
            field="amount",
        )
    return int(pence)


def _recount(claim: ExpenseClaim) -> None:
    found = claim.lines.aggregate(total=Sum("amount_pence"), first=Min("spent_on"))
    claim.total_pence = int(found["total"] or 0)
    claim.spent_on = found["first"]
    claim.save(update_fields=["total_pence", "spent_on", "updated_at"])


def claim_line_add(
    *,
    actor: Any,
    claim: ExpenseClaim,
    category: str,
    spent_on: date,
    description: str,
    amount: str | int | Decimal | None = None,
    miles: str | Decimal | None = None,
    vehicle: str = "",
    receipt_name: str = "",
    receipt_content: bytes | None = None,
) -> ExpenseLine:
    """Add a line to the partner's own draft (or queried) claim. `amount` is in pounds; for
    mileage give `miles` and `vehicle` instead and the amount is worked out at HMRC's rates."""
    require_actor(actor)
    claim_policy.require(actor, EDIT, claim)
    if claim.is_advance:
        raise ApplicationError("An advance has no lines: change its amount instead.")
    line_number = claim.lines.count() + 1
    if category not in ExpenseCategory.values:
        raise ApplicationError(f"Line {line_number}: choose what the cost was.", field="category")
    if not isinstance(spent_on, date) or spent_on > timezone.localdate():
        raise ApplicationError(
            f"Line {line_number}: enter the day the money was spent (not in the future).",
            field="spent_on",
        )
    description = _clean_text(
        description, field="description", what=f"what line {line_number} was for"
    )
    with transaction.atomic():
        ExpenseClaim.objects.select_for_update().filter(pk=claim.pk).first()
        line = ExpenseLine(
            claim=claim, category=category, spent_on=spent_on, description=description
        )
        if category == ExpenseCategory.MILEAGE:
            if vehicle not in Vehicle.values:
                raise ApplicationError(
                    f"Line {line_number}: choose the vehicle (car or van, motorcycle, bicycle).",
                    field="vehicle",
                )
            try:
                distance = Decimal(str(miles).strip())
            except (InvalidOperation, ValueError) as error:
                raise ApplicationError(
                    f"Line {line_number}: enter the miles as a number, like 12.5.", field="miles"
                ) from error
            if distance <= 0 or distance > MAX_MILES or distance != round(distance, 1):
                raise ApplicationError(
                    f"Line {line_number}: enter between 0.1 and {MAX_MILES} miles "
                    "(to one decimal place).",
                    field="miles",
                )
            before = car_miles_claimed(claim.partner, spent_on, claim_id=claim.pk)
            line.miles, line.vehicle = distance, vehicle
            line.amount_pence = mileage_pence(vehicle, distance, before)
        else:
            line.amount_pence = _amount_pence(amount, line_number=line_number)
        if category == ExpenseCategory.SUBSISTENCE:
            subsistence_check(
                partner=claim.partner,
                day=spent_on,
                amount_pence=line.amount_pence,
                line_number=line_number,
                claim_id=claim.pk,
            )
        if receipt_content is not None:
            receipt = receipt_check(
                name=receipt_name, content=receipt_content, line_number=line_number
            )
            line.receipt_name = receipt.name
            line.receipt_type = receipt.content_type
            line.receipt_content = receipt.content
        line.save()
        _recount(claim)
    return line


def claim_line_remove(*, actor: Any, line: ExpenseLine) -> None:
    require_actor(actor)
    claim = claim_policy.require(actor, EDIT, line.claim)
    with transaction.atomic():
        line.delete()
        _recount(claim)


def claim_submit(*, actor: Any, claim: ExpenseClaim) -> ExpenseClaim:
    """Send the partner's own draft (or answered query) to the coordinator."""
    require_actor(actor)
    claim_policy.require(actor, EDIT, claim)
    if not claim.is_advance and not claim.lines.exists():
        raise ApplicationError("Add at least one cost before sending the claim.", field="lines")
    submitted = CLAIM_WORKFLOW.apply(
        claim, "submit", actor=actor, changes={"submitted_at": timezone.now()}
    )
    return submitted


def advance_request(
    *,
    actor: Any,
    partner: Partner,
    purpose: str,
    amount: str | int | Decimal,
    needed_on: date,
    shift: Shift | None = None,
    event: Event | None = None,
) -> ExpenseClaim:
    """Ask for money before a shift or event, so the partner never pays first: sent to the
    coordinator at once. `needed_on` is the day the money is needed."""
    require_actor(actor)
    _own_partner(actor, partner)
    purpose = _clean_text(purpose, field="purpose", what="what the money is for")
    pence = _amount_pence(amount, line_number=1)
    if not isinstance(needed_on, date) or needed_on < timezone.localdate():
        raise ApplicationError(
            "Enter the day the money is needed: today or later.", field="needed_on"
        )
    if shift is not None and event is None:
        event = shift.event
    _check_links(actor, partner, shift, event)
    with transaction.atomic():
        advance = ExpenseClaim.objects.create(
            organisation_id=partner.organisation_id,
            partner=partner,
            kind=ClaimKind.ADVANCE,
            purpose=purpose,
            shift=shift,
            event=event,
            spent_on=needed_on,
            total_pence=pence,
        )
        return CLAIM_WORKFLOW.apply(
            advance, "submit", actor=actor, changes={"submitted_at": timezone.now()}
        )


# --- What is owed ----------------------------------------------------------------------------


def amount_to_repay(claim: ExpenseClaim) -> int:
    """What approving `claim` puts in the ledger: its total, or for a reconciling claim what
    was spent beyond the advance (0 when it was no more than the advance)."""
    if claim.advance_id is None:
        return claim.total_pence
    advance = ExpenseClaim.objects.only("total_pence").get(pk=claim.advance_id)
    return max(0, claim.total_pence - advance.total_pence)


def owed_back_pence(claim: ExpenseClaim) -> int:
    """What the partner owes back on a reconciling claim (less spent than advanced), else 0.
    It is never taken from their wages."""
    if claim.advance_id is None:
        return 0
    advance = ExpenseClaim.objects.only("total_pence").get(pk=claim.advance_id)
    return max(0, advance.total_pence - claim.total_pence)


def _payee_for(partner: Partner, actor: Any) -> Payee:
    """The partner's payee at their provider: theirs already, or made for their account."""
    if partner.payee_id is not None:
        return Payee.objects.get(pk=partner.payee_id)
    user = partner.student.user
    if user is None:
        raise ApplicationError(
            "This student has not signed in to Widen yet, so there is nowhere to repay them: "
            "ask them to sign in and give their bank details.",
            field="partner",
        )
    widen = system_actor(f"expenses repaid to a student partner, approved by {actor}")
    payee = Payee.objects.filter(organisation_id=partner.organisation_id, user=user).first()
    if payee is None:
        payee = payee_create(actor=widen, organisation=partner.organisation, user=user)
    partner.payee = payee
    partner.save(update_fields=["payee", "updated_at"])
    return payee


def claim_approve(*, actor: Any, claim: ExpenseClaim) -> ExpenseClaim:
    """The coordinator approves a submitted claim or advance: one ledger entry for the amount
    to repay. A reconciliation with nothing to repay is settled at once (paid, no entry)."""
    require_actor(actor)
    claim_policy.require(actor, DECIDE, claim)
    with transaction.atomic():
        locked = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
        to_repay = amount_to_repay(locked)
        changes: dict[str, Any] = {
            "approved_at": timezone.now(),
            "approved_by": actor if is_person(actor) else None,
        }
        if to_repay > 0:
            partner = Partner.objects.select_related("student", "organisation").get(
                pk=locked.partner_id
            )
            payee = _payee_for(partner, actor)
            what = "Advance" if locked.is_advance else "Expenses"
            changes["ledger_entry"] = ledger_entry_record(
                actor=system_actor(f"expense claim approved by {actor}"),
                payee=payee,
                amount_pence=to_repay,
                kind=EntryKind.EXPENSES,
                description=f"{what}: {locked.purpose}"[:200],
                source_type=SOURCE_TYPE,
                source_id=str(locked.pk),
            )
        approved = CLAIM_WORKFLOW.apply(claim, "approve", actor=actor, changes=changes)
        if to_repay == 0:
            # Nothing more to repay: the partner spent no more than the advance.
            approved = CLAIM_WORKFLOW.apply(
                approved,
                "mark_paid",
                actor=actor,
                changes={"paid_on": approved.spent_on or timezone.localdate()},
            )
    for name in ("status", "approved_at", "approved_by", "ledger_entry", "paid_on"):
        setattr(claim, name, getattr(approved, name))
    return approved


def claim_query(*, actor: Any, claim: ExpenseClaim, note: str) -> ExpenseClaim:
    """The coordinator asks the partner about a submitted claim; the partner is told."""
    require_actor(actor)
    claim_policy.require(actor, DECIDE, claim)
    note = _clean_text(note, field="note", what="what you need to know", limit=NOTE_MAX)
    with transaction.atomic():
        queried = CLAIM_WORKFLOW.apply(
            claim, "query", actor=actor, reason=note, changes={"query_note": note}
        )
        user = claim.partner.student.user
        if user is not None:
            notify(
                template="partners/claim_queried",
                category=Category.UPDATES,
                user=user,
                context={"claim": queried, "note": note},
                link=reverse("partners:claim", kwargs={"claim_id": queried.pk}),
            )
    return queried


# --- Paid by a payment run -------------------------------------------------------------------


# A Bacs payment reaches the bank account on the day it is paid; a day's grace for the bank.
ARRIVAL_WORKING_DAYS = 1


def claims_paid_tell(*, run: PaymentRun) -> int:
    """Tell each student whose claims `run` paid: which of theirs, how much, and the day it
    should reach their bank (no one else's claims in their message). Run once per run, in the
    background, after `claims_paid_by_run` marked its claims paid. Returns how many were told."""
    claims = list(
        ExpenseClaim.objects.filter(status=ClaimStatus.PAID, ledger_entry__run_item__run=run)
        .select_related("ledger_entry", "partner__student__user")
        .order_by("spent_on", "created_at")
    )
    paid_on = run.paid_on or timezone.localdate()
    arrives_by = working_days_after(paid_on, ARRIVAL_WORKING_DAYS)
    by_partner: dict[Any, list[ExpenseClaim]] = defaultdict(list)
    for claim in claims:
        by_partner[claim.partner_id].append(claim)
    link = reverse("partners:my_claims")
    told = 0
    for own in by_partner.values():
        student = own[0].partner.student
        paid = [
            (claim.purpose, claim.ledger_entry.amount_pence if claim.ledger_entry else 0)
            for claim in own
        ]
        context = {
            "partner_name": student.display_name,
            "claims": [{"purpose": purpose, "amount": pounds(pence)} for purpose, pence in paid],
            "total": pounds(sum(pence for _, pence in paid)),
            "paid_on": f"{paid_on:%A %-d %B %Y}",
            "arrives_by": f"{arrives_by:%A %-d %B %Y}",
            "reference": run.reference,
        }
        if student.user_id is not None:
            notify(
                template="partners/claims_paid",
                category=Category.UPDATES,
                user=student.user,
                context=context,
                link=link,
            )
        elif student.email:
            notify(
                template="partners/claims_paid",
                category=Category.UPDATES,
                email=student.email,
                context=context,
            )
        else:
            continue
        told += 1
    return told


def claims_paid_by_run(run: PaymentRun) -> int:
    """Mark paid, on the run's date, every approved claim whose ledger entry the run pays: in
    bulk (the same few statements whatever the run's size: the audited update records an event
    for each claim, and each claim's move to paid is written to the workflow's history in
    batches). When it marked any, the students are told once it commits, in the background
    (`claims_paid_tell`): marking the run again marks nothing and tells nobody. Returns how
    many."""
    ids = [
        str(pk)
        for pk in ExpenseClaim.objects.filter(
            status=ClaimStatus.APPROVED, ledger_entry__run_item__run=run
        ).values_list("pk", flat=True)
    ]
    if not ids:
        return 0
    done = ExpenseClaim.objects.filter(pk__in=ids, status=ClaimStatus.APPROVED).update(
        status=ClaimStatus.PAID, paid_on=run.paid_on, updated_at=timezone.now()
    )
    context = request_context.current()
    person = run.marked_paid_by
    transition = CLAIM_WORKFLOW.transition("mark_paid")
    StateChange.objects.bulk_create(
        [
            StateChange(
                actor_id=getattr(person, "pk", None),
                actor_username=getattr(person, "username", "") or "",
                system_reason="" if person is not None else f"payment run {run.number} paid",
                source=context.source,
                request_id=context.request_id,
                object_type=ExpenseClaim._meta.label_lower,
                object_id=claim_id,
                field_name=CLAIM_WORKFLOW.field_name,
                transition=transition.name,
                from_state=str(ClaimStatus.APPROVED),
                to_state=transition.target,
                reason=f"Paid in payment run {run.number}",
            )
            for claim_id in ids
        ],
        batch_size=1000,
    )
    claims_paid_tell_queue(run)
    return int(done)


def on_run_marked_paid(sender: Any, run: PaymentRun, **kwargs: Any) -> None:
    claims_paid_by_run(run)
