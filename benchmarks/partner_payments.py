"""A payment run of student partners' expense claims, at a provider's busiest.

Alpha University has 20,000 approved expense claims (2,000 with --quick) from 2,000 partners
(200), of varied amounts (a bus fare to a conference's mileage), each with its ledger entry and
every partner with bank details. Through the services finance's pages use:

* `build`: gathering every entry still to be paid into a draft run (one line per partner), beside
  the bare query summing the open entries per payee;
* `mark paid`: exporting the run and marking it paid, which marks every claim it pays paid on
  the run's date, in bulk, beside the bare unaudited update of the same claims. Its SQL
  statements must not grow with the claims (no query per claim), and every claim must end paid:
  a failure of the run otherwise.

Each case runs once on its own data (a run is paid once): the table shows that one timing.
"""

from __future__ import annotations

import math
import random
import time
import uuid
from datetime import timedelta

from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.harness import SectionRun
from benchmarks.seeding import unaudited
from benchmarks.world import build_partnership
from widen.accounts.capabilities import system_actor
from widen.accounts.models import User
from widen.audit.models import AuditEvent, StateChange
from widen.core import request_context
from widen.organisations.models import Organisation
from widen.partners.models import ClaimStatus, ExpenseClaim, Partner
from widen.payments.models import EntryKind, LedgerEntry, Payee
from widen.payments.services import (
    payment_run_create,
    payment_run_export,
    payment_run_mark_paid,
)
from widen.students.models import Student

CLAIMS, QUICK_CLAIMS = 20_000, 2_000
CLAIMS_PER_PARTNER = 10
# The most statements marking a run paid may send, whatever its size (batches of audit rows
# aside, which grow by thousands of claims, not one by one).
MOST_STATEMENTS_PER_THOUSAND = 5
FIXED_STATEMENTS = 60
PURPOSES = ("Bus to the open day", "Mileage to a school", "Train to the conference",
            "Parking at the school visit", "Lunch at the careers fair")  # fmt: skip
BATCH = 2000


