"""The pages linking students to their outreach past, and the dashboard's progression page, opened
as the demo's QMUL outreach officer (who manages QMUL's students), for the accessibility check
(`tests/browser/test_accessibility.py` adds them to its PAGES)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, made_for, opened

STAFF = "outreach"


def proposals(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.students.linking.browser_setup", STAFF)


def link_proposals(browse: Browse) -> Page:
    made = proposals(browse.site)
    page = opened(browse.as_person(STAFF), "/students/links/", "Students and their outreach past")
    for name in made["names"]:
        same = re.compile(rf"^The same person\W+{re.escape(name)}")
        expect(page.get_by_role("button", name=same).first).to_be_visible()
    return page


def progression(browse: Browse) -> Page:
    made = proposals(browse.site)
    page = browse.as_person(STAFF)
    response = page.goto(f"/reporting/partnerships/{made['partnership_id']}/progression/")
    assert response is not None
    assert response.status == 200  # noqa: PLR2004
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progression to higher education")
    expect(page.get_by_role("table")).to_be_visible()
    return page


STUDENT_LINK_PAGES: dict[str, Callable[[Browse], Page]] = {
    "students' outreach past, proposals": link_proposals,
    "dashboard, progression to higher education": progression,
}
