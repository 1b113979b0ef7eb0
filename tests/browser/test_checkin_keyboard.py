"""Checking people in on a phone-sized screen (375 px wide) with the keyboard alone: search by
name, one button per person, the count going up, and undo."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.checkin_pages import ORGANISER, checkin_event
from tests.browser.support import Browse
from tests.browser.test_keyboard import control, field, focused, skip_to_main, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 375, "height": 812}


def test_an_organiser_checks_someone_in_by_keyboard_on_a_phone(browse: Browse) -> None:
    event = checkin_event(browse.site)
    person = event["bookings"][0]
    surname = person["name"].split()[1]
    page = browse.as_person(ORGANISER)
    page.set_viewport_size(PHONE)
    keyboard = page.keyboard

    page.goto(f"/events/{event['event_id']}/check-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Check-in: {event['title']}")
    count = page.locator("#checkin-count")
    before = re.match(r"(\d+) of (\d+)", count.inner_text())
    assert before is not None
    checked_in, booked = int(before[1]), int(before[2])
    main = page.locator("main")
    assert main.evaluate("(element) => element.scrollWidth <= element.clientWidth + 1")

    skip_to_main(page)
    tab_to(page, "the name search", field("Name"))
    keyboard.type(surname)
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q="))
    expect(page.get_by_role("button", name=f"Check in {person['name']}")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Check in "))).to_have_count(1)

    tab_to(
        page,
        f"the Check in button for {person['name']}",
        lambda element: element["tag"] == "button" and element["text"] == "Check in",
    )
    keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"{person['name']} is checked in.")
    expect(count).to_contain_text(f"{checked_in + 1} of {booked}")
    undo = page.get_by_role("button", name=f"Undo check-in for {person['name']}")
    expect(undo).to_be_visible()
    box = undo.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= PHONE["width"], "the undo button is off the screen"

    tab_to(page, "Undo check-in", control("button", "Undo check-in"))
    assert focused(page)["onScreen"]
    keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"{person['name']}'s check-in is undone.")
    expect(count).to_contain_text(f"{checked_in} of {booked}")
