"""What schemes offer their members, for the accessibility check (`tests/browser/
test_accessibility.py` adds them to its PAGES): a scheme's Benefits page, with its take-up and
the form to add one (and its errors), changing a benefit, as the demo's QMUL outreach officer;
and a member's "What my schemes offer" and booking a members-only event, signed in by a link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened, refused

STAFF = "outreach"
EMAIL = "kemi.adebayo.benefits@students.example.ac.uk"


def benefits(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.support.benefits_browser_setup", STAFF, then=(EMAIL,))


def scheme_benefits(browse: Browse) -> Page:
    made = benefits(browse.site)
    page = opened(
        browse.as_person(STAFF),
        f"/support/schemes/{made['scheme_id']}/benefits/",
        f"Benefits of {made['scheme_name']}",
    )
    expect(page.get_by_text("Took it up: 8 of 12 members.")).to_be_visible()
    return page


def scheme_benefits_with_errors(browse: Browse) -> Page:
    page = scheme_benefits(browse)
    page.get_by_label("Opportunity", exact=True).check()
    return refused(page, "Add the benefit", "Give the benefit a title members will recognise.")


def change_a_benefit(browse: Browse) -> Page:
    made = benefits(browse.site)
    return opened(
        browse.as_person(STAFF),
        f"/support/schemes/{made['scheme_id']}/benefits/{made['benefit_id']}/",
        f"Change {made['benefit_title']}",
    )


def what_my_schemes_offer(browse: Browse) -> Page:
    benefits(browse.site)
    page = opened(
        as_student_by_link(browse, EMAIL), "/support/mine/benefits/", "What my schemes offer"
    )
    expect(
        page.get_by_role("button", name="Count me in for Paid summer internships")
    ).to_be_visible()
    return page


def book_a_members_only_event(browse: Browse) -> Page:
    made = benefits(browse.site)
    return opened(
        as_student_by_link(browse, EMAIL),
        f"/support/mine/benefits/{made['event_benefit_id']}/book/",
        f"Book {made['event_title']}",
    )


SUPPORT_BENEFITS_PAGES: dict[str, Callable[[Browse], Page]] = {
    "benefits of a support scheme": scheme_benefits,
    "benefits of a support scheme, with errors": scheme_benefits_with_errors,
    "change a benefit": change_a_benefit,
    "what my schemes offer": what_my_schemes_offer,
    "book a members-only event": book_a_members_only_event,
}
