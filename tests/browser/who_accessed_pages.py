"""The "who accessed" page, opened as an organisation admin (who handles its requests about
people's data) opens it, for the accessibility check (`tests/browser/test_accessibility.py`
adds them to its PAGES): empty, with an answer, and refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, opened, refused

HANDLER = "keyboard"  # the demo's UEL organisation admin handles UEL's requests
PATH = "/rights/who-accessed/"
HEADING = "Who accessed learners' records"


def search_page(browse: Browse) -> Page:
    return opened(browse.as_person(HANDLER), PATH, HEADING)


def search_page_with_an_answer(browse: Browse) -> Page:
    """The learner found by name, ticked, and the answer shown (their record's creation)."""
    learner = browse.site.people[HANDLER].learner("editable")
    page = search_page(browse)
    page.get_by_label("Find learners").fill(learner.last_name)
    today = datetime.now(UTC).date()
    page.locator("#id_starts").fill((today - timedelta(days=365)).isoformat())
    page.locator("#id_ends").fill((today + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Search").click()
    page.get_by_label(learner.name, exact=False).first.check()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Views, downloads and changes")).to_be_visible()
    expect(page.get_by_role("link", name="Download these records (CSV)")).to_be_visible()
    return page


def search_page_with_errors(browse: Browse) -> Page:
    return refused(
        search_page(browse),
        "Search",
        "The end is before the start",
        filled={"From": "2026-11-10", "To": "2026-11-01"},
    )


WHO_ACCESSED_PAGES: dict[str, Callable[[Browse], Page]] = {
    "who accessed learners' records": search_page,
    "who accessed, with an answer": search_page_with_an_answer,
    "who accessed, with errors": search_page_with_errors,
}
