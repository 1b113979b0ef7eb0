"""A mentoring coordinator's pages, for the accessibility check (found by
`tests/browser/test_accessibility.py`): as the demo's QMUL outreach officer, who coordinates its
mentoring, with a programme of 200 mentees and 80 mentors matched."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, made_for, opened, opener, refused

STAFF = "outreach"


def cohort(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.mentoring.coordinator_browser_setup", STAFF)


def mentoring_programmes(browse: Browse) -> Page:
    made = cohort(browse.site)
    page = opened(browse.as_person(STAFF), "/mentoring/programmes/", "Mentoring programmes")
    expect(page.get_by_role("link", name=made["programme"], exact=True)).to_be_visible()
    return page


a_new_mentoring_programme = opener(
    cohort, "/mentoring/programmes/new/", "A new mentoring programme", person=STAFF
)


def a_new_mentoring_programme_with_errors(browse: Browse) -> Page:
    page = a_new_mentoring_programme(browse)
    page.get_by_label("Industry and sector").fill("150")
    return refused(page, "Save the programme", "Give 0 to 100 points.")


def a_mentoring_programme(browse: Browse) -> Page:
    made = cohort(browse.site)
    page = opened(
        browse.as_person(STAFF), f"/mentoring/programmes/{made['programme_id']}/", made["programme"]
    )
    expect(page.get_by_role("button", name="Run the matching")).to_be_visible()
    return page


change_a_mentoring_programme = opener(
    cohort,
    "/mentoring/programmes/{programme_id}/edit/",
    "Change {programme}",
    person=STAFF,
)

a_mentors_capacity_and_checks = opener(
    cohort, "/mentoring/places/{place_id}/", "{mentor} in {programme}", person=STAFF
)


def a_mentors_checks_with_errors(browse: Browse) -> Page:
    page = a_mentors_capacity_and_checks(browse)
    page.get_by_label("Enhanced DBS certificate number").fill("1234")
    return refused(page, "Record the checks", "12 digits")


def a_matching_run(browse: Browse) -> Page:
    made = cohort(browse.site)
    page = opened(
        browse.as_person(STAFF),
        f"/mentoring/runs/{made['run_id']}/",
        f"Matching of {made['programme']}",
    )
    expect(page.get_by_role("heading", name="Left out")).to_be_visible()
    return page


pairs_never_to_be_made = opener(
    cohort,
    "/mentoring/programmes/{programme_id}/never/",
    "Pairs never to be made in {programme}",
    person=STAFF,
)


def pairs_never_to_be_made_with_errors(browse: Browse) -> Page:
    return refused(pairs_never_to_be_made(browse), "Never pair them", "Choose the mentor.")


MENTORING_COORDINATOR_PAGES: dict[str, Callable[[Browse], Page]] = {
    "mentoring programmes": mentoring_programmes,
    "a new mentoring programme": a_new_mentoring_programme,
    "a new mentoring programme, with errors": a_new_mentoring_programme_with_errors,
    "a mentoring programme": a_mentoring_programme,
    "change a mentoring programme": change_a_mentoring_programme,
    "a mentor's capacity and checks": a_mentors_capacity_and_checks,
    "a mentor's checks, with errors": a_mentors_checks_with_errors,
    "a matching run": a_matching_run,
    "pairs never to be made": pairs_never_to_be_made,
    "pairs never to be made, with errors": pairs_never_to_be_made_with_errors,
}
