"""A student's "Your passkeys" pages, for the accessibility check
(`tests/browser/test_accessibility.py` adds them to its PAGES): the list, with the passkey they
added from "My record", and removing it (the confirmation).

A passkey needs a domain name, so these pages are opened at localhost (as
tests/browser/test_student_passkey.py does), in a browser with a virtual authenticator standing
in for the phone; the session, once the passkey is added, is kept for the next page."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import DEFAULT_TIMEOUT_MS, Browse, made_once

_SESSIONS: dict[str, Any] = {}


def _context(browse: Browse, storage_state: Any = None) -> BrowserContext:
    context = browse._chromium.new_context(  # noqa: SLF001 - a context at localhost
        base_url=browse.site.base_url.replace("127.0.0.1", "localhost"),
        locale="en-GB",
        storage_state=storage_state,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    browse._contexts.append(context)  # noqa: SLF001 - closed with the test's others
    return context


def _with_a_passkey_device(context: BrowserContext, page: Page) -> None:
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def as_student_with_a_passkey(browse: Browse) -> Page:
    """A page of a student signed in by link who added a passkey from "My record"."""
    state = _SESSIONS.get(browse.site.base_url)
    if state is not None:
        return _context(browse, state).new_page()
    email = f"nadia.{secrets.token_hex(3)}@students.example.ac.uk"
    made_once(browse.site, "tests.students.mine.browser_setup", email)
    context = _context(browse)
    page = context.new_page()
    _with_a_passkey_device(context, page)
    page.goto("/my/sign-in/")
    page.get_by_label("Your e-mail address").fill(email)
    page.get_by_role("button", name="E-mail me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    page.goto(browse.site.link_in_latest_email(email, "/my/sign-in/", wait=180))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My record")
    # The button works once the page's passkey script has loaded: on a loaded machine a click
    # before then does nothing.
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Add a passkey").click()
    # The passkey is made in the browser, then checked and saved by the server: give a loaded
    # machine time for both.
    expect(page.get_by_text("You have a passkey")).to_be_visible(timeout=60_000)
    _SESSIONS[browse.site.base_url] = context.storage_state()
    return page


def your_passkeys(browse: Browse) -> Page:
    page = as_student_with_a_passkey(browse)
    page.goto("/my/")
    page.get_by_role("link", name="Your passkeys").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your passkeys")
    return page


def remove_a_passkey(browse: Browse) -> Page:
    page = your_passkeys(browse)
    page.get_by_role("link", name="Remove").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove this passkey?")
    return page


PASSKEY_PAGES: dict[str, Callable[[Browse], Page]] = {
    "your passkeys": your_passkeys,
    "remove a passkey": remove_a_passkey,
}
