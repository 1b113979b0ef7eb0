"""Flexibility plans and the barriers register, for the accessibility check
(`tests/browser/test_accessibility.py` adds them to its PAGES): a student partner's own pages,
opened signed in by a link as they are, and a coordinator's, as the demo's QMUL outreach officer
(who coordinates QMUL's student partners)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened, opener, refused

STAFF = "outreach"
EMAIL = "amara.osei.partner@students.example.ac.uk"


def partner(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.partners.plans_browser_setup", STAFF, then=(EMAIL,))


def as_student(browse: Browse) -> Page:
    """A page signed in as the partner, by a link e-mailed to them (once per server: later
    pages reuse the session)."""
    partner(browse.site)
    return as_student_by_link(browse, EMAIL)


def my_plan(browse: Browse) -> Page:
    page = opened(as_student(browse), "/partners/my/plan/", "My plan")
    expect(page.get_by_text("No early starts on Mondays")).to_be_visible()
    return page


def change_my_plan(browse: Browse) -> Page:
    made = partner(browse.site)
    return opened(
        as_student(browse), f"/partners/my/{made['partner_id']}/plan/edit/", "Change my plan"
    )


def change_my_plan_with_an_error(browse: Browse) -> Page:
    page = change_my_plan(browse)
    page.locator("#id_windows-0-ends_at").fill("12:00")
    return refused(page, "Save my plan", "The time you finish must be after the time you start")


def add_a_one_off_change(browse: Browse) -> Page:
    made = partner(browse.site)
    return opened(
        as_student(browse),
        f"/partners/my/{made['partner_id']}/plan/changes/new/",
        "Add a one-off change",
    )


def add_a_one_off_change_with_an_error(browse: Browse) -> Page:
    return refused(add_a_one_off_change(browse), "Add the change", "Give the date")


def my_barriers(browse: Browse) -> Page:
    page = opened(as_student(browse), "/partners/my/barriers/", "Barriers")
    expect(page.get_by_text("Move the first tour to 09:30")).to_be_visible()
    return page


def raise_a_barrier(browse: Browse) -> Page:
    made = partner(browse.site)
    return opened(
        as_student(browse), f"/partners/my/{made['partner_id']}/barriers/new/", "Raise a barrier"
    )


def raise_a_barrier_with_errors(browse: Browse) -> Page:
    return refused(raise_a_barrier(browse), "Raise the barrier", "Give the barrier a title")


partner_plan = opener(
    partner, "/partners/partners/{partner_id}/plan/", "Plan of {partner_name}", person=STAFF
)
barriers_register = opener(
    partner,
    "/partners/providers/{organisation_id}/barriers/",
    "Barriers register of {organisation_name}",
    person=STAFF,
)
add_a_barrier_from_a_workshop = opener(
    partner,
    "/partners/providers/{organisation_id}/barriers/new/",
    "Add a barrier from a workshop",
    person=STAFF,
)
a_barrier = opener(partner, "/partners/barriers/{barrier_id}/", "{barrier_title}", person=STAFF)


def a_barrier_with_an_error(browse: Browse) -> Page:
    page = a_barrier(browse)
    page.get_by_role("combobox", name="Status").select_option(
        label="Not being done (with the reason)"
    )
    page.get_by_label("Response to partners").fill("")
    return refused(page, "Save", "Say in the response why this is not being done")


add_a_mitigation = opener(
    partner, "/partners/barriers/{barrier_id}/mitigations/new/", "Add a mitigation", person=STAFF
)


def add_a_mitigation_with_errors(browse: Browse) -> Page:
    return refused(add_a_mitigation(browse), "Add the mitigation", "Say what is being done")


change_a_mitigation = opener(
    partner, "/partners/mitigations/{mitigation_id}/", "Change a mitigation", person=STAFF
)

PARTNER_PLAN_PAGES: dict[str, Callable[[Browse], Page]] = {
    "my plan": my_plan,
    "change my plan": change_my_plan,
    "change my plan, with an error": change_my_plan_with_an_error,
    "add a one-off change": add_a_one_off_change,
    "add a one-off change, with an error": add_a_one_off_change_with_an_error,
    "barriers": my_barriers,
    "raise a barrier": raise_a_barrier,
    "raise a barrier, with errors": raise_a_barrier_with_errors,
    "a partner's plan": partner_plan,
    "barriers register": barriers_register,
    "add a barrier from a workshop": add_a_barrier_from_a_workshop,
    "a barrier": a_barrier,
    "a barrier, with an error": a_barrier_with_an_error,
    "add a mitigation": add_a_mitigation,
    "add a mitigation, with errors": add_a_mitigation_with_errors,
    "change a mitigation": change_a_mitigation,
}