def _most_statements(claims: int) -> int:
    """The most statements marking `claims` claims paid may send: a fixed few, a few per
    thousand, and the batches of audit and history rows, which SQLite makes small (a statement
    holds at most 999 values there)."""
    row_batches = sum(
        math.ceil(
            claims
            / connection.ops.bulk_batch_size(list(model._meta.concrete_fields), [None] * claims)
        )
        for model in (AuditEvent, StateChange)
    )
    return FIXED_STATEMENTS + MOST_STATEMENTS_PER_THOUSAND * (claims // 1000) + row_batches


def run(bench: SectionRun) -> None:
    rng = random.Random(17)
    claims = QUICK_CLAIMS if bench.options.quick else CLAIMS
    bench.unit = "claims"
    bench.scale = claims
    bench.baseline_heading = "bare query ms"
    with bench.stopwatch("seed partnership and people"):
        world = build_partnership()
    finance = system_actor("benchmark: finance pays the partners' claims")
    with request_context.bind(actor=finance, source="cli"):
        with bench.stopwatch("seed claims, entries, partners and payees"):
            _seed(rng, world.alpha, claims)
        bench.say(f"payment run of {claims:,} approved claims")
        _measure(bench, world.alpha, claims, finance)
    bench.count_rows(claims=ExpenseClaim, entries=LedgerEntry, payees=Payee)


def _seed(rng: random.Random, provider: Organisation, claims: int) -> None:
    """`claims` approved claims of `claims / 10` partners, each with its ledger entry."""
    partners = max(1, claims // CLAIMS_PER_PARTNER)
    users = User.objects.bulk_create(
        [
            User(username=f"partner{index:06d}.bench", email=f"p{index:06d}@students.example")
            for index in range(partners)
        ],
        batch_size=BATCH,
    )
    payees = Payee.objects.bulk_create(
        [
            Payee(
                organisation=provider,
                user=user,
                name=f"Partner {index:06d}",
                account_name=f"Partner {index:06d}",
                sort_code=f"{rng.randint(100000, 999999)}",
                account_number=f"{rng.randint(10_000_000, 99_999_999)}",
            )
            for index, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    students = unaudited(Student).bulk_create(
        [
            Student(
                organisation=provider,
                student_number=f"P{index:06d}",
                first_name="Partner",
                last_name=f"{index:06d}",
                user=user,
            )
            for index, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    partner_rows = unaudited(Partner).bulk_create(
        [
            Partner(organisation=provider, student=student, payee=payee)
            for student, payee in zip(students, payees, strict=True)
        ],
        batch_size=BATCH,
    )
    today = timezone.localdate()
    entries: list[LedgerEntry] = []
    rows: list[ExpenseClaim] = []
    for index in range(claims):
        partner = partner_rows[rng.randrange(partners)]
        amount = rng.choice((180, 250, 450, 600, 1290, 2340, 4505)) + rng.randrange(100)
        claim_id = uuid.uuid4()
        purpose = rng.choice(PURPOSES)
        entry = LedgerEntry(
            payee=partner.payee,
            amount_pence=amount,
            kind=EntryKind.EXPENSES,
            description=f"Expenses: {purpose}",
            source_type="partners.expenseclaim",
            source_id=str(claim_id),
            recorded_by_name="Widen (benchmark)",
        )
        entries.append(entry)
        rows.append(
            ExpenseClaim(
                id=claim_id,
                organisation=provider,
                partner=partner,
                status=ClaimStatus.APPROVED,
                purpose=f"{purpose} {index}",
                spent_on=today - timedelta(days=rng.randint(1, 30)),
                total_pence=amount,
                submitted_at=timezone.now(),
                approved_at=timezone.now(),
                ledger_entry=entry,
            )
        )
    LedgerEntry.objects.bulk_create(entries, batch_size=BATCH)
    unaudited(ExpenseClaim).bulk_create(rows, batch_size=BATCH)


def _timed(call: object) -> tuple[float, int, object]:
    """Seconds, SQL statements and the answer of one run of `call`."""
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        answer = call()  # type: ignore[operator]
        seconds = time.perf_counter() - started
    return seconds, len(captured.captured_queries), answer


def _measure(bench: SectionRun, provider: Organisation, claims: int, finance: object) -> None:
    def bare_sum() -> object:
        return list(
            LedgerEntry.objects.filter(payee__organisation=provider, run_item__isnull=True)
            .values("payee_id")
            .annotate(total=Sum("amount_pence"))
        )

    bare = bench.time(bare_sum, repeats=3, warmup=1)
    seconds, queries, made = _timed(
        lambda: payment_run_create(actor=finance, organisation=provider)
    )
    paid_run = made.run  # type: ignore[attr-defined]
    bench.record_rows(
        f"build a payment run of {claims:,} approved claims",
        claims,
        seconds,
        queries=queries,
        baseline=bare,
        baseline_label="open entries summed per payee",
        details={"payees": paid_run.payee_count},
    )
    payment_run_export(actor=finance, run=paid_run)
    ids = list(
        ExpenseClaim.objects.filter(ledger_entry__run_item__run=paid_run).values_list(
            "pk", flat=True
        )
    )
    today = timezone.localdate()

    def bare_update() -> object:
        return unaudited(ExpenseClaim).filter(pk__in=ids).update(paid_on=today)

    bare_mark = bench.time(bare_update, repeats=3, warmup=1)
    seconds, queries, _ = _timed(
        lambda: payment_run_mark_paid(actor=finance, run=paid_run, paid_on=today)
    )
    bench.record_rows(
        f"mark the run paid: {claims:,} claims marked paid",
        claims,
        seconds,
        queries=queries,
        baseline=bare_mark,
        baseline_label=f"unaudited update of {claims:,} claims",
    )
    paid = ExpenseClaim.objects.filter(status=ClaimStatus.PAID, paid_on=today).count()
    if paid != claims:
        bench.failures.append(f"marking the run paid left {claims - paid:,} claims unpaid")
    if queries > _most_statements(claims):
        bench.failures.append(
            f"marking a run of {claims:,} claims paid sent {queries} SQL statements: "
            "a query per claim?"
        )
