"""The hours and pay pages of student partners, for the accessibility check
(`tests/browser/test_accessibility.py` adds them to its PAGES): a student's timesheets, a
timesheet, correcting and adding a line, and what they will be paid and when, opened as a
student signed in by a link; and the coordinator's pay periods, a period's approvals queue and a
timesheet to approve, opened as the demo's QMUL outreach officer, who coordinates QMUL's."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened, opener, refused

COORDINATOR = "outreach"
# Each server's student is signed in once (by a link sent to their address); later pages reuse
# the session.
_EMAILS: dict[str, str] = {}


def timesheets(site: Site) -> dict[str, Any]:
    email = _EMAILS.setdefault(
        site.base_url, f"samira.{secrets.token_hex(3)}@students.example.ac.uk"
    )
    return made_for(site, "tests.partners.timesheets_browser_setup", COORDINATOR, then=(email,))


def as_student(browse: Browse) -> Page:
    return as_student_by_link(browse, timesheets(browse.site)["email"])


def _student_opener(path: str, heading: str) -> Callable[[Browse], Page]:
    def open_page(browse: Browse) -> Page:
        page = as_student(browse)
        facts = timesheets(browse.site)
        return opened(page, path.format_map(facts), heading.format_map(facts))

    return open_page


my_timesheets = _student_opener("/partners/timesheets/", "My timesheets")
my_timesheet = _student_opener("/partners/timesheets/{timesheet_id}/", "Timesheet for {pay_period}")
correct_a_line = _student_opener(
    "/partners/timesheets/{timesheet_id}/lines/{line_id}/", "Correct the time of Campus tour"
)
add_a_line = _student_opener(
    "/partners/timesheets/{timesheet_id}/add/", "Add work that was not on a shift"
)
my_pay = _student_opener("/partners/pay/", "What I will be paid and when")


def correct_a_line_with_an_error(browse: Browse) -> Page:
    return refused(
        correct_a_line(browse),
        "Save the time",
        "Say what was different",
        filled={"Minutes worked": "200"},
    )


def add_a_line_with_errors(browse: Browse) -> Page:
    return refused(add_a_line(browse), "Add to my timesheet", "Enter the day you worked")


pay_periods = opener(timesheets, "/partners/pay-periods/", "Pay periods", person=COORDINATOR)
add_a_pay_period = opener(
    timesheets, "/partners/pay-periods/new/", "Add a pay period", person=COORDINATOR
)


def add_a_pay_period_with_an_error(browse: Browse) -> Page:
    return refused(add_a_pay_period(browse), "Add pay period", "Enter the first day")


def pay_period(browse: Browse) -> Page:
    facts = timesheets(browse.site)
    page = opened(
        browse.as_person(COORDINATOR),
        f"/partners/pay-periods/{facts['pay_period_id']}/",
        f"Pay period {facts['pay_period']}",
    )
    expect(page.get_by_role("button", name="Draft timesheets from worked shifts")).to_be_visible()
    return page


timesheet_to_approve = opener(
    timesheets,
    "/partners/pay-periods/timesheets/{confirmed_id}/",
    "Timesheet of {confirmed_name}",
    person=COORDINATOR,
)

TIMESHEET_PAGES: dict[str, Callable[[Browse], Page]] = {
    "my timesheets": my_timesheets,
    "my timesheet": my_timesheet,
    "correct a timesheet line": correct_a_line,
    "correct a timesheet line, with an error": correct_a_line_with_an_error,
    "add work to a timesheet": add_a_line,
    "add work to a timesheet, with errors": add_a_line_with_errors,
    "what I will be paid and when": my_pay,
    "pay periods": pay_periods,
    "add a pay period": add_a_pay_period,
    "add a pay period, with an error": add_a_pay_period_with_an_error,
    "a pay period's timesheets": pay_period,
    "a timesheet to approve": timesheet_to_approve,
}
