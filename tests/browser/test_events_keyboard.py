"""A parent books a place on a phone-sized screen with the keyboard alone, and the page fits."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import Browse
from tests.browser.test_keyboard import control, field, focused, skip_to_main, tab_to
from widen.demo.events import PARENTS_EVENT

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 375, "height": 740}
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def test_booking_by_keyboard_on_a_phone_sized_screen(browse: Browse) -> None:
    page = browse.anonymous()
    page.set_viewport_size(PHONE)
    keyboard = page.keyboard
    page.goto("/events/public/")
    assert page.evaluate(FITS), "the public events list scrolls sideways at 375 px"
    skip_to_main(page)
    tab_to(page, "the event's link", control("a", PARENTS_EVENT))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(PARENTS_EVENT)
    assert page.evaluate(FITS), "the booking form scrolls sideways at 375 px"

    # Submitted empty first: the error summary lists each problem with a link to its field.
    tab_to(page, "Book a place", control("button", "Book a place"))
    keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    # Focus is on the error summary, so the next Tab stop is its first link.
    assert page.evaluate(
        "() => document.activeElement && document.activeElement.closest('.error-summary') !== null"
    ), "focus is not on the error summary after a refused booking"
    tab_to(
        page,
        "the first error's link",
        lambda e: e["tag"] == "a" and "your name" in e["text"].lower(),
    )
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#id_name$"))

    tab_to(page, "Your name", field("Your name"))
    keyboard.type("Kay Keyboard")
    tab_to(page, "Your e-mail address", field("Your e-mail address"))
    keyboard.type("kay.keyboard@example.org")
    tab_to(page, "Coming as", field("Learner"))
    keyboard.press("ArrowDown")  # Parent or carer
    assert focused(page)["label"].startswith("Parent or carer")
    tab_to(page, "Access requirements", field("Access requirements"))
    keyboard.type("Step-free access, please")
    tab_to(page, "Book a place", control("button", "Book a place"))
    keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is booked")
    assert page.evaluate(FITS), "the confirmation scrolls sideways at 375 px"
    link = page.locator("#booking-link")
    expect(link).to_have_attribute("href", re.compile(r"/events/booking/[\w-]+/$"))
    tab_to(page, "the booking link", lambda e: e["tag"] == "a" and "/events/booking/" in e["text"])
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking")
    expect(page.get_by_label("Access requirements")).to_have_value("Step-free access, please")
