"""The check-in, programme, agenda and certificate pages, opened as their users open them, for
the accessibility check (`tests/browser/test_accessibility.py` adds them to its PAGES)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import REPOSITORY, Browse, Site

ORGANISER = "outreach"  # the demo's QMUL outreach officer organises the event
_events: dict[str, dict[str, Any]] = {}


def checkin_event(site: Site) -> dict[str, Any]:
    """A CPD conference starting within the hour, with bookings (made once per server)."""
    if site.base_url not in _events:
        username = site.people[ORGANISER].username
        completed = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "tests.browser.checkin_setup", username],
            cwd=REPOSITORY,
            env=site.environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert completed.returncode == 0, f"checkin_setup failed:\n{completed.stderr[-3000:]}"
        _events[site.base_url] = json.loads(completed.stdout)
    return _events[site.base_url]


def _opened(page: Page, path: str, heading: str, status: int = 200) -> Page:
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}, not {status}"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    return page


def check_in_list(browse: Browse) -> Page:
    event = checkin_event(browse.site)
    return _opened(
        browse.as_person(ORGANISER),
        f"/events/{event['event_id']}/check-in/",
        f"Check-in: {event['title']}",
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
    event = checkin_event(browse.site)
    person = event["bookings"][1]
    page = _opened(
        browse.as_person(ORGANISER),
        f"/events/{event['event_id']}/check-in/scan/{person['code']}/",
        f"Check in {person['name']}",
    )
    expect(page.get_by_text("Step-free access")).to_be_visible()
    return page


def programme(browse: Browse) -> Page:
    event = checkin_event(browse.site)
    return _opened(
        browse.anonymous(),
        f"/events/{event['event_id']}/programme/",
        f"Programme: {event['title']}",
    )


def booking_day_page(browse: Browse) -> Page:
    event = checkin_event(browse.site)
    person = event["bookings"][0]
    page = _opened(
        browse.anonymous(),
        f"/events/booking/{person['token']}/agenda/",
        f"Your day: {event['title']}",
    )
    expect(
        page.get_by_role("img", name=f"QR code for checking in {person['name']}")
    ).to_be_visible()
    return page


def booking_day_page_with_a_clash(browse: Browse) -> Page:
    event = checkin_event(browse.site)
    page = booking_day_page(browse)
    page.get_by_label(event["talks"]["mentoring"]).check()
    page.get_by_label(event["talks"]["neurodiverse"]).check()
    page.get_by_role("button", name="Save my agenda").click()
    expect(page.get_by_role("alert")).to_contain_text("are on at the same time")
    return page


def certificate_not_yet(browse: Browse) -> Page:
    event = checkin_event(browse.site)
    person = event["bookings"][0]
    return _opened(
        browse.anonymous(),
        f"/events/booking/{person['token']}/certificate.pdf",
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
