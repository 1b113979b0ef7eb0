"""A student adds a passkey in a real Chromium (its virtual authenticator standing in for the
phone's fingerprint) and signs in with it: after the next link, and then with the passkey alone.

A passkey needs a domain name, so this test reaches the server at localhost (Widen accepts
http://localhost on any port in development), not at the address the other tests use."""

from __future__ import annotations

import re
import secrets
import time

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.support import Site, made_once

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TIMEOUT_MS = 20_000


def _on_localhost(chromium: Browser, site: Site) -> BrowserContext:
    base_url = site.base_url.replace("127.0.0.1", "localhost")
    context = chromium.new_context(base_url=base_url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _with_a_passkey_device(context: BrowserContext, page: Page) -> None:
    """This browser gets a phone-like authenticator that confirms the person at once."""
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


def _sign_in_by_link(page: Page, site: Site, email: str, used: set[str]) -> None:
    """Ask for a link, wait for the new e-mail (not the one before), and open it."""
    page.goto("/my/sign-in/")
    page.get_by_label("Your e-mail address").fill(email)
    page.get_by_role("button", name="E-mail me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    deadline = time.monotonic() + 30
    link = site.link_in_latest_email(email, "/my/sign-in/")
    while link in used and time.monotonic() < deadline:
        time.sleep(0.25)
        link = site.link_in_latest_email(email, "/my/sign-in/")
    assert link not in used, "No new sign-in link arrived."
    used.add(link)
    page.goto(link)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_a_student_adds_a_passkey_then_signs_in_with_it(chromium: Browser, site: Site) -> None:
    email = f"priya.{secrets.token_hex(3)}@students.example.ac.uk"
    made_once(site, "tests.students.mine.browser_setup", email)
    context = _on_localhost(chromium, site)
    used: set[str] = set()
    try:
        page = context.new_page()
        _with_a_passkey_device(context, page)
        _sign_in_by_link(page, site, email, used)
        expect(page.get_by_role("heading", level=1)).to_have_text("My record")
        page.wait_for_load_state("networkidle")  # the passkey script is ready
        page.get_by_role("button", name="Add a passkey").click()
        # Once added, the page says so and offers it no more.
        # (made in the browser, then checked and saved by the server: a loaded machine is slow)
        expect(page.get_by_text("You have a passkey")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("button", name="Add a passkey")).to_have_count(0)

        # The next link asks for the passkey before the student's pages.
        page.get_by_role("button", name="Sign out").click()
        _sign_in_by_link(page, site, email, used)
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
        page.goto("/my/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
        page.get_by_role("button", name="Use your passkey").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My record")

        # And it signs them in alone, with no e-mail.
        page.get_by_role("button", name="Sign out").click()
        page.goto("/my/sign-in/")
        page.get_by_role("button", name="Sign in with a passkey").click()
        expect(page).not_to_have_url(re.compile(r"/my/sign-in/$"))
        page.goto("/my/")
        expect(page.get_by_role("heading", level=1)).to_have_text("My record")
    finally:
        context.close()
