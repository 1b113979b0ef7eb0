"""Mentoring pairs' pages, for the accessibility check (`tests/browser/test_accessibility.py`
adds them to its PAGES): a pair's space as its student mentee (signed in by a link, as students
are) and as its coordinator, "My mentoring", raising a concern, ending the relationship, and a
programme's pairs with one going quiet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened, opener

COORDINATOR = "outreach"
EMAIL = "tobi.okoro.mentee@students.example.ac.uk"


def pairs(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.mentoring.pairs_browser_setup", COORDINATOR, then=(EMAIL,))


def as_mentee(browse: Browse) -> Page:
    pairs(browse.site)
    return as_student_by_link(browse, EMAIL)


def pair_as_mentee(browse: Browse) -> Page:
    made = pairs(browse.site)
    page = opened(
        as_mentee(browse), f"/mentoring/pairs/{made['pair_id']}/", "Your mentoring with Maya Mentor"
    )
    expect(page.get_by_text("Thank you, see you next month!")).to_be_visible()
    return page


def my_mentoring(browse: Browse) -> Page:
    pairs(browse.site)
    return opened(as_mentee(browse), "/mentoring/pairs/", "My mentoring pairs")


def pair_as_coordinator(browse: Browse) -> Page:
    made = pairs(browse.site)
    page = opened(
        browse.as_person(COORDINATOR),
        f"/mentoring/pairs/{made['quiet_pair_id']}/",
        "Sam Silent and Ada Quiet",
    )
    expect(page.get_by_text("Going quiet:", exact=False)).to_be_visible()
    return page


MENTORING_PAIRS_PAGES: dict[str, Callable[[Browse], Page]] = {
    "a mentoring pair, as the mentee": pair_as_mentee,
    "my mentoring": my_mentoring,
    "a mentoring pair going quiet, as the coordinator": pair_as_coordinator,
    "a programme's mentoring pairs": opener(
        pairs,
        "/mentoring/programmes/{programme_id}/relationships/",
        "{programme_name}: pairs",
        person=COORDINATOR,
    ),
    "raising a concern about a pair": opener(
        pairs, "/mentoring/pairs/{pair_id}/concern/", "Raise a concern", person=COORDINATOR
    ),
    "ending a mentoring relationship": opener(
        pairs, "/mentoring/pairs/{pair_id}/end/", "End the relationship?", person=COORDINATOR
    ),
}
