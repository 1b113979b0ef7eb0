"""The co-presenting pages of student partners, for the accessibility check
(`tests/browser/test_accessibility.py` adds them to its PAGES): an event's strands, talks and
presenters with the link to add a student co-presenter, the form (empty, with errors) and a
talk a student already co-presents, its shifts linked, opened as the demo's QMUL outreach
officer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, made_for, opened, opener, refused

COORDINATOR = "outreach"


def made_talks(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.partners.co_presenting_browser_setup", COORDINATOR)


def programme_with_co_presenter_links(browse: Browse) -> Page:
    page = opened(
        browse.as_person(COORDINATOR),
        "/events/{event_id}/talks/".format_map(made_talks(browse.site)),
        "Strands, talks and presenters",
    )
    expect(
        page.get_by_role("link", name="Add a student co-presenter to Paying students fairly")
    ).to_be_visible()
    return page


def add_a_co_presenter(browse: Browse) -> Page:
    page = programme_with_co_presenter_links(browse)
    page.get_by_role("link", name="Add a student co-presenter to Paying students fairly").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a student co-presenter")
    return page


def add_a_co_presenter_with_errors(browse: Browse) -> Page:
    return refused(add_a_co_presenter(browse), "Add co-presenter", "Choose the student")


a_talk_co_presented = opener(
    made_talks,
    "/partners/talks/{co_presented_id}/co-presenter/",
    "Add a student co-presenter",
    person=COORDINATOR,
)

CO_PRESENTING_PAGES: dict[str, Callable[[Browse], Page]] = {
    "strands and talks, with co-presenter links": programme_with_co_presenter_links,
    "add a student co-presenter": add_a_co_presenter,
    "add a student co-presenter, with errors": add_a_co_presenter_with_errors,
    "a talk a student co-presents": a_talk_co_presented,
}
