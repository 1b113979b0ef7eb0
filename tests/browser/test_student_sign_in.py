"""A student signs in with a link on a 375 px phone, with the keyboard alone: asks for the link,
opens it from the e-mail, sees their record and corrects their preferred name. Every page on the
way is checked with axe-core and fits the phone."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.support import Browse, Site, made_once, new_context
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_keyboard import control, field, focused, tab_to
from tests.browser.test_phones import PHONE, assert_fits_a_phone

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _phone_page(chromium: Browser, site: Site) -> Page:
    context = new_context(chromium, site)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    return page


def _link(element: dict[str, object], text: str) -> bool:
    return element.get("tag") == "a" and str(element.get("text", "")).startswith(text)


def _checked(page: Page, name: str, shots: Path) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, name)
    assert_fits_a_phone(page, name)
    page.screenshot(path=str(shots / f"{name.replace(' ', '-')}-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(shots / f"{name.replace(' ', '-')}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)


def test_a_student_signs_in_with_a_link_by_keyboard_on_a_phone(
    chromium: Browser, site: Site, browse: Browse, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("WIDEN_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    email = f"samira.{secrets.token_hex(3)}@students.example.ac.uk"
    made = made_once(site, "tests.students.mine.browser_setup", email)
    page = _phone_page(chromium, site)
    try:
        page.goto("/accounts/login/")
        tab_to(page, "the link to sign in with a link", lambda e: _link(e, "Sign in with a link"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with a link")
        _checked(page, "sign in with a link", shots)

        tab_to(page, "the e-mail field", field("Your e-mail address"))
        page.keyboard.type(email)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
        _checked(page, "check your e-mail", shots)

        link = site.link_in_latest_email(email, "/my/sign-in/")
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Widen")
        _checked(page, "open the sign-in link", shots)
        tab_to(page, "the Sign in button", control("button", "Sign in"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("My record")
        expect(page.get_by_text(f"At {made['provider']}").first).to_be_visible()
        expect(page.get_by_text("BSc Adult Nursing")).to_be_visible()
        expect(page.get_by_role("heading", name="Make signing in safer")).to_be_visible()
        _checked(page, "my record", shots)

        tab_to(page, "the correction link", lambda e: _link(e, "Correct your preferred name"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Correct your details")
        tab_to(page, "the preferred name", field("Preferred name"))
        page.keyboard.type("Sami")
        tab_to(page, "the term-time postcode", field("Term-time postcode"))
        page.keyboard.type("not a postcode")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Correct your details")
        assert focused(page), "the error summary or a field should hold the focus"
        _checked(page, "correct your details with an error", shots)
        tab_to(page, "the term-time postcode", field("Term-time postcode"))
        page.keyboard.press("Control+A")
        page.keyboard.type("E1 4NS")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("My record")
        expect(page.get_by_text("are saved")).to_be_visible()
        expect(page.locator("dd", has_text="E1 4NS")).to_be_visible()

        # The same link again: a clear page offering a new one.
        again = _phone_page(chromium, site)
        again.goto(link)
        expect(again.get_by_role("heading", level=1)).to_have_text(
            "This sign-in link no longer works"
        )
        expect(again.get_by_role("link", name="Get a new link")).to_be_visible()
        _checked(again, "a used sign-in link", shots)
    finally:
        page.context.close()
