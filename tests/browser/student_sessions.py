"""A student signed in by a one-time link, for the browser tests of the pages only students
have: the link is asked for once per server and address (the server's worker sends it once it
is free: it may be busy with the demo), and the session it opens is reused by every later page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, new_context

_SESSIONS: dict[tuple[str, str], Any] = {}
_LINKS_ASKED: set[tuple[str, str]] = set()


def as_student_by_link(browse: Browse, email: str) -> Page:
    """A page signed in as the student whose contact address is `email`."""
    site = browse.site
    key = (site.base_url, email)
    if key not in _SESSIONS:
        context = new_context(browse._chromium, site)  # noqa: SLF001 - the student's own context
        try:
            page = context.new_page()
            if key not in _LINKS_ASKED:
                page.goto("/my/sign-in/")
                page.get_by_label("Your e-mail address").fill(email)
                page.get_by_label("Your e-mail address").press("Enter")
                expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
                _LINKS_ASKED.add(key)
            page.goto(site.link_in_latest_email(email, "/my/sign-in/", wait=180))
            page.get_by_role("button", name="Sign in").click()
            expect(page).not_to_have_url(re.compile("/my/sign-in/"))
            _SESSIONS[key] = context.storage_state()
        finally:
            context.close()
    return browse._page(_SESSIONS[key])  # noqa: SLF001 - a session of a student, not of the cast
