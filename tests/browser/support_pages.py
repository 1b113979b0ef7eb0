"""Student support schemes, for the accessibility check (`tests/browser/test_accessibility.py`
adds them to its PAGES): the pages of someone who manages a provider's schemes, as the demo's
QMUL outreach officer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, made_for, opened, opener, refused

STAFF = "outreach"


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


SUPPORT_PAGES: dict[str, Callable[[Browse], Page]] = {
    "support schemes": support_schemes,
    "new support scheme": new_scheme,
    "new support scheme, with errors": new_scheme_with_errors,
    "a support scheme": a_scheme,
    "who a support scheme is for": who_a_scheme_is_for,
    "who a support scheme is for, previewed": who_a_scheme_is_for_previewed,
}
