"""The check-in, programme, agenda and certificate pages, opened as their users open them, for
the accessibility check (`tests/browser/test_accessibility.py` adds them to its PAGES)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, made_for, opener, refused

ORGANISER = "outreach"  # the demo's QMUL outreach officer organises the event


def checkin_event(site: Site) -> dict[str, Any]:
    """A CPD conference starting within the hour, with bookings (made once per server)."""
    return made_for(site, "tests.browser.checkin_setup", ORGANISER)


check_in_list = opener(
    checkin_event, "/events/{event_id}/check-in/", "Check-in: {title}", person=ORGANISER
)


def check_in_list_searched_and_checked_in(browse: Browse) -> Page:
    event = checkin_event(browse.site)
    person = event["bookings"][2]
    page = check_in_list(browse)
    page.get_by_label("Name", exact=True).fill(person["name"].split()[1])
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name=f"Check in {person['name']}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{person['name']} is checked in.")
    return page


def check_in_from_the_qr_code(browse: Browse) -> Page:
    page = opener(
        checkin_event,
        "/events/{event_id}/check-in/scan/{bookings[1][code]}/",
        "Check in {bookings[1][name]}",
        person=ORGANISER,
    )(browse)
    expect(page.get_by_text("Step-free access")).to_be_visible()
    return page


programme = opener(checkin_event, "/events/{event_id}/programme/", "Programme: {title}")


def booking_day_page(browse: Browse) -> Page:
    person = checkin_event(browse.site)["bookings"][0]
    page = opener(
        checkin_event, "/events/booking/{bookings[0][token]}/agenda/", "Your day: {title}"
    )(browse)
    expect(
        page.get_by_role("img", name=f"QR code for checking in {person['name']}")
    ).to_be_visible()
    return page


def booking_day_page_with_a_clash(browse: Browse) -> Page:
    event = checkin_event(browse.site)
    page = booking_day_page(browse)
    page.get_by_label(event["talks"]["mentoring"]).check()
    page.get_by_label(event["talks"]["neurodiverse"]).check()
    return refused(page, "Save my agenda", "are on at the same time")


certificate_not_yet = opener(
    checkin_event,
    "/events/booking/{bookings[0][token]}/certificate.pdf",
    "No certificate yet",
    status=409,
)


CHECKIN_PAGES: dict[str, Callable[[Browse], Page]] = {
    "event check-in list": check_in_list,
    "event check-in list, searched and checked in": check_in_list_searched_and_checked_in,
    "event check-in from a booking's QR code": check_in_from_the_qr_code,
    "event programme (public)": programme,
    "booking: your day, agenda and QR code": booking_day_page,
    "booking: agenda with a clash": booking_day_page_with_a_clash,
    "booking: CPD certificate before check-in": certificate_not_yet,
}
