"""The notifications pages, for the accessibility check (`tests/browser/test_accessibility.py`
adds them to its PAGES)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import REPOSITORY, Browse, Site

PERSON = "outreach"
_made: dict[str, dict[str, Any]] = {}


def notifications(site: Site) -> dict[str, Any]:
    """Three notifications for PERSON (made once per server)."""
    if site.base_url not in _made:
        completed = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "tests.notifications.browser_setup",
                site.people[PERSON].username,
            ],
            cwd=REPOSITORY,
            env=site.environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert completed.returncode == 0, f"setup failed:\n{completed.stderr[-3000:]}"
        _made[site.base_url] = json.loads(completed.stdout)
    return _made[site.base_url]


def _opened(page: Page, path: str, heading: str) -> Page:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path} answered {response.status}"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    return page


def notification_list(browse: Browse) -> Page:
    made = notifications(browse.site)
    page = _opened(browse.as_person(PERSON), "/notifications/", "Notifications")
    expect(page.get_by_role("link", name=made["subject"])).to_be_visible()
    return page


def one_notification(browse: Browse) -> Page:
    made = notifications(browse.site)
    return _opened(
        browse.as_person(PERSON), f"/notifications/{made['notification_id']}/", made["subject"]
    )


def notification_choices(browse: Browse) -> Page:
    return _opened(browse.as_person(PERSON), "/notifications/choices/", "Your notification choices")


def stop_emails_from_a_link(browse: Browse) -> Page:
    made = notifications(browse.site)
    return _opened(browse.anonymous(), made["stop_path"], "Stop e-mails")


NOTIFICATIONS_PAGES: dict[str, Callable[[Browse], Page]] = {
    "notifications": notification_list,
    "a notification": one_notification,
    "notification choices": notification_choices,
    "stop e-mails from a link": stop_emails_from_a_link,
}
