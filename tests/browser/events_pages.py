"""The events pages, organisers' and public, opened as their users open them, for the
accessibility check (`tests/browser/test_accessibility.py` adds them to its PAGES).

They use the demo's events (`widen.demo.events`): QMUL's outreach officer organises them. A
booking made here goes through the public form, as a parent would make it, so the pages see the
one-time link exactly as it is shown. (Bookings are limited to 10 an hour from one address, and
every browser test comes from the same one: these pages make three.)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, opened, refused
from widen.demo.events import CONFERENCE, CPD_EVENT, PARENTS_EVENT

ORGANISER = "outreach"  # the demo's QMUL outreach officer runs the demo events


def events_list(browse: Browse) -> Page:
    return opened(browse.as_person(ORGANISER), "/events/", "Events")


def _event_page(browse: Browse, title: str) -> Page:
    page = events_list(browse)
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page


def event_detail(browse: Browse) -> Page:
    return _event_page(browse, PARENTS_EVENT)


def add_an_event_with_errors(browse: Browse) -> Page:
    page = events_list(browse)
    page.get_by_role("link", name=re.compile(r"^Add an event to ")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add an event")
    return refused(page, "Add event")


def invitation_link_shown_once(browse: Browse) -> Page:
    page = events_list(browse)
    page.get_by_role("link", name=re.compile(r"^Add an event to ")).first.click()
    page.get_by_label("Title").fill("Care leavers' residential: invitation only")
    page.get_by_label("Kind of event").select_option(label="Campus event")
    page.get_by_label("Starts").fill("2030-07-01T10:00")
    page.get_by_label("Ends").fill("2030-07-02T15:00")
    page.get_by_label("Venue").fill("Mile End campus")
    page.get_by_label("Invitation only: people need the invitation link").check()
    page.get_by_role("button", name="Add event").click()
    expect(page.get_by_role("textbox", name="Invitation link")).to_be_visible()
    return page


def change_an_event(browse: Browse) -> Page:
    page = event_detail(browse)
    page.get_by_role("link", name="Change the event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Change {PARENTS_EVENT}")
    return page


def strands_talks_and_presenters(browse: Browse) -> Page:
    page = _event_page(browse, CONFERENCE)
    page.get_by_role("link", name="Strands, talks and presenters").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strands, talks and presenters")
    expect(page.get_by_text("Jordan Lee (student")).to_be_visible()
    return page


def bookings_with_adjustments(browse: Browse) -> Page:
    page = event_detail(browse)
    page.get_by_role("link", name="Bookings", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bookings")
    expect(page.get_by_text("Step-free access and a seat near the front")).to_be_visible()
    return page


def bookings_asking_to_cancel(browse: Browse) -> Page:
    page = bookings_with_adjustments(browse)
    page.get_by_role("link", name="Cancel Farah Ahmed's booking").click()
    expect(page.get_by_role("heading", name="Cancel Farah Ahmed's booking?")).to_be_visible()
    return page


def group_booking_with_an_error(browse: Browse) -> Page:
    page = _event_page(browse, CPD_EVENT)
    page.get_by_role("link", name="Book a group of learners").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a group of learners")
    page.get_by_label("A school's pupils").check()
    return refused(page, "Book these learners")


def public_events(browse: Browse) -> Page:
    return opened(browse.anonymous(), "/events/public/", "Events you can book")


def public_event(browse: Browse) -> Page:
    page = public_events(browse)
    page.get_by_role("link", name=PARENTS_EVENT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PARENTS_EVENT)
    return page


def public_event_with_errors(browse: Browse) -> Page:
    return refused(
        public_event(browse), "Book a place", filled={"Your e-mail address": "not an address"}
    )


def _book(browse: Browse, name: str) -> Page:
    page = public_event(browse)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your e-mail address").fill("a.parent@example.org")
    page.get_by_label("Parent or carer").check()
    page.get_by_label("Access requirements (optional)").fill("A hearing loop, please")
    page.get_by_role("group", name="Are you attending as a care-experienced learner?").get_by_label(
        "No"
    ).check()
    page.get_by_role("group", name="Are you attending as a disabled learner?").get_by_label(
        "No"
    ).check()
    page.get_by_role("button", name="Book a place").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your place is booked")
    return page


def booking_made(browse: Browse) -> Page:
    return _book(browse, "Ada Accessible")


def booking_page_changed_and_cancel_step(browse: Browse) -> Page:
    page = _book(browse, "Bo Booker")
    page.locator("#booking-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking")
    page.get_by_label("Your name").fill("Bo Booker-Smith")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Your booking has been changed.")
    return page


def cancel_a_booking_with_an_error(browse: Browse) -> Page:
    page = _book(browse, "Cy Canceller")
    page.locator("#booking-link").click()
    page.get_by_role("link", name="Cancel your booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your booking")
    return refused(page, "Continue")


def wrong_booking_link(browse: Browse) -> Page:
    return opened(
        browse.anonymous(), "/events/booking/not-a-real-link/", "Page not found", status=404
    )


EVENTS_PAGES: dict[str, Callable[[Browse], Page]] = {
    "events (organisers)": events_list,
    "event (organisers)": event_detail,
    "add an event, with errors": add_an_event_with_errors,
    "event with its invitation link shown once": invitation_link_shown_once,
    "change an event": change_an_event,
    "strands, talks and presenters": strands_talks_and_presenters,
    "event bookings, with adjustments": bookings_with_adjustments,
    "event bookings, asking to cancel one": bookings_asking_to_cancel,
    "book a group of learners, with an error": group_booking_with_an_error,
    "public events": public_events,
    "public event and booking form": public_event,
    "public event, booking with errors": public_event_with_errors,
    "booking made, with its link": booking_made,
    "booking link page, after a change": booking_page_changed_and_cancel_step,
    "cancel a booking, with an error": cancel_a_booking_with_an_error,
    "wrong booking link": wrong_booking_link,
}
