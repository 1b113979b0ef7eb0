"""A student partner's journey on a phone (375 px wide), with the keyboard alone, each page
checked with axe-core on the way.

Samira cares for her mum. She signs in with a link, applies for a paid role saying so; the
coordinator (the demo's QMUL outreach officer) offers it and records her right to work check.
She sets a plan without Monday mornings, claims two open shifts that fit (the Monday-morning
one is never offered to her), and the day before the first she drops it, with no reason asked:
Leon, another partner, is offered it and takes it. She works the second; the coordinator
records it and drafts the timesheets, and she confirms hers. She claims her bus fares with a
photo of the ticket. The coordinator approves her timesheet and her claim and exports the
payroll file; QMUL's finance (the partnership admin, as a coordinator cannot pay) makes the
payment run, downloads its file and marks it paid; Samira sees her claim paid.

Each page is opened at its address (typed, or the link in an e-mail); everything on it is done
with Tab, Shift+Tab, Enter, Space, the arrow keys and typing. Staff sign in as the other browser
tests' cast does. What the pages cannot do is done by `tests.partners.journey_browser_setup`:
moving the worked shift into the past.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
import struct
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse, expect_saved, made_for, module_json
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_keyboard import choose, field, focused, skip_to_main, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 375, "height": 812}
COORDINATOR = "outreach"  # the demo's QMUL outreach officer coordinates QMUL's partners
FINANCE = "admin"  # the demo's QMUL partnership admin manages QMUL's payments
SETUP = "tests.partners.journey_browser_setup"
# Screenshots of each page, for people to look at (never read by the test), when asked for.
SHOTS = os.environ.get("WIDEN_SCREENSHOT_DIR", "")
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _png() -> bytes:
    """A real 8 × 8 PNG: a grey square, like a photo of a ticket taken in poor light."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\x80" * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def starts(tag: str, text: str) -> tuple[str, str]:
    """A link ("a") or button whose words, read out in full, start with `text`."""
    return (tag, text)


READ_OUT = "() => (document.activeElement.textContent || '').split(/\\s+/).join(' ').trim()"


def _named(page: Page, wanted: tuple[str, str]) -> Callable[[dict[str, Any]], bool]:
    tag, text = wanted
    return lambda element: element["tag"] == tag and page.evaluate(READ_OUT).startswith(text)


def checked(page: Page, name: str) -> None:
    """The page is axe-clean, fits the phone's width, and is kept as a screenshot."""
    assert_accessible(page, name)
    assert page.evaluate(FITS), f"the {name!r} page scrolls sideways at 375 px ({page.url})"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"journey {name}.png"), full_page=True)


def heading(page: Page) -> Any:
    return expect(page.get_by_role("heading", level=1))


def go(page: Page, path: str, title: str) -> None:
    """The address typed in; the page opens with its main content a Tab and Enter away."""
    page.goto(path)
    heading(page).to_have_text(title)
    skip_to_main(page)


def press(page: Page, what: str, wanted: tuple[str, str]) -> None:
    tab_to(page, what, _named(page, wanted))
    page.keyboard.press("Enter")


def typed(page: Page, label: str, text: str) -> None:
    tab_to(page, label, field(label))
    page.keyboard.type(text)


# The order a date field's parts are typed in follows the browser's own language, not the page's:
# found on the first date typed, then kept.
_DAY_FIRST: list[bool] = []


def date_typed(page: Page, label: str, day: date) -> None:
    """A date typed into the date field labelled `label`, part by part."""
    tab_to(page, label, field(label))
    box = page.get_by_label(label)
    if not _DAY_FIRST:
        assert day.day <= 12, "the first date typed must read as a date in either order"
        page.keyboard.type(f"{day:%d%m%Y}")
        _DAY_FIRST.append(box.input_value() == day.isoformat())
        if _DAY_FIRST[0]:
            return
        # Back to the field's first part, and typed again month first.
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
    page.keyboard.type(f"{day:%d%m%Y}" if _DAY_FIRST[0] else f"{day:%m%d%Y}")
    expect(box).to_have_value(day.isoformat())


def time_typed(page: Page, label: str, clock: str) -> None:
    """A time of day ("09:00", "13:00") typed into the next field labelled `label`. The field
    shows 12 or 24 hours as the browser's language has it: hours past noon are typed from 13 up
    (a 12-hour field turns them into PM), and a morning ends with "A" (AM; nothing in 24 hours).
    """
    tab_to(page, label, field(label))
    hours, minutes = clock.split(":")
    page.keyboard.type(hours + minutes + ("A" if int(hours) < 12 else ""))  # noqa: PLR2004
    assert page.evaluate("document.activeElement.value") == clock, f"{label} is not {clock}"


