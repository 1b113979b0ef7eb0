"""The notifications pages, for the accessibility check (`tests/browser/test_accessibility.py`
adds them to its PAGES)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, made_for, opened, opener

PERSON = "outreach"


def notifications(site: Site) -> dict[str, Any]:
    """Three notifications for PERSON (made once per server)."""
    return made_for(site, "tests.notifications.browser_setup", PERSON)


def notification_list(browse: Browse) -> Page:
    made = notifications(browse.site)
    page = opened(browse.as_person(PERSON), "/notifications/", "Notifications")
    expect(page.get_by_role("link", name=made["subject"])).to_be_visible()
    return page


one_notification = opener(
    notifications, "/notifications/{notification_id}/", "{subject}", person=PERSON
)


def notification_choices(browse: Browse) -> Page:
    return opened(browse.as_person(PERSON), "/notifications/choices/", "Your notification choices")


def stop_emails_from_a_link(browse: Browse) -> Page:
    made = notifications(browse.site)
    return opened(browse.anonymous(), made["stop_path"], "Stop e-mails")


NOTIFICATIONS_PAGES: dict[str, Callable[[Browse], Page]] = {
    "notifications": notification_list,
    "a notification": one_notification,
    "notification choices": notification_choices,
    "stop e-mails from a link": stop_emails_from_a_link,
}
