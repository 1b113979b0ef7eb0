"""The payments pages, opened as a payee and as finance open them, for the accessibility check
(`tests/browser/test_accessibility.py` adds them to its PAGES)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, made_for, opened, opener, refused

FINANCE = "admin"  # the demo's QMUL partnership admin manages its payments
PAYEE = "outreach"  # the demo's QMUL outreach officer is paid by QMUL too


def payments(site: Site) -> dict[str, Any]:
    """A payee with a paid run and a draft run (made once per server)."""
    return made_for(site, "tests.payments.browser_setup", FINANCE, PAYEE)


def my_payments(browse: Browse) -> Page:
    payments(browse.site)
    page = opened(browse.as_person(PAYEE), "/payments/", "My payments")
    expect(page.get_by_role("cell", name="£1,234.56")).to_be_visible()
    return page


def my_payments_for_someone_paid_by_nobody(browse: Browse) -> Page:
    return opened(browse.as_person("partner"), "/payments/", "My payments")


one_payment = opener(
    payments, "/payments/{paid_entry_id}/", "Summer school, 40 hours", person=PAYEE
)
bank_details = opener(
    payments,
    "/payments/payees/{payee_id}/bank-details/",
    "Bank details for {payee_name}",
    person=PAYEE,
)


def bank_details_with_errors(browse: Browse) -> Page:
    return refused(
        bank_details(browse),
        "Save bank details",
        "Enter a sort code of 6 digits",
        filled={
            "Name on the account": "Sam Student",
            "Sort code": "12-34",
            "Account number": "1234567890",
        },
    )


payees = opener(payments, "/payments/payees/", "Payees", person=FINANCE)
payment_runs = opener(payments, "/payments/runs/", "Payment runs", person=FINANCE)


def payment_runs_with_an_error(browse: Browse) -> Page:
    page = payment_runs(browse)
    return refused(page, "Make the run")


def paid_run(browse: Browse) -> Page:
    made = payments(browse.site)
    page = browse.as_person(FINANCE)
    page.goto(f"/payments/runs/{made['paid_run_id']}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Payment run")
    return page


def draft_run(browse: Browse) -> Page:
    made = payments(browse.site)
    page = browse.as_person(FINANCE)
    page.goto(f"/payments/runs/{made['draft_run_id']}/")
    expect(page.get_by_role("button", name="Export the run")).to_be_visible()
    return page


def exported_run_with_an_error(browse: Browse) -> Page:
    page = draft_run(browse)
    page.get_by_role("button", name="Export the run").click()
    page.get_by_label("Date paid").fill("2099-01-01")
    return refused(page, "Mark paid", "cannot be in the future")


PAYMENTS_PAGES: dict[str, Callable[[Browse], Page]] = {
    "My payments": my_payments,
    "My payments, paid by nobody": my_payments_for_someone_paid_by_nobody,
    "One payment": one_payment,
    "Bank details": bank_details,
    "Bank details, with errors": bank_details_with_errors,
    "Payees": payees,
    "Payment runs": payment_runs,
    "Payment runs, with an error": payment_runs_with_an_error,
    "A paid payment run": paid_run,
    "A draft payment run": draft_run,
    "An exported payment run, with an error": exported_run_with_an_error,
}
