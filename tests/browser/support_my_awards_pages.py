"""A student's own awards, for the accessibility check (`tests/browser/test_accessibility.py`
adds them to its PAGES): "My awards" with an award offered and one being paid (paid, held and
still to come), and declining an award, opened signed in by a link as a student is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened

STAFF = "adviser"
EMAIL = "tobi.okoro.awards@students.example.ac.uk"


def awards(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.support.my_awards_browser_setup", STAFF, then=(EMAIL,))


def as_student(browse: Browse) -> Page:
    awards(browse.site)
    return as_student_by_link(browse, EMAIL)


def my_awards(browse: Browse) -> Page:
    made = awards(browse.site)
    page = opened(as_student(browse), "/support/mine/awards/", "My awards")
    expect(page.get_by_role("button", name=f"Accept {made['offered_name']}")).to_be_visible()
    expect(page.get_by_text("Held: Interrupted on 3 February 2026", exact=False)).to_be_visible()
    return page


def decline_an_award(browse: Browse) -> Page:
    made = awards(browse.site)
    return opened(
        as_student(browse),
        f"/support/mine/awards/{made['offered_id']}/decline/",
        f"Decline {made['offered_name']}?",
    )


SUPPORT_MY_AWARDS_PAGES: dict[str, Callable[[Browse], Page]] = {
    "my awards": my_awards,
    "decline an award": decline_an_award,
}
