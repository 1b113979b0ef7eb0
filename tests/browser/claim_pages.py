"""The expense claims pages of student partners, for the accessibility check
(`tests/browser/test_accessibility.py` adds them to its PAGES): a student's claims and advances,
making a claim, a claim with its costs (adding one), asking for an advance and reconciling one,
opened as a student signed in by a link; and the coordinator's claims queue, a claim to decide
and the days-out-of-pocket report, opened as the demo's QMUL outreach officer."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened, opener, refused

COORDINATOR = "outreach"
_EMAILS: dict[str, str] = {}


def claims(site: Site) -> dict[str, Any]:
    email = _EMAILS.setdefault(
        site.base_url, f"priya.{secrets.token_hex(3)}@students.example.ac.uk"
    )
    return made_for(site, "tests.partners.claims_browser_setup", COORDINATOR, then=(email,))


def as_student(browse: Browse) -> Page:
    return as_student_by_link(browse, claims(browse.site)["email"])


def _student_opener(path: str, heading: str) -> Callable[[Browse], Page]:
    def open_page(browse: Browse) -> Page:
        page = as_student(browse)
        facts = claims(browse.site)
        return opened(page, path.format_map(facts), heading.format_map(facts))

    return open_page


my_claims = _student_opener("/partners/claims/mine/", "My claims and advances")
make_a_claim = _student_opener("/partners/claims/new/", "Make a claim")
a_draft_claim = _student_opener("/partners/claims/{draft_id}/", "{draft}")
ask_for_an_advance = _student_opener("/partners/advances/new/", "Ask for an advance")
reconcile_an_advance = _student_opener(
    "/partners/advances/{advance_id}/reconcile/", "What you spent from your advance"
)


def make_a_claim_with_an_error(browse: Browse) -> Page:
    return refused(make_a_claim(browse), "Start the claim", "Say what the money is for")


def add_a_cost_with_errors(browse: Browse) -> Page:
    return refused(a_draft_claim(browse), "Add this cost", "Enter the day you paid")


def ask_for_an_advance_with_errors(browse: Browse) -> Page:
    return refused(ask_for_an_advance(browse), "Ask for the advance", "Enter how much you need")


claims_queue = opener(claims, "/partners/claims/", "Expense claims", person=COORDINATOR)
a_claim_to_decide = opener(claims, "/partners/claims/{sent_id}/", "{sent}", person=COORDINATOR)
days_out_of_pocket = opener(
    claims, "/partners/claims/days-out-of-pocket/", "Days out of pocket", person=COORDINATOR
)

CLAIM_PAGES: dict[str, Callable[[Browse], Page]] = {
    "my claims and advances": my_claims,
    "make a claim": make_a_claim,
    "make a claim, with an error": make_a_claim_with_an_error,
    "a draft claim and its costs": a_draft_claim,
    "add a cost to a claim, with errors": add_a_cost_with_errors,
    "ask for an advance": ask_for_an_advance,
    "ask for an advance, with errors": ask_for_an_advance_with_errors,
    "reconcile an advance": reconcile_an_advance,
    "expense claims queue": claims_queue,
    "an expense claim to decide": a_claim_to_decide,
    "days out of pocket": days_out_of_pocket,
}
