"""A mentoring programme's outcomes page, for the accessibility check (found by
`tests/browser/test_accessibility.py`): as the demo's QMUL outreach officer, who coordinates its
mentoring, before and after sending the survey before mentoring."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, made_for, opened

STAFF = "outreach"


def programme(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.mentoring.outcomes_browser_setup", STAFF)


def mentoring_outcomes(browse: Browse) -> Page:
    made = programme(browse.site)
    page = opened(
        browse.as_person(STAFF),
        f"/mentoring/programmes/{made['programme_id']}/outcomes/",
        f"Outcomes of {made['programme_name']}",
    )
    expect(page.get_by_role("cell", name="Before mentoring", exact=True)).to_be_visible()
    return page


def mentoring_outcomes_sent(browse: Browse) -> Page:
    page = mentoring_outcomes(browse)
    page.get_by_role("button", name="Send “Before mentoring” to mentees without a link").click()
    expect(page.get_by_role("status")).to_contain_text("e-mailed")
    return page


MENTORING_OUTCOMES_PAGES = {
    "mentoring outcomes": mentoring_outcomes,
    "mentoring outcomes, survey sent": mentoring_outcomes_sent,
}
