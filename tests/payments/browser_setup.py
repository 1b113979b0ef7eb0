"""Payments for the browser tests, made in the server's database.

Run as `python -m tests.payments.browser_setup FINANCE PAYEE` with the server's environment:
makes PAYEE a payee of FINANCE's organisation with bank details, records three amounts, pays
two of them in a run marked paid today and leaves the third in a draft run. Prints, as JSON,
the ids the tests open.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def make(finance_username: str, payee_username: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.accounts.models import Membership, User  # noqa: PLC0415
    from widen.payments.models import EntryKind, Payee  # noqa: PLC0415
    from widen.payments.services import (  # noqa: PLC0415
        ledger_entry_record,
        payee_bank_details_set,
        payee_create,
        payment_run_create,
        payment_run_export,
        payment_run_mark_paid,
    )

    system = system_actor("browser tests")
    organisation = Membership.objects.get(user__username=finance_username).organisation
    user = User.objects.get(username=payee_username)
    payee = Payee.objects.filter(organisation=organisation, user=user).first()
    if payee is None:
        payee = payee_create(actor=system, organisation=organisation, user=user)
    payee_bank_details_set(
        actor=system,
        payee=payee,
        account_name=payee.name,
        sort_code="40-47-84",
        account_number="70872490",
    )

    def record(pence: int, kind: str, description: str) -> Any:
        return ledger_entry_record(
            actor=system, payee=payee, amount_pence=pence, kind=kind, description=description
        )

    paid_entry = record(123456, EntryKind.PAY, "Summer school, 40 hours")
    record(2550, EntryKind.EXPENSES, "Train to Year 9 visit")
    paid_run = payment_run_create(actor=system, organisation=organisation).run
    payment_run_export(actor=system, run=paid_run)
    payment_run_mark_paid(actor=system, run=paid_run, paid_on=timezone.localdate())
    record(999, EntryKind.PAY, "Campus tour, 1 hour")
    draft_run = payment_run_create(actor=system, organisation=organisation).run
    return {
        "payee_id": str(payee.pk),
        "paid_entry_id": str(paid_entry.pk),
        "paid_run_id": str(paid_run.pk),
        "draft_run_id": str(draft_run.pk),
        "payee_name": payee.name,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1], sys.argv[2])))
