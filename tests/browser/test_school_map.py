"""The map of schools on a phone: every school of the partnership placed, no sideways scrolling,
a switch between the two measures, and each school reachable by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import Browse

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 375, "height": 812}
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_the_map_fits_a_phone_switches_measure_and_opens_a_school_by_keyboard(
    browse: Browse,
) -> None:
    page = browse.as_person("outreach")
    page.set_viewport_size(PHONE)
    page.goto("/targeting/schools/map/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Map of schools: East London Uni Connect"
    )
    assert page.evaluate(FITS), "the map page scrolls sideways at 375 px"
    points = page.locator("svg.school-map a.map-point")
    rows = page.locator("#map-table-caption + thead + tbody tr")
    assert points.count() == rows.count() == 80  # the demo's schools and colleges
    title = page.locator("svg.school-map > title")
    expect(title).to_contain_text("coloured by share of learners the rule set is for")
    expect(page.locator(".map-legend-title")).to_have_text("Share of learners the rule set is for")
    # Colour by reach: the schools with no learners yet are the dashed rings.
    page.get_by_label("Reach: the partnership's learners at the school").check()
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".map-legend-title")).to_have_text(
        "Reach: the partnership's learners at the school"
    )
    assert page.evaluate(FITS), "the map page scrolls sideways at 375 px"
    cold = page.locator('svg.school-map a.map-point[data-band="none"]')
    assert cold.count() >= 8  # two in each local authority that the demo has not reached
    expect(page.locator(".map-legend")).to_contain_text("Not reached yet (no learners) (")
    # Keyboard: Tab reaches the first school on the map, Enter opens its page.
    first = points.first
    name = (first.get_attribute("aria-label") or "").split(":")[0]
    page.locator("#map-measure-reach").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if first.evaluate("(element) => element === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the first school on the map")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
