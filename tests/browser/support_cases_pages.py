"""1-2-1 casework, for the accessibility check (`tests/browser/test_accessibility.py` adds them
to its PAGES): an adviser's lists, caseload, a case with its timeline and forms (and a form sent
with a problem), opening a case, the appointments and one to book; a student's own cases and
asking for an appointment, signed in by a link as they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened, refused

ADVISER = "adviser"
EMAIL = "jade.okonkwo.cases@students.example.ac.uk"


def cases(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.support.cases_browser_setup", ADVISER, then=(EMAIL,))


def my_cases(browse: Browse) -> Page:
    cases(browse.site)
    page = opened(browse.as_person(ADVISER), "/support/cases/", "My cases")
    expect(page.get_by_role("link", name="Jade Okonkwo")).to_be_visible()
    return page


def caseload(browse: Browse) -> Page:
    cases(browse.site)
    return opened(browse.as_person(ADVISER), "/support/cases/caseload/", "Caseload")


def open_a_case(browse: Browse) -> Page:
    return opened(browse.as_person(ADVISER), "/support/cases/new/", "Open a case")


def open_a_case_with_errors(browse: Browse) -> Page:
    return refused(open_a_case(browse), "Open the case", "Enter the student's number.")


def a_case(browse: Browse) -> Page:
    made = cases(browse.site)
    page = opened(
        browse.as_person(ADVISER),
        f"/support/cases/{made['case_id']}/",
        "Jade Okonkwo: accommodation",
    )
    expect(page.get_by_text("<b>kept the deposit</b>", exact=False)).to_be_visible()
    return page


def a_case_closed_without_an_outcome(browse: Browse) -> Page:
    return refused(a_case(browse), "Close the case", "Say how the case ended")


def appointments(browse: Browse) -> Page:
    cases(browse.site)
    page = opened(browse.as_person(ADVISER), "/support/appointments/", "Appointments")
    expect(page.get_by_role("link", name="Farah Haddad")).to_be_visible()
    return page


def an_appointment_request(browse: Browse) -> Page:
    made = cases(browse.site)
    return opened(
        browse.as_person(ADVISER),
        f"/support/appointments/{made['appointment_id']}/",
        "Farah Haddad: funding and money",
    )


def student_cases(browse: Browse) -> Page:
    cases(browse.site)
    page = opened(as_student_by_link(browse, EMAIL), "/support/mine/cases/", "My support cases")
    expect(page.get_by_text("365-day place", exact=False)).to_be_visible()
    expect(page.get_by_text("kept the deposit", exact=False)).to_have_count(0)
    return page


def ask_for_an_appointment(browse: Browse) -> Page:
    cases(browse.site)
    return opened(
        as_student_by_link(browse, EMAIL),
        "/support/mine/cases/appointment/",
        "Ask for an appointment",
    )


def ask_for_an_appointment_with_errors(browse: Browse) -> Page:
    return refused(
        ask_for_an_appointment(browse),
        "Send the request",
        "Say a little about what you would like help with.",
    )


SUPPORT_CASES_PAGES: dict[str, Callable[[Browse], Page]] = {
    "my support cases (adviser)": my_cases,
    "caseload": caseload,
    "open a support case": open_a_case,
    "open a support case, with errors": open_a_case_with_errors,
    "a support case": a_case,
    "a support case, closed without an outcome": a_case_closed_without_an_outcome,
    "support appointments": appointments,
    "a support appointment request": an_appointment_request,
    "a student's support cases": student_cases,
    "ask for a support appointment": ask_for_an_appointment,
    "ask for a support appointment, with errors": ask_for_an_appointment_with_errors,
}
