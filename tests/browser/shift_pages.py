"""The shift pages of student partners, for the accessibility check
(`tests/browser/test_accessibility.py` adds them to its PAGES): a student's open shifts, claiming
one, a shift of theirs, dropping and swapping it, and taking over a shift a colleague asked them
to, opened as a student signed in by a link; and the coordinator's week rota, adding a shift
(with errors), a shift's page and changing it, opened as the demo's QMUL outreach officer."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened, opener, refused

COORDINATOR = "outreach"
_EMAILS: dict[str, str] = {}


def made_shifts(site: Site) -> dict[str, Any]:
    email = _EMAILS.setdefault(
        site.base_url, f"samira.{secrets.token_hex(3)}@students.example.ac.uk"
    )
    return made_for(site, "tests.partners.shifts_browser_setup", COORDINATOR, then=(email,))


def as_student(browse: Browse) -> Page:
    return as_student_by_link(browse, made_shifts(browse.site)["email"])


def _student_opener(path: str, heading: str) -> Callable[[Browse], Page]:
    def open_page(browse: Browse) -> Page:
        page = as_student(browse)
        return opened(page, path.format_map(made_shifts(browse.site)), heading)

    return open_page


open_shifts = _student_opener("/partners/my-work/open-shifts/", "Open shifts")
claim_a_shift = _student_opener("/partners/my-work/open-shifts/{offered_id}/", "Open day tours")
my_shift = _student_opener("/partners/my-work/shifts/{booking_id}/", "Library tour")
drop_my_shift = _student_opener("/partners/my-work/shifts/{booking_id}/drop/", "Drop Library tour?")
swap_my_shift = _student_opener("/partners/my-work/shifts/{booking_id}/swap/", "Swap Library tour")
take_over_a_shift = _student_opener(
    "/partners/my-work/swaps/{swap_id}/", "Take over Question panel?"
)


def swap_my_shift_with_an_error(browse: Browse) -> Page:
    return refused(swap_my_shift(browse), "Ask them", "Choose a colleague to ask")


rota = opener(made_shifts, "/partners/rota/?week={week}", "Shift rota", person=COORDINATOR)
add_a_shift = opener(made_shifts, "/partners/shifts/new/", "Add a shift", person=COORDINATOR)


def add_a_shift_with_errors(browse: Browse) -> Page:
    return refused(add_a_shift(browse), "Add shift", "Enter a title")


def shift_page(browse: Browse) -> Page:
    facts = made_shifts(browse.site)
    page = opened(
        browse.as_person(COORDINATOR), "/partners/rota/?week=" + facts["week"], "Shift rota"
    )
    page.get_by_role("link", name="Open day tours").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open day tours")
    return page


def change_a_shift(browse: Browse) -> Page:
    page = shift_page(browse)
    page.get_by_role("link", name="Change the shift").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Open day tours")
    return page


SHIFT_PAGES: dict[str, Callable[[Browse], Page]] = {
    "open shifts": open_shifts,
    "claim a shift": claim_a_shift,
    "my shift": my_shift,
    "drop my shift": drop_my_shift,
    "swap my shift": swap_my_shift,
    "swap my shift, with an error": swap_my_shift_with_an_error,
    "take over a shift": take_over_a_shift,
    "shift rota": rota,
    "add a shift": add_a_shift,
    "add a shift, with errors": add_a_shift_with_errors,
    "a shift": shift_page,
    "change a shift": change_a_shift,
}
