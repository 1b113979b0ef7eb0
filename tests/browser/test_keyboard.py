"""Everything a sign-in and an edit need can be done with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import CODES, Browse, expect_saved

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MAX_TAB_STOPS = 80

FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const label = element.labels && element.labels.length ? element.labels[0].innerText : "";
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    text: (element.innerText || "").trim(),
    label: label.trim(),
    selected: element.tagName === "SELECT" ? element.selectedOptions[0].text.trim() : "",
    // Focus inside a control's own parts (a date field's calendar button) is drawn by Chromium.
    outlined: !element.matches(":focus") || style.outlineStyle !== "none"
      || style.boxShadow !== "none",
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
      && box.left < window.innerWidth && box.top < window.innerHeight,
  };
}"""


def focused(page: Page) -> dict[str, Any]:
    return page.evaluate(FOCUSED) or {}


def tab_to(page: Page, what: str, matches: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Press Tab until the focused element matches; each stop on the way must show its focus."""
    element = focused(page)
    if element and matches(element):
        return element
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        element = focused(page)
        if element:
            assert element["outlined"], f"no visible focus on {element} ({page.url})"
            assert element["onScreen"], f"focus went to something off screen: {element}"
        if element and matches(element):
            return element
    raise AssertionError(f"{what} cannot be reached with Tab on {page.url}")


def field(label: str) -> Callable[[dict[str, Any]], bool]:
    return lambda element: element["label"].startswith(label)


def control(tag: str, text: str) -> Callable[[dict[str, Any]], bool]:
    return lambda element: element["tag"] == tag and element["text"] == text


def choose(page: Page, option: str) -> None:
    """On a focused select, press the arrow keys until `option` is chosen."""
    for _ in range(500):
        if focused(page)["selected"] == option:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{option!r} cannot be chosen with the arrow keys on {page.url}")


def skip_to_main(page: Page) -> None:
    """The skip link is the first Tab stop, shows itself, and moves focus to the main content."""
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip.get("text") == "Skip to main content", f"the first Tab stop is {skip} ({page.url})"
    assert skip["onScreen"], f"the skip link stays off screen when focused ({page.url})"
    assert skip["outlined"], f"the focused skip link shows no focus ({page.url})"
    page.keyboard.press("Enter")
    assert focused(page).get("id") == "main", f"the skip link did not move focus ({page.url})"


def heading(page: Page) -> Any:
    return expect(page.get_by_role("heading", level=1))


def test_keyboard_only(browse: Browse) -> None:
    person = browse.site.people["keyboard"]
    learner = person.learner("editable")
    page = browse.anonymous()
    keyboard = page.keyboard

    page.goto("/accounts/login/")
    # The username field takes focus when the sign-in page opens.
    tab_to(page, "Username", field("Username"))
    keyboard.type(person.username)
    tab_to(page, "Password", field("Password"))
    keyboard.type(person.password)
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/mfa/"))

    tab_to(page, "the code field", field("6-digit code"))
    keyboard.type(CODES.next_for(person))
    keyboard.press("Enter")
    heading(page).to_have_text("Learners")

    skip_to_main(page)
    tab_to(page, "the learner search", field("Name or UPN"))
    keyboard.type(learner.name)
    if learner.school:
        tab_to(page, "the school filter", field("School"))
        choose(page, learner.school)
    tab_to(page, "Find learners", control("button", "Find learners"))
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q="))
    expect(page.get_by_role("link", name=learner.name, exact=True).first).to_be_visible()

    tab_to(page, f"the link to {learner.name}", control("a", learner.name))
    keyboard.press("Enter")
    heading(page).to_have_text(learner.name)

    tab_to(page, "Edit learner", control("a", "Edit learner"))
    keyboard.press("Enter")
    heading(page).to_have_text(f"Edit {learner.name}")

    tab_to(page, "Preferred name", field("Preferred name"))
    keyboard.press("ControlOrMeta+A")
    keyboard.type("Sasha")
    tab_to(page, "Save changes", control("button", "Save changes"))
    keyboard.press("Enter")

    expect_saved(page, "Your changes have been saved.")
    heading(page).to_have_text(f"Sasha {learner.last_name}")
