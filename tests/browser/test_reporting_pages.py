"""The dashboard pages in Chromium: axe-clean, and usable with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_keyboard import control, field, focused, skip_to_main, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PARTNERSHIP = "East London Uni Connect"


def _dashboard(page: Page) -> Page:
    page.goto("/reporting/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard and returns")
    page.get_by_role("link", name=PARTNERSHIP).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Reach and coverage: {PARTNERSHIP}")
    return page


def test_the_dashboard_pages_have_no_serious_accessibility_problems(browse: Browse) -> None:
    page = browse.as_person("admin")
    page.goto("/reporting/")
    assert_accessible(page, "dashboard and returns")
    _dashboard(page)
    # The demo's marked registers are on the dashboard, each chart with its table.
    expect(page.get_by_role("img", name="Learners engaged by school or college")).to_be_visible()
    expect(page.get_by_role("table", name="Learners engaged by school or college")).to_be_visible()
    assert_accessible(page, "reach and coverage")
    page.get_by_role("link", name="Target learners and cold spots").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Target learners and cold spots")
    expect(page.get_by_role("table", name=re.compile("^Cold spots"))).to_be_visible()
    assert_accessible(page, "target learners and cold spots")
    page.get_by_role("link", name="Sustained engagement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sustained engagement")
    expect(page.get_by_text("Sustained-engagement rate")).to_be_visible()
    assert_accessible(page, "sustained engagement")


def test_the_dashboard_by_keyboard_alone(browse: Browse) -> None:
    page = browse.as_person("outreach")
    keyboard = page.keyboard
    page.goto("/learners/")
    skip_to_main(page)
    page.keyboard.press("Shift+Tab")  # back into the header's navigation
    for _ in range(30):
        if focused(page).get("text") == "Evaluate":
            break
        page.keyboard.press("Shift+Tab")
    assert focused(page).get("text") == "Evaluate", "no Evaluate journey in the navigation"
    keyboard.press("Enter")  # opens the journey's pages
    tab_to(page, "the Dashboard link", control("a", "Dashboard"))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard and returns")
    skip_to_main(page)
    tab_to(page, f"the link to {PARTNERSHIP}", control("a", PARTNERSHIP))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Reach and coverage: {PARTNERSHIP}")
    tab_to(page, "Target learners and cold spots", control("a", "Target learners and cold spots"))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Target learners and cold spots")
    tab_to(page, "the rule set", field("Rule set"))
    keyboard.press("ArrowDown")
    tab_to(page, "Show", control("button", "Show"))
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]rule_set="))
    tab_to(page, "Sustained engagement", control("a", "Sustained engagement"))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sustained engagement")
