"""Award schemes, for the accessibility check (`tests/browser/test_accessibility.py` adds them to
its PAGES): the pages of someone who manages a provider's awards, as the demo's QMUL student
support adviser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, made_for, opened, opener, refused

STAFF = "adviser"


def award_scheme(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.support.awards_browser_setup", STAFF)


def award_schemes(browse: Browse) -> Page:
    made = award_scheme(browse.site)
    page = opened(browse.as_person(STAFF), "/support/awards/", "Award schemes")
    name = made["award_scheme_name"].rsplit(" (", 1)[0]
    expect(page.get_by_role("link", name=name)).to_be_visible()
    return page


new_award_scheme = opener(award_scheme, "/support/awards/new/", "New award scheme", person=STAFF)


def new_award_scheme_with_errors(browse: Browse) -> Page:
    return refused(new_award_scheme(browse), "Save", "Enter a name for the award scheme.")


def an_award_scheme(browse: Browse) -> Page:
    made = award_scheme(browse.site)
    page = browse.as_person(STAFF)
    response = page.goto(f"/support/awards/{made['award_scheme_id']}/")
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("link", name="Stop award of Tomasz Nowak")).to_be_visible()
    expect(page.get_by_role("button", name="Offer to members")).to_be_visible()
    return page


def award_instalments(browse: Browse) -> Page:
    award_scheme(browse.site)
    page = opened(browse.as_person(STAFF), "/support/awards/instalments/", "Award instalments")
    expect(page.get_by_role("cell", name="Tomasz Nowak", exact=False).first).to_be_visible()
    return page


def awards_finance(browse: Browse) -> Page:
    award_scheme(browse.site)
    page = opened(browse.as_person(STAFF), "/support/awards/finance/", "Awards finance")
    expect(page.get_by_role("heading", name="Forecast by month")).to_be_visible()
    return page


SUPPORT_AWARDS_PAGES: dict[str, Callable[[Browse], Page]] = {
    "award schemes": award_schemes,
    "new award scheme": new_award_scheme,
    "new award scheme, with errors": new_award_scheme_with_errors,
    "an award scheme": an_award_scheme,
    "award instalments": award_instalments,
    "awards finance": awards_finance,
}
