"""The main navigation: one entry per journey, each opening to its pages, by mouse or keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_keyboard import control, focused, skip_to_main, tab_to
from tests.browser.test_phones import assert_fits_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _journeys(page: Page) -> list[str]:
    names = page.get_by_role("navigation", name="Main").locator("summary").all_inner_texts()
    return [name.replace("(you are here)", "").strip(" ▾▴\n") for name in names]


def test_the_navigation_groups_pages_by_journey_and_marks_where_you_are(browse: Browse) -> None:
    page = browse.as_person("outreach")
    page.goto("/learners/")
    navigation = page.get_by_role("navigation", name="Main")
    # Journeys with no page this person may open (Support, Community, today) are not shown.
    assert _journeys(page)[:2] == ["Identify", "Engage"]
    assert "Evaluate" in _journeys(page)
    expect(navigation.get_by_role("link", name="Events")).to_be_hidden()
    navigation.get_by_text("Engage").click()
    expect(navigation.get_by_role("link", name="Events")).to_be_visible()
    assert_accessible(page, "learners, with the Engage menu open")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path="var/screenshots/navigation-1280.png")
    navigation.get_by_role("link", name="Events").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Events")
    current = page.get_by_role("navigation", name="Main").locator("[aria-current=page]")
    expect(current).to_have_count(1)
    expect(current).to_have_text("Events")
    assert_fits_a_phone(page, "events, with the navigation")


def test_a_journey_opens_and_closes_by_keyboard(browse: Browse) -> None:
    page = browse.as_person("keyboard")
    page.goto("/learners/")
    skip_to_main(page)
    keyboard = page.keyboard
    keyboard.press("Shift+Tab")
    for _ in range(20):
        if focused(page).get("tag") == "summary" and focused(page).get("text") == "Engage":
            break
        keyboard.press("Shift+Tab")
    assert focused(page).get("text") == "Engage", "the Engage journey takes no focus"
    keyboard.press("Enter")
    tab_to(page, "the Programmes link", control("a", "Programmes"))
    keyboard.press("Escape")  # closes the menu and puts focus back on its journey
    assert focused(page).get("text") == "Engage"
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes")
    ).to_be_hidden()
    keyboard.press("Enter")
    tab_to(page, "the Programmes link", control("a", "Programmes"))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Programmes")


def test_the_navigation_on_a_phone(browse: Browse) -> None:
    page = browse.as_person("outreach")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/activities/")
    page.get_by_role("navigation", name="Main").get_by_text("Identify").click()
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Schools")
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 375
    page.screenshot(path="var/screenshots/navigation-375.png")
