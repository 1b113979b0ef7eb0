"""A learner answers a survey by its one-time link on a phone-sized screen with the keyboard
alone, and the page fits; the link then only says thank you."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import Browse
from tests.browser.survey_pages import PHONE, survey_facts, unused_link
from tests.browser.test_keyboard import control, field, focused, skip_to_main, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
CHECKED = "() => document.activeElement && document.activeElement.checked"


def test_answering_a_survey_by_keyboard_on_a_phone_sized_screen(browse: Browse) -> None:
    facts = survey_facts(browse.site)
    link = unused_link(browse.site)
    page = browse.anonymous()
    page.set_viewport_size(PHONE)
    keyboard = page.keyboard
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(facts["title"])
    assert page.evaluate(FITS), "the survey scrolls sideways at 375 px"
    skip_to_main(page)

    tab_to(page, "the first question's first choice", field("Yes"))
    keyboard.press("Space")
    assert page.evaluate(CHECKED)
    tab_to(page, "a multiple choice", field("The taster lecture"))
    keyboard.press("Space")
    assert page.evaluate(CHECKED)
    tab_to(page, "the agreement question", field("Strongly disagree"))
    for _ in range(3):
        keyboard.press("ArrowRight")
    assert focused(page)["label"] == "Agree"
    tab_to(page, "the number", field("4. How many universities"))
    keyboard.type("3")
    tab_to(page, "the written answer", field("5. What would you tell a friend"))
    keyboard.type("I'm not as afraid to go to uni as I was before.")
    for item in range(4):  # the scale's items, each a group of agreement options
        tab_to(page, f"the scale's item {item + 1}", field("Strongly disagree"))
        keyboard.press("ArrowRight")
        assert focused(page)["label"] == "Disagree"
    tab_to(page, "agreeing to be quoted", field("You may quote my written answers"))
    keyboard.press("Space")
    tab_to(page, "Send my answers", control("button", "Send my answers"))
    keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert page.evaluate(FITS), "the thank-you page scrolls sideways at 375 px"
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_role("button", name="Send my answers")).to_have_count(0)
