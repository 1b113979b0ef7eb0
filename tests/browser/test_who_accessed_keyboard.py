"""Who accessed learners' records, with the keyboard alone: find a learner by name, tick them,
search, and reach the answer and its download."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import Browse
from tests.browser.test_keyboard import control, field, focused, skip_to_main, tab_to
from tests.browser.who_accessed_pages import HANDLER, HEADING, PATH

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_an_admin_traces_a_learner_by_keyboard(browse: Browse) -> None:
    learner = browse.site.people[HANDLER].learner("editable")
    page = browse.as_person(HANDLER)
    keyboard = page.keyboard
    page.goto(PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADING)

    skip_to_main(page)
    tab_to(page, "the learner search", field("Find learners"))
    keyboard.type(learner.last_name)
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q="))

    tab_to(page, f"the tick box for {learner.name}", field(learner.name))
    keyboard.press("Space")
    assert focused(page)["label"].startswith(learner.name)
    tab_to(page, "the Search button", control("button", "Search"))
    keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Views, downloads and changes")).to_be_visible()
    tab_to(page, "the download link", control("a", "Download these records (CSV)"))
    assert focused(page)["onScreen"]
