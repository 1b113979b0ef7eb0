"""An outreach officer plans an activity with two sessions, puts a class on the register, and
marks attendance on a phone-sized screen by keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse, expect_saved
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_keyboard import control, focused, skip_to_main, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
PHONE = {"width": 375, "height": 740}


def _plan_session(page: Page, school: str, day: str, starts: str, ends: str) -> None:
    page.get_by_role("link", name="Plan a session").click()
    page.get_by_label("Date").fill(day)
    page.get_by_label("Starts").fill(starts)
    page.get_by_label("Ends").fill(ends)
    page.get_by_label("Venue").fill("Mile End campus, Bancroft Building")
    page.get_by_label("School", exact=True).select_option(label=school)
    page.get_by_role("button", name="Add session").click()
    expect_saved(page, "Added the session")


def test_an_officer_plans_sessions_and_takes_the_register_on_a_phone(browse: Browse) -> None:
    officer = browse.site.people["outreach"]
    learner = officer.learner("editable")
    page = browse.as_person("outreach")
    page.goto("/activities/")
    page.get_by_role("link", name=re.compile(r"^Add an activity to ")).first.click()
    page.get_by_label("Name").fill("Year 10 chemistry masterclass")
    page.get_by_label("Type of activity").select_option(label="Masterclasses: Subject masterclass")
    page.get_by_role("button", name="Add activity").click()
    expect_saved(page, "Added Year 10 chemistry masterclass")
    _plan_session(page, learner.school, "2026-12-03", "13:30", "15:00")
    _plan_session(page, learner.school, "2027-01-14", "13:30", "15:00")
    expect(page.locator("table tbody tr")).to_have_count(2)

    page.set_viewport_size(PHONE)
    page.get_by_role("link", name=re.compile(r"^Register for 3 Dec 2026")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Register: Year 10 chemistry masterclass"
    )
    page.get_by_label(re.compile(rf"^{re.escape(learner.name)} \(")).check()
    page.get_by_role("button", name="Add to the register").click()
    expect_saved(page, "Added 1 learner to the register")

    # Marking by keyboard: Tab to the learner's choices, an arrow key to "Attended", then save.
    skip_to_main(page)
    choice = tab_to(
        page, "the learner's attendance", lambda element: element["label"] == "Not marked"
    )
    assert choice["tag"] == "input"
    page.keyboard.press("ArrowDown")
    assert focused(page)["label"] == "Attended"
    tab_to(page, "the save button", control("button", "Save the register"))
    page.keyboard.press("Enter")
    expect_saved(page, "Saved the register (1 changed)")
    expect(page.get_by_role("group", name=re.compile(re.escape(learner.name)))).to_contain_text(
        "1.5 hours so far"
    )
    expect(page.get_by_label("Attended")).to_be_checked()
    assert_accessible(page, "register, on a phone")
