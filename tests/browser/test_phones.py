"""Every page on a 375 × 812 phone: nothing scrolls sideways (a wide table scrolls inside its own
labelled box), the header is a small strip, charts keep readable text, and every radio and tick box
is a target of 24 px or more with its label beside it on the same line. No list opens on
Django's "---------". A page sent back with errors is titled "Error: …" and focus is on its error
summary.

The pages of the accessibility check (tests/browser/test_accessibility.py) are looked at as a
phone shows them by that check itself, right after axe (`assert_fits_a_phone`): many of them are
reached by changing something (importing, cancelling a booking), which must happen once in the
browser tests' shared demo database. This file adds the daily loop's pages, reached by reading.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse, followed, opened, refused

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 375, "height": 812}
HEADER_SHARE = 0.25
SMALLEST_CHART_TEXT_PX = 11
SMALLEST_TARGET_PX = 24

LOOK = """() => {
  const wider = [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 1
      && !element.closest(".table-scroll"))
    .slice(0, 5)
    .map((element) => `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}`
      + `.${[...element.classList].join(".")}`
      + ` (right edge ${Math.round(element.getBoundingClientRect().right)} px)`);
  const header = document.querySelector("header.site-header");
  const chartText = [...document.querySelectorAll("figure.chart svg text")].map((text) => {
    const svg = text.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return { text: text.textContent, px: scale * parseFloat(text.getAttribute("font-size")) };
  });
  const controls = [...document.querySelectorAll("input[type=radio], input[type=checkbox]")]
    .filter((input) => input.offsetParent !== null && !input.closest("#changelist, .admin-site"))
    .map((input) => {
      const box = input.getBoundingClientRect();
      const label = input.labels && input.labels.length ? input.labels[0] : null;
      const text = label ? label.getBoundingClientRect() : null;
      return {
        name: `${input.name}=${input.value}`
          + ` (${label ? label.innerText.trim().slice(0, 40) : "no label"})`,
        width: box.width, height: box.height,
        // The label starts right of its box and shares its line.
        beside: !!text && text.left >= box.right - 1 && text.top < box.bottom
          && text.bottom > box.top,
      };
    });
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    wider,
    header: header ? header.getBoundingClientRect().height : 0,
    chartText,
    controls,
    dashes: [...document.querySelectorAll("option")]
      .filter((option) => option.text.trim() === "---------").length,
    unlabelledScrollers: [...document.querySelectorAll(".table-scroll")]
      .filter((box) => !(box.getAttribute("aria-label") || box.getAttribute("aria-labelledby"))
        || box.getAttribute("tabindex") !== "0"
        || box.getAttribute("role") !== "region").length,
  };
}"""


def _on_a_phone(page: Page) -> dict[str, Any]:
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(50)
    look: dict[str, Any] = page.evaluate(LOOK)
    return look


def _first_link(page: Page, path: str, name: str | re.Pattern[str]) -> Page:
    page.goto(path)
    page.get_by_role("link", name=name).first.click()
    page.wait_for_load_state()
    return page


def dashboard(browse: Browse) -> Page:
    page = _first_link(browse.as_person("admin"), "/reporting/", "East London Uni Connect")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reach and coverage")
    return page


def _an_activity_to_plan(browse: Browse) -> Page:
    page = browse.as_person("outreach")
    page.goto("/activities/")
    for href in page.locator("main table a").evaluate_all("(links) => links.map((a) => a.href)"):
        page.goto(href)
        if page.get_by_role("link", name="Plan a session").count():
            return page
    raise AssertionError("the outreach officer has no activity to plan a session of")


def plan_a_session(browse: Browse) -> Page:
    return followed(_an_activity_to_plan(browse), "Plan a session", "Plan a session of")


def plan_a_session_with_errors(browse: Browse) -> Page:
    page = plan_a_session(browse)
    return refused(page, "Add session", "Enter the session's date")


def a_register(browse: Browse) -> Page:
    page = browse.as_person("outreach")
    page.goto("/activities/")
    for href in page.locator("main table a").evaluate_all("(links) => links.map((a) => a.href)"):
        page.goto(href)
        register = page.get_by_role("link", name=re.compile(r"^Register for "))
        if register.count():
            register.first.click()
            page.wait_for_load_state()
            return page
    raise AssertionError("the outreach officer has no register to take")


def duplicate_learners(browse: Browse) -> Page:
    return opened(browse.as_person("admin"), "/learners/duplicates/", "Duplicate learners")


# Pages of the daily loop the accessibility list reaches only through their journeys.
DAILY_LOOP_PAGES: dict[str, Callable[[Browse], Page]] = {
    "dashboard": dashboard,
    "plan a session": plan_a_session,
    "plan a session, with errors": plan_a_session_with_errors,
    "a session's register": a_register,
    "duplicate learners": duplicate_learners,
}


@pytest.mark.parametrize("name", list(DAILY_LOOP_PAGES))
def test_every_page_fits_a_phone(browse: Browse, name: str) -> None:
    page = DAILY_LOOP_PAGES[name](browse)
    assert_fits_a_phone(page, name)


def assert_fits_a_phone(page: Page, name: str) -> None:
    """The page as a 375 × 812 phone shows it (the viewport is put back afterwards)."""
    before = page.viewport_size
    try:
        look = _on_a_phone(page)
    finally:
        if before is not None:
            page.set_viewport_size(before)
    where = f"the {name!r} page ({page.url})"
    assert look["scrollWidth"] <= look["innerWidth"], (
        f"{where} scrolls sideways at 375 px ({look['scrollWidth']} px wide); too wide: "
        + ", ".join(look["wider"])
    )
    assert look["header"] < HEADER_SHARE * PHONE["height"], (
        f"{where}: the header takes {look['header']:.0f} of {PHONE['height']} px"
    )
    small = [text for text in look["chartText"] if text["px"] < SMALLEST_CHART_TEXT_PX]
    assert not small, f"{where}: chart text too small to read: {small[:3]}"
    assert look["unlabelledScrollers"] == 0, f"{where}: a table's scrolling box has no label"
    if "/admin/" in page.url:
        return  # Django's own admin site keeps its own lists, radios and tick boxes.
    assert look["dashes"] == 0, f"{where}: a list opens on '---------'"
    tiny = [
        control
        for control in look["controls"]
        if min(control["width"], control["height"]) < SMALLEST_TARGET_PX
    ]
    assert not tiny, f"{where}: radios or tick boxes smaller than 24 px: {tiny[:3]}"
    apart = [control["name"] for control in look["controls"] if not control["beside"]]
    assert not apart, f"{where}: labels not beside their radio or tick box: {apart[:3]}"


def is_refused_form(name: str) -> bool:
    """A page reached by sending a form that is refused ("…, with errors", "sign-in, wrong …")."""
    return re.search(r"with (an )?errors?$|, wrong ", name) is not None


def test_the_session_form_with_errors_says_so_in_its_title_and_focuses_the_summary(
    browse: Browse,
) -> None:
    assert_error_summary_focused(plan_a_session_with_errors(browse), "plan a session")


def assert_error_summary_focused(page: Page, name: str) -> None:
    assert page.title().startswith("Error: "), f"{name}: the title is {page.title()!r}"
    focused = page.evaluate(
        "() => document.activeElement && document.activeElement.closest('.error-summary') !== null"
    )
    assert focused, f"{name}: focus is not on the error summary ({page.url})"
