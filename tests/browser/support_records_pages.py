"""Support records of care-experienced and estranged students, for the accessibility check
(`tests/browser/test_accessibility.py` adds them to its PAGES): the pages of the demo's QMUL
student support adviser, and a student's own record, opened signed in by a link as they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened, opener, refused

ADVISER = "adviser"
EMAIL = "tayo.bankole.record@students.example.ac.uk"


def records(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.support.records_browser_setup", ADVISER, then=(EMAIL,))


def support_records(browse: Browse) -> Page:
    made = records(browse.site)
    page = opened(browse.as_person(ADVISER), "/support/records/", "Support records")
    expect(page.get_by_role("link", name=made["name"], exact=True)).to_be_visible()
    expect(
        page.get_by_role("button", name=f"Open a record for {made['found_name']}")
    ).to_be_visible()
    return page


def a_support_record(browse: Browse) -> Page:
    made = records(browse.site)
    page = opened(
        browse.as_person(ADVISER),
        f"/support/records/{made['record_id']}/",
        f"{made['name']}: support record",
    )
    expect(page.get_by_role("heading", name="Local authority bursaries")).to_be_visible()
    return page


change_a_support_record = opener(
    records,
    "/support/records/{record_id}/edit/",
    "Change the support record of {name}",
    person=ADVISER,
)


def change_a_support_record_with_errors(browse: Browse) -> Page:
    page = change_a_support_record(browse)
    page.get_by_label(
        "The student agrees we may keep and use their personal adviser's details"
    ).uncheck()
    return refused(page, "Save", "kept only with the student's consent")


when_it_became_known = opener(
    records,
    "/support/records/{record_id}/identifications/new/",
    "When it became known: {name}",
    person=ADVISER,
)


def when_it_became_known_with_errors(browse: Browse) -> Page:
    return refused(when_it_became_known(browse), "Record it", "Choose what became known.")


a_local_authority_bursary_expected = opener(
    records,
    "/support/records/{record_id}/bursaries/new/",
    "A local authority bursary expected for {name}",
    person=ADVISER,
)


def my_support_record(browse: Browse) -> Page:
    records(browse.site)
    page = opened(as_student_by_link(browse, EMAIL), "/support/mine/record/", "My support record")
    expect(page.get_by_role("heading", name="Your support plan")).to_be_visible()
    return page


SUPPORT_RECORDS_PAGES: dict[str, Callable[[Browse], Page]] = {
    "support records": support_records,
    "a support record": a_support_record,
    "change a support record": change_a_support_record,
    "change a support record, with errors": change_a_support_record_with_errors,
    "when it became known": when_it_became_known,
    "when it became known, with errors": when_it_became_known_with_errors,
    "a local authority bursary expected": a_local_authority_bursary_expected,
    "my support record": my_support_record,
}
