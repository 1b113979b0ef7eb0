"""A payment run as a file for the finance system: CSV, one row per payee.

Layout (UTF-8 with a byte-order mark, comma-separated, CRLF line ends, a header row):

| column | holds |
| --- | --- |
| Payment run | the run's number |
| Payee ID | Widen's id of the payee (stable: the same person in every run) |
| Payee name | the person paid |
| Account name | the name on their bank account |
| Sort code | 6 digits, no dashes (`123456`) |
| Account number | 8 digits, with any leading 0s (`00733445`) |
| Amount | pounds and pence, no symbol or thousands separator (`1234.56`) |
| Amount in pence | the same amount in whole pence (`123456`) |
| Payment reference | on the payee's bank statement (`WIDEN PAY 0007`; 18 characters at most) |
| Entries | how many ledger entries the amount nets |

Sort codes and account numbers are text: a finance system should import them as text (a
spreadsheet opening the file would drop their leading 0s). Every cell is formula-safe
(`safe_cell`). No Bacs Standard 18 file is written: that format needs the organisation's Bacs
service user number and its bureau's own header and trailer rules, so the finance system, which
holds those, makes it from this file.
"""

from __future__ import annotations

from collections.abc import Iterator

from widen.core.spreadsheets import csv_download
from widen.payments.models import PaymentRun
from widen.payments.money import pounds_plain
from widen.payments.selectors import payment_run_lines

HEADER = (
    "Payment run",
    "Payee ID",
    "Payee name",
    "Account name",
    "Sort code",
    "Account number",
    "Amount",
    "Amount in pence",
    "Payment reference",
    "Entries",
)


def payment_run_rows(run: PaymentRun) -> Iterator[tuple[object, ...]]:
    yield HEADER
    for line in payment_run_lines(run):
        payee = line.payee
        yield (
            run.number,
            str(payee.pk),
            payee.name,
            payee.account_name,
            payee.sort_code,
            payee.account_number,
            pounds_plain(line.amount_pence),
            line.amount_pence,
            run.reference,
            line.entries,
        )


def payment_run_csv(run: PaymentRun) -> bytes:
    return csv_download(payment_run_rows(run))


def payment_run_file_name(run: PaymentRun) -> str:
    return f"payment-run-{run.number:04d}.csv"
