"""Roles, applications and onboarding checks, for the accessibility check
(`tests/browser/test_accessibility.py` adds them to its PAGES): a student's own pages, opened
signed in by a link as they are, and a coordinator's, as the demo's QMUL outreach officer (who
coordinates QMUL's student partners)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened, opener, refused

STAFF = "outreach"
EMAIL = "nia.campbell.applicant@students.example.ac.uk"


def roles(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.partners.roles_browser_setup", STAFF, then=(EMAIL,))


def as_student(browse: Browse) -> Page:
    """A page signed in as the applicant, by a link e-mailed to them (once per server: later
    pages reuse the session)."""
    roles(browse.site)
    return as_student_by_link(browse, EMAIL)


def roles_to_apply_for(browse: Browse) -> Page:
    page = opened(as_student(browse), "/partners/my/roles/", "Roles you can apply for")
    expect(page.get_by_role("heading", name="Co-researcher")).to_be_visible()
    return page


def apply_for_a_role(browse: Browse) -> Page:
    made = roles(browse.site)
    return opened(
        as_student(browse),
        f"/partners/my/roles/{made['apply_role_id']}/apply/",
        f"Apply to be {made['apply_role_title']}",
    )


def apply_for_a_role_with_an_error(browse: Browse) -> Page:
    made = roles(browse.site)
    page = opened(
        as_student(browse),
        f"/partners/my/roles/{made['refused_role_id']}/apply/",
        f"Apply to be {made['refused_role_title']}",
    )
    return refused(page, "Send application", "Say why you would like this role")


def my_applications(browse: Browse) -> Page:
    page = opened(as_student(browse), "/partners/my/applications/", "My applications")
    expect(page.get_by_role("cell", name="Campus tour ambassador", exact=True)).to_be_visible()
    return page


def my_draft_application(browse: Browse) -> Page:
    made = roles(browse.site)
    page = opened(
        as_student(browse),
        f"/partners/my/applications/{made['draft_id']}/",
        f"Your application to {made['role_title']}",
    )
    expect(page.get_by_label("Why this role?")).to_have_value("I enjoyed my own visit.")
    return page


roles_list = opener(roles, "/partners/roles/", "Roles for student partners", person=STAFF)
add_a_role = opener(roles, "/partners/roles/new/", "Add a role", person=STAFF)


def add_a_role_with_an_error(browse: Browse) -> Page:
    page = add_a_role(browse)
    page.get_by_label("Ambassador").check()
    return refused(
        page,
        "Add role",
        "below the National Minimum Wage",
        filled={
            "Title": "Open day helper",
            "What the work involves": "Helping at open days.",
            "Hourly rate in pounds": "5.00",
        },
    )


change_a_role = opener(
    roles, "/partners/roles/{role_id}/edit/", "Change the role {role_title}", person=STAFF
)
applications_queue = opener(
    roles, "/partners/applications/", "Applications to decide", person=STAFF
)
an_application = opener(
    roles,
    "/partners/applications/{application_id}/",
    "Application of {applicant_name}",
    person=STAFF,
)


def an_application_with_an_error(browse: Browse) -> Page:
    page = an_application(browse)
    page.get_by_label("Do not offer the role").check()
    return refused(page, "Save decision", "Say why the role is not offered")


partners_list = opener(roles, "/partners/partners/", "Student partners", person=STAFF)


def a_partner(browse: Browse) -> Page:
    made = roles(browse.site)
    page = opened(
        browse.as_person(STAFF),
        f"/partners/partners/{made['partner_id']}/",
        f"{made['partner_name']}, student partner",
    )
    expect(page.get_by_text("Expires in 20 days")).to_be_visible()
    return page


def record_a_check_with_an_error(browse: Browse) -> Page:
    return refused(a_partner(browse), "Record check", "Choose the check")


PARTNER_ROLES_PAGES: dict[str, Callable[[Browse], Page]] = {
    "roles you can apply for": roles_to_apply_for,
    "apply for a role": apply_for_a_role,
    "apply for a role, with an error": apply_for_a_role_with_an_error,
    "my applications": my_applications,
    "my draft application": my_draft_application,
    "roles for student partners": roles_list,
    "add a role": add_a_role,
    "add a role, with an error": add_a_role_with_an_error,
    "change a role": change_a_role,
    "applications to decide": applications_queue,
    "an application": an_application,
    "an application, with an error": an_application_with_an_error,
    "student partners": partners_list,
    "a student partner": a_partner,
    "record a check, with an error": record_a_check_with_an_error,
}
