"""Student support schemes, for the accessibility check (`tests/browser/test_accessibility.py`
adds them to its PAGES): the pages of someone who manages a provider's schemes, as the demo's
QMUL outreach officer, and a student's own schemes, opened signed in by a link as they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened, opener, refused

STAFF = "outreach"
EMAIL = "kemi.adebayo.member@students.example.ac.uk"


def scheme(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.support.schemes_browser_setup", STAFF)


def support_schemes(browse: Browse) -> Page:
    scheme(browse.site)
    page = opened(browse.as_person(STAFF), "/support/schemes/", "Support schemes")
    expect(page.get_by_role("link", name="First in family bursary")).to_be_visible()
    return page


new_scheme = opener(scheme, "/support/schemes/new/", "New support scheme", person=STAFF)


def new_scheme_with_errors(browse: Browse) -> Page:
    return refused(new_scheme(browse), "Save", "Enter a name for the scheme.")


def a_scheme(browse: Browse) -> Page:
    made = scheme(browse.site)
    page = opened(
        browse.as_person(STAFF), f"/support/schemes/{made['scheme_id']}/", made["scheme_name"]
    )
    expect(page.get_by_role("cell", name="Amara Osei")).to_be_visible()
    return page


who_a_scheme_is_for = opener(
    scheme, "/support/schemes/{scheme_id}/rules/", "Who {scheme_name} is for", person=STAFF
)


def who_a_scheme_is_for_previewed(browse: Browse) -> Page:
    page = who_a_scheme_is_for(browse)
    page.get_by_role("button", name="Preview changes").click()
    expect(page.get_by_role("heading", name="If you save this")).to_be_visible()
    return page


def memberships(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.support.memberships_browser_setup", STAFF, then=(EMAIL,))


def as_student(browse: Browse) -> Page:
    memberships(browse.site)
    return as_student_by_link(browse, EMAIL)


def scheme_members(browse: Browse) -> Page:
    made = memberships(browse.site)
    page = opened(
        browse.as_person(STAFF),
        f"/support/schemes/{made['scheme_id']}/members/",
        f"Members of {made['scheme_name']}",
    )
    expect(page.get_by_role("cell", name="Rhys Morgan", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Accept Lena Fischer")).to_be_visible()
    return page


def scheme_outcomes(browse: Browse) -> Page:
    made = memberships(browse.site)
    page = opened(
        browse.as_person(STAFF),
        f"/support/schemes/{made['scheme_id']}/outcomes/",
        f"Outcomes of {made['scheme_name']}",
    )
    expect(page.get_by_role("heading", name="Continuation")).to_be_visible()
    return page


def my_support_schemes(browse: Browse) -> Page:
    page = opened(as_student(browse), "/support/mine/", "My support schemes")
    expect(page.get_by_role("heading", name="First in family mentoring")).to_be_visible()
    expect(page.get_by_role("button", name="Join First in family mentoring")).to_be_visible()
    return page


def leave_a_support_scheme(browse: Browse) -> Page:
    made = memberships(browse.site)
    return opened(
        as_student(browse),
        f"/support/mine/{made['member_id']}/leave/",
        f"Leave {made['member_scheme_name']}?",
    )


def ask_to_join_a_support_scheme(browse: Browse) -> Page:
    made = memberships(browse.site)
    return opened(
        as_student(browse),
        f"/support/mine/apply/{made['open_scheme_id']}/",
        f"Ask to join {made['open_scheme_name']}",
    )


def ask_to_join_a_support_scheme_with_an_error(browse: Browse) -> Page:
    return refused(ask_to_join_a_support_scheme(browse), "Send", "Say why you are eligible")


SUPPORT_PAGES: dict[str, Callable[[Browse], Page]] = {
    "support schemes": support_schemes,
    "new support scheme": new_scheme,
    "new support scheme, with errors": new_scheme_with_errors,
    "a support scheme": a_scheme,
    "who a support scheme is for": who_a_scheme_is_for,
    "who a support scheme is for, previewed": who_a_scheme_is_for_previewed,
    "members of a support scheme": scheme_members,
    "outcomes of a support scheme": scheme_outcomes,
    "my support schemes": my_support_schemes,
    "leave a support scheme": leave_a_support_scheme,
    "ask to join a support scheme": ask_to_join_a_support_scheme,
    "ask to join a support scheme, with errors": ask_to_join_a_support_scheme_with_an_error,
}
