"""Defining a rule set and reading school targeting with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import Browse, expect_saved
from tests.browser.test_keyboard import choose, control, field, skip_to_main, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_rule_set_is_defined_and_saved_by_keyboard(browse: Browse) -> None:
    page = browse.as_person("admin")
    page.goto("/targeting/rule-sets/")
    skip_to_main(page)
    tab_to(page, "the new rule set link", control("a", "Define a new rule set"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("New rule set")
    skip_to_main(page)
    tab_to(page, "the name", field("Name"))
    page.keyboard.type("FSM by keyboard")
    tab_to(page, "the first condition", field("First condition"))
    choose(page, "FSM")
    tab_to(
        page,
        "the add button",
        lambda element: element["tag"] == "button" and "in a new group" in element["text"],
    )
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    # Focus is on the condition just added; the name typed is kept.
    expect(page.get_by_role("group", name="FSM", exact=True)).to_be_focused()
    expect(page.get_by_label("Name")).to_have_value("FSM by keyboard")
    tab_to(page, "the answer", field("Yes"))
    expect(page.get_by_label("Yes")).to_be_checked()
    tab_to(page, "the save button", control("button", "Save"))
    page.keyboard.press("Enter")
    expect_saved(page, "Saved FSM by keyboard")
    expect(page.locator(".lede")).to_have_text("Eligible when: FSM.")


def test_school_targeting_is_sorted_by_keyboard(browse: Browse) -> None:
    page = browse.as_person("admin")
    page.goto("/targeting/schools/")
    skip_to_main(page)
    tab_to(page, "the sort", field("Sort by"))
    choose(page, "Name")
    tab_to(page, "the show button", control("button", "Show"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=name"))
    names = page.locator("table").first.locator("tbody tr td:first-child").all_inner_texts()
    assert names == sorted(names, key=str.casefold)