def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def signed_in_student(browse: Browse, email: str) -> Page:
    """A student signs in with the link sent to their address, by keyboard."""
    page = phone(browse.anonymous())
    page.goto("/my/sign-in/")
    typed(page, "Your e-mail address", email)
    page.keyboard.press("Enter")
    heading(page).to_have_text("Check your e-mail")
    # The server's worker sends the e-mail once it is free (it may be busy with the demo).
    page.goto(browse.site.link_in_latest_email(email, "/my/sign-in/", wait=180))
    press(page, "the Sign in button", starts("button", "Sign in"))
    heading(page).to_have_text("My record")
    return page


def downloaded(page: Page, what: str, wanted: tuple[str, str]) -> list[dict[str, str]]:
    """The CSV file the control downloads, as rows by heading."""
    tab_to(page, what, _named(page, wanted))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_student_partner_who_cares_for_her_mum_works_and_is_paid(browse: Browse) -> None:
    site = browse.site
    samira_email = f"samira.{secrets.token_hex(3)}@students.example.ac.uk"
    leon_email = f"leon.{secrets.token_hex(3)}@students.example.ac.uk"
    made = made_for(site, SETUP, COORDINATOR, then=(samira_email, leon_email))
    name, role = made["samira_name"], made["role_title"]

    # 1. Samira applies, saying what her caring means for the work.
    samira = signed_in_student(browse, samira_email)
    keyboard = samira.keyboard
    # Listen for file choosers from the start: Playwright intercepts them only some time after the
    # first listener, and a chooser opened before then (her receipt, later) is lost.
    samira.on("filechooser", lambda _: None)
    go(samira, "/partners/my/roles/", "Roles you can apply for")
    checked(samira, "roles to apply for")
    press(samira, f"Apply to be {role}", starts("a", f"Apply to be {role}"))
    heading(samira).to_have_text(f"Apply to be {role}")
    typed(samira, "Why this role?", "I want Year 12s like my brother to see they belong here.")
    typed(samira, "What would you bring?", "I care for my mum, so I know how to plan around a lot.")
    typed(
        samira,
        "Adjustments that would help",
        "I care for my mum: I may need to swap a shift at short notice.",
    )
    typed(
        samira,
        "Working patterns that suit you",
        "No Monday mornings: I take my mum to her hospital appointments.",
    )
    checked(samira, "apply, filled in")
    press(samira, "Send application", starts("button", "Send application"))
    expect_saved(samira, "Your application is sent.")
    heading(samira).to_have_text("My applications")
    checked(samira, "my applications")

    # 2. The coordinator reads it, offers the role and records her right to work check.
    coordinator = phone(browse.as_person(COORDINATOR))
    go(coordinator, "/partners/applications/", "Applications to decide")
    checked(coordinator, "applications to decide")
    press(
        coordinator,
        f"the application of {name}",
        starts("a", f"Read and decide the application of {name} to {role}"),
    )
    heading(coordinator).to_have_text(f"Application of {name}")
    expect(coordinator.get_by_text("I care for my mum: I may need to swap")).to_be_visible()
    expect(coordinator.get_by_text("No Monday mornings")).to_be_visible()
    checked(coordinator, "an application to decide")
    tab_to(coordinator, "Offer the role", field("Offer the role"))
    coordinator.keyboard.press("Space")
    typed(coordinator, "Note to the student", "Welcome! Swap or drop whenever you need to.")
    press(coordinator, "Save decision", starts("button", "Save decision"))
    expect_saved(coordinator, f"{name} is offered the role {role}")
    heading(coordinator).to_contain_text(name)
    tab_to(coordinator, "Right to work", field("Right to work"))
    coordinator.keyboard.press("Space")
    # Checked at the start of this month.
    date_typed(coordinator, "Completed on", date.today().replace(day=1))  # noqa: DTZ011
    press(coordinator, "Record check", starts("button", "Record check"))
    expect_saved(coordinator, f"Recorded the check “Right to work” for {name}")
    checked(coordinator, "a partner's checks")

    # 3. Her plan: Monday afternoons, and the other days she can work; no Monday mornings.
    go(samira, "/partners/my/plan/", "My plan")
    checked(samira, "my plan, before")
    press(samira, "Change my plan", starts("a", "Change my plan"))
    heading(samira).to_have_text("Change my plan")
    for day, start, end in [("Monday", "13:00", "19:00")] + [
        (d, "09:00", "19:00") for d in made["days"]
    ]:
        tab_to(samira, "Day", field("Day"))
        choose(samira, day)
        time_typed(samira, "From", start)
        time_typed(samira, "To", end)
    tab_to(samira, "On site", field("On site"))
    keyboard.press("Space")
    typed(samira, "What helps", "No Monday mornings.")
    typed(samira, "Your reasons (private)", "I take my mum to her appointments on Mondays.")
    checked(samira, "change my plan, filled in")
    press(samira, "Save my plan", starts("button", "Save my plan"))
    expect_saved(samira, "Your plan is saved.")
    expect(samira.get_by_text("No Monday mornings.")).to_be_visible()
    checked(samira, "my plan")

    # 4. She claims the two open shifts that fit; the Monday-morning one is not offered.
    go(samira, "/partners/my-work/open-shifts/", "Open shifts")
    expect(samira.get_by_role("heading", name=made["dropped_title"])).to_be_visible()
    expect(samira.get_by_role("heading", name=made["worked_title"])).to_be_visible()
    expect(samira.get_by_text(made["monday_title"])).to_have_count(0)
    checked(samira, "open shifts")
    for title in (made["dropped_title"], made["worked_title"]):
        go(samira, "/partners/my-work/open-shifts/", "Open shifts")
        press(samira, f"Claim {title}", starts("button", f"Claim {title}"))
        expect_saved(samira, f"{title} is yours.")
        heading(samira).to_have_text(title)
    checked(samira, "a shift of mine")

    # The day before the first, she drops it: one button, no reason asked.
    go(samira, "/partners/my-work/", "My work")
    checked(samira, "my work")
    press(samira, made["dropped_title"], starts("a", made["dropped_title"]))
    heading(samira).to_have_text(made["dropped_title"])
    press(samira, "Drop this shift", starts("a", "Drop this shift"))
    heading(samira).to_have_text(f"Drop {made['dropped_title']}?")
    expect(samira.locator("main textarea, main input[type=text]")).to_have_count(0)
    checked(samira, "drop a shift")
    press(samira, "Drop the shift", starts("button", "Drop the shift"))
    expect_saved(samira, f"You have dropped {made['dropped_title']}. Nothing counts against you")

    # Leon, on his own phone, is offered the place and takes it.
    leon = signed_in_student(browse, made["leon_email"])
    go(leon, "/partners/my-work/open-shifts/", "Open shifts")
    checked(leon, "open shifts, offered again")
    press(
        leon, f"Claim {made['dropped_title']}", starts("button", f"Claim {made['dropped_title']}")
    )
    expect_saved(leon, f"{made['dropped_title']} is yours.")

    # 5. She works the other shift (moved into the past: the server's clock is today's); the
    # coordinator records it, adds the week's pay period and drafts its timesheets.
    worked = module_json(
        site, SETUP, "worked", site.people[COORDINATOR].username, made["worked_id"]
    )
    go(coordinator, f"/partners/shifts/{made['worked_id']}/", made["worked_title"])
    assert focused(coordinator)["id"] == "main"
    checked(coordinator, "a shift to record")
    press(coordinator, f"Record for {name}", starts("button", f"Record for {name}"))
    expect_saved(coordinator, f"{name}'s time is recorded.")
    go(coordinator, "/partners/pay-periods/", "Pay periods")
    press(coordinator, "Add a pay period", starts("a", "Add a pay period"))
    heading(coordinator).to_have_text("Add a pay period")
    date_typed(coordinator, "First day", date.fromisoformat(worked["first_day"]))
    date_typed(coordinator, "Last day", date.fromisoformat(worked["last_day"]))
    date_typed(coordinator, "Pay date", date.fromisoformat(worked["pay_date"]))
    checked(coordinator, "add a pay period, filled in")
    press(coordinator, "Add pay period", starts("button", "Add pay period"))
    expect_saved(coordinator, f"Pay period {worked['pay_period']} added")
    heading(coordinator).to_have_text(f"Pay period {worked['pay_period']}")
    period = urlparse(coordinator.url).path
    press(coordinator, "Draft timesheets", starts("button", "Draft timesheets from worked shifts"))
    expect_saved(coordinator, "added to timesheets")
    checked(coordinator, "a pay period's timesheets")

    go(samira, "/partners/timesheets/", "My timesheets")
    checked(samira, "my timesheets")
    press(samira, "her timesheet", starts("a", worked["pay_period"]))
    heading(samira).to_have_text(f"Timesheet for {worked['pay_period']}")
    expect(samira.get_by_role("heading", name=made["worked_title"])).to_be_visible()
    expect(samira.locator("main .lede")).to_contain_text("£43.50")
    checked(samira, "my timesheet")
    press(samira, "Confirm my timesheet", starts("button", "Confirm my timesheet"))
    expect_saved(samira, "Your timesheet is confirmed.")

    # 6. Her bus fares, with a photo of the ticket taken on her phone.
    day = date.fromisoformat(worked["worked_on"])
    go(samira, "/partners/claims/mine/", "My claims and advances")
    press(samira, "Make a claim", starts("a", "Make a claim"))
    heading(samira).to_have_text("Make a claim")
    typed(samira, "What the claim is for", "Bus fares to the library tour")
    checked(samira, "make a claim")
    press(samira, "Start the claim", starts("button", "Start the claim"))
    expect_saved(samira, "Your claim is saved.")
    tab_to(samira, "What was it", field("What was it"))
    choose(samira, "Public transport")
    date_typed(samira, "The day you paid", day)
    typed(samira, "Description", "Two bus fares, there and back")
    typed(samira, "Amount, in pounds", "3.50")
    tab_to(samira, "Receipt", field("Receipt"))
    with samira.expect_file_chooser() as chooser:
        keyboard.press("Space")
    chooser.value.set_files(
        files=[{"name": "bus-ticket.png", "mimeType": "image/png", "buffer": _png()}]
    )
    press(samira, "Add this cost", starts("button", "Add this cost"))
    expect_saved(samira, "Two bus fares, there and back is added.")
    expect(samira.get_by_role("link", name="bus-ticket.png")).to_be_visible()
    checked(samira, "a claim with its receipt")
    press(samira, "Send to my coordinator", starts("button", "Send to my coordinator"))
    expect_saved(samira, "Your claim is sent to your coordinator.")

    # 7. The coordinator approves the timesheet and the claim, and exports the payroll file.
    go(coordinator, period, f"Pay period {worked['pay_period']}")
    press(coordinator, f"the timesheet of {name}", starts("a", name))
    heading(coordinator).to_contain_text(f"Timesheet of {name}")
    checked(coordinator, "a timesheet to approve")
    press(coordinator, "Approve timesheet", starts("button", "Approve timesheet"))
    expect_saved(coordinator, "is approved for payroll.")
    go(coordinator, period, f"Pay period {worked['pay_period']}")
    rows = downloaded(coordinator, "the payroll file", starts("button", "Export the payroll file"))
    hers = [row for row in rows if row["Family name"] == "Haddad" and row["Given name"] == "Samira"]
    assert len(hers) == 1, f"the payroll file has {len(hers)} rows of Samira's: {rows}"
    assert hers[0]["Description"] == made["worked_title"]
    assert hers[0]["Date worked"] == worked["worked_on"]
    assert hers[0]["Hours"] == "3.00"
    assert hers[0]["Gross pay"] == "43.50"

    go(coordinator, "/partners/claims/", "Expense claims")
    checked(coordinator, "expense claims")
    press(coordinator, "her claim", starts("a", "Bus fares to the library tour"))
    heading(coordinator).to_have_text("Bus fares to the library tour")
    checked(coordinator, "a claim to decide")
    press(coordinator, "Approve £3.50", starts("button", "Approve £3.50"))
    expect_saved(coordinator, "“Bus fares to the library tour” is approved")

    # She gives her bank details, so finance can pay her.
    go(samira, "/payments/", "My payments")
    press(samira, "Give bank details", starts("a", "Give bank details"))
    heading(samira).to_contain_text("Bank details")
    typed(samira, "Name on the account", name)
    typed(samira, "Sort code", "200000")
    typed(samira, "Account number", "55779911")
    checked(samira, "my bank details")
    press(samira, "Save bank details", starts("button", "Save bank details"))
    expect_saved(samira, "Bank details saved")

    # QMUL's finance pays what is owed in a payment run: its file, then marked paid.
    finance = phone(browse.as_person(FINANCE))
    go(finance, "/payments/runs/", "Payment runs")
    tab_to(finance, "Pay the people owed money by", field("Pay the people owed money by"))
    choose(finance, site.people[COORDINATOR].organisation)
    press(finance, "Make the run", starts("button", "Make the run"))
    expect_saved(finance, "made:")
    checked(finance, "a draft payment run")
    press(finance, "Export the run", starts("button", "Export the run"))
    expect_saved(finance, "is exported")
    rows = downloaded(finance, "the finance file", starts("a", "Download the file"))
    hers = [row for row in rows if row["Payee name"] == name]
    assert len(hers) == 1, f"the finance file has {len(hers)} rows for {name}: {rows}"
    assert hers[0]["Amount"] == "3.50"
    assert hers[0]["Sort code"] == "200000"
    assert hers[0]["Account number"] == "55779911"
    date_typed(finance, "Date paid", date.today())  # noqa: DTZ011 - the browser's own day
    press(finance, "Mark paid", starts("button", "Mark paid"))
    expect_saved(finance, "is marked paid")
    checked(finance, "a paid payment run")

    # Samira sees her claim paid.
    go(samira, "/partners/claims/mine/", "My claims and advances")
    row = samira.get_by_role("row").filter(has_text="Bus fares to the library tour")
    expect(row).to_contain_text("Paid")
    checked(samira, "my claims, paid")
    press(samira, "her claim", starts("a", "Bus fares to the library tour"))
    expect(samira.locator("main .lede")).to_contain_text("Paid")
    expect(samira.get_by_text("Paid on", exact=True)).to_be_visible()
    checked(samira, "my claim, paid")
