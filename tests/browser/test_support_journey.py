"""A care-experienced student's support journey on a phone (375 px wide), with the keyboard
alone, each page checked with axe-core on the way.

Jade has been in care. The enrolment import finds her: QMUL's partnership admin (who manages its
students) uploads the student record system's export, in its own column names, with her care
leaver code. The student support adviser (the demo's Nadia Okafor) works out who is eligible for
the care leavers' scheme and invites everyone eligible; Jade is e-mailed, signs in with a link
and joins. Nadia offers the scheme's £1,000 bursary in three instalments; Jade accepts it, sees
its schedule and gives her bank details. Jade asks for an appointment about somewhere to live;
Nadia books it, opens a case from the request, refers her to her personal adviser with her
consent (when and how), keeps a private note and shares what was agreed, and closes the case
with an outcome: Jade sees it closed and what was agreed, never the private note.

The first instalment's day comes while she is enrolled, and it falls due; she interrupts her
studies (recorded on her student record), and on the next instalment's day it is held, saying
why, to Nadia and to Jade. QMUL's finance makes the payment run: its file pays Jade exactly the
instalment due, £333.34, and once it is marked paid Jade sees it paid.

Each page is opened at its address (typed, or a link in an e-mail); everything on it is done
with Tab, Shift+Tab, Enter, Space, the arrow keys and typing. Staff sign in as the other browser
tests' cast does. What the pages cannot do is done by `tests.support.journey_browser_setup`:
the scheme and its award scheme (with instalment days that have come), and the nightly job
`instalments_fall_due` on each instalment's day.
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, expect_saved, made_for, module_json
from tests.browser.test_keyboard import choose, field, focused, tab_to
from tests.browser.test_partner_journey import (
    _DAY_FIRST,
    checked,
    date_typed,
    downloaded,
    go,
    heading,
    phone,
    press,
    signed_in_student,
    starts,
    typed,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ADVISER = "adviser"  # the demo's QMUL student support adviser, Nadia Okafor
MANAGER = "admin"  # the demo's QMUL partnership admin: manages QMUL's students and payments
FINANCE = "admin"
SETUP = "tests.support.journey_browser_setup"
WAIT_MS = 60_000  # the machine may be busy: pages and e-mails are given time
# The student record system's export, in its own (SITS and HESA) column names.
HEADINGS = [
    "STU_CODE", "STU_FNM1", "STU_SURN", "STU_DOB", "STU_CAEM", "CRS_NAME", "SCE_BLOK",
    "SCJ_BEGD", "SCE_STAC", "SCE_STAD", "CARELEAVER",
]  # fmt: skip


def _uk(day: date) -> str:
    """The day as a pattern: "3 December 2026" or "3 Dec 2026"."""
    return rf"\b{day.day} {day:%b}[a-z]* {day.year}(?!\d)"


def _export(folder: Path, rows: list[list[str]]) -> Path:
    path = folder / "enrolments.csv"
    path.write_text("\r\n".join(",".join(row) for row in [HEADINGS, *rows]) + "\r\n")
    return path


def _email_about(site: Site, address: str, subject: str, wait: float = 180) -> str:
    """The text of the newest e-mail to `address` whose subject holds `subject`, waiting for the
    server's worker to send it."""
    deadline = time.monotonic() + wait
    while True:
        for message in reversed(site.inbox(address)):
            if subject in str(message["Subject"]):
                body = message.get_body(preferencelist=("plain",))
                return body.get_content() if body is not None else ""
        if time.monotonic() >= deadline:
            raise AssertionError(f"No e-mail about {subject!r} reached {address}.")
        time.sleep(0.5)


def datetime_typed(page: Page, label: str, when: date, clock: str) -> None:
    """A day and time typed into the date-and-time field labelled `label`, part by part: the
    day's parts in the browser's own order (as `date_typed` finds it: tried day first, and typed
    again month first if the field read it otherwise), then the time."""
    assert when.day <= 12, "the day must read as a date in either order"  # noqa: PLR2004
    hours, minutes = clock.split(":")
    box = page.get_by_label(label)
    orders = [_DAY_FIRST[0]] if _DAY_FIRST else [True, False]
    for day_first in orders:
        tab_to(page, label, field(label))
        page.keyboard.type(f"{when:%d%m%Y}" if day_first else f"{when:%m%d%Y}")
        page.keyboard.press("Tab")
        page.keyboard.type(hours + minutes + ("A" if int(hours) < 12 else ""))  # noqa: PLR2004
        if box.input_value() == f"{when.isoformat()}T{clock}":
            if not _DAY_FIRST:
                _DAY_FIRST.append(day_first)
            return
        # Out of the field, backwards, to type it again from its first part.
        for _ in range(10):
            if not focused(page).get("label", "").startswith(label):
                break
            page.keyboard.press("Shift+Tab")
    expect(box).to_have_value(f"{when.isoformat()}T{clock}")


def _reloaded_until(page: Page, text: re.Pattern[str], wait: float = 120) -> None:
    """`text` shows on the page once the server's worker has done its part (reloading)."""
    deadline = time.monotonic() + wait
    while not page.get_by_text(text).count():
        if time.monotonic() >= deadline:
            raise AssertionError(f"{text!r} never showed on {page.url}")
        time.sleep(2)
        page.reload()


def test_a_care_experienced_student_is_found_supported_and_paid(
    browse: Browse, tmp_path: Path
) -> None:
    site = browse.site
    made = made_for(site, SETUP, ADVISER)
    scheme, award = made["scheme_name"], made["award_name"]
    first_day, next_day, _ = (date.fromisoformat(day) for day in made["days"])
    today = date.today()  # noqa: DTZ011 - the server's and the browser's day
    mark = secrets.token_hex(3).upper()
    number = f"JW{mark}"
    name = "Jade Whitfield"
    email = f"jade.{mark.lower()}@students.example.ac.uk"
    enrolled_on = today.replace(day=1) - timedelta(days=60)
    export = _export(
        tmp_path,
        [
            [number, "Jade", "Whitfield", "14/03/2006", email, "BA English", "1",
             f"{enrolled_on:%d/%m/%Y}", "C", f"{enrolled_on:%d/%m/%Y}", "01"],
            [f"RO{mark}", "Reuben", "Osei", "02/11/2005", f"reuben.{mark.lower()}@example.ac.uk",
             "BSc Physics", "1", f"{enrolled_on:%d/%m/%Y}", "C", f"{enrolled_on:%d/%m/%Y}", "03"],
        ],
    )  # fmt: skip

    # 1. The enrolment import: QMUL's student list, with Jade's care leaver code.
    manager = phone(browse.as_person(MANAGER))
    manager.on("filechooser", lambda _: None)
    go(manager, "/students/import/", "Import students")
    checked(manager, "import students")
    if manager.get_by_label("Provider").count():
        tab_to(manager, "Provider", field("Provider"))
        choose(manager, site.people[MANAGER].organisation)
    tab_to(manager, "Student list", field("Student list"))
    with manager.expect_file_chooser() as chooser:
        manager.keyboard.press("Space")
    chooser.value.set_files(export)
    press(manager, "Upload and check", starts("button", "Upload and check"))
    heading(manager).to_have_text(f"Check {export.name}", timeout=WAIT_MS)
    expect(manager.locator("#student-import-added")).to_contain_text(name)
    checked(manager, "student import, checked")
    press(manager, "Import the students", starts("button", "Import the students"))
    expect_saved(manager, "Imported")
    checked(manager, "student import, imported")

    # 2. Nadia works out who the scheme is for, and invites everyone eligible.
    adviser = phone(browse.as_person(ADVISER))
    go(adviser, f"/support/schemes/{made['scheme_id']}/", scheme)
    press(adviser, "Work out who is eligible", starts("button", "Work out who is eligible"))
    expect_saved(adviser, "Worked out")
    jade_eligible = adviser.get_by_role("row").filter(has_text=name)
    expect(jade_eligible).to_contain_text(re.compile("care", re.IGNORECASE))
    # Reuben's record says he has not been in care (CARELEAVER 03): he is not eligible.
    expect(adviser.get_by_role("row").filter(has_text="Reuben Osei")).to_have_count(0)
    checked(adviser, "a scheme, worked out")
    press(adviser, "Members and invitations", starts("a", "Members and invitations"))
    heading(adviser).to_have_text(f"Members of {scheme}")
    press(adviser, "Invite everyone eligible", starts("button", "Invite everyone eligible"))
    expect_saved(adviser, "Invited")
    checked(adviser, "a scheme's members, invited")

    # The import found her: Nadia opens her support record from the students it found.
    go(adviser, "/support/records/", "Support records")
    expect(adviser.get_by_role("row").filter(has_text=name)).to_contain_text("Care experienced")
    checked(adviser, "support records, found at enrolment")
    press(adviser, f"Open a record for {name}", starts("button", f"Open a record for {name}"))
    expect_saved(adviser, f"Opened the support record of {name}.")
    heading(adviser).to_have_text(f"{name}: support record")
    record = urlparse(adviser.url).path

    # 3. Jade is e-mailed why she is invited; she signs in with a link and joins.
    invitation = _email_about(site, email, f"You are invited to join {scheme}")
    assert "Why you are eligible" in invitation, invitation
    jade = signed_in_student(browse, email)
    go(jade, "/support/mine/", "My support schemes")
    checked(jade, "my support schemes, invited")
    press(jade, f"Join {scheme}", starts("button", f"Join {scheme}"))
    expect_saved(jade, f"You are a member of {scheme}.")
    checked(jade, "my support schemes, a member")

    # 4. Nadia offers the bursary to the members; Jade accepts it and sees its schedule.
    go(adviser, f"/support/awards/{made['award_scheme_id']}/", f"{award} {made['academic_year']}")
    press(adviser, "Offer to members", starts("button", "Offer to members"))
    expect_saved(adviser, "Offered to 1 member")
    checked(adviser, "an award scheme, offered")

    go(jade, "/support/mine/awards/", "My awards")
    expect(jade.get_by_role("heading", name=f"{award} {made['academic_year']}")).to_be_visible()
    checked(jade, "my awards, offered")
    press(jade, f"Accept {award}", starts("button", f"Accept {award}"))
    expect_saved(jade, f"You have accepted {award}.")
    schedule = jade.get_by_role("table", name=f"When {award} is paid")
    expect(schedule.get_by_role("row")).to_have_count(4)
    for number_, (day, amount) in enumerate(
        zip(
            (first_day, next_day, date.fromisoformat(made["days"][2])),
            ("£333.34", "£333.33", "£333.33"),
            strict=True,
        ),
        start=1,
    ):
        row = schedule.get_by_role("row").nth(number_)
        expect(row).to_contain_text(re.compile(_uk(day)))
        expect(row).to_contain_text(amount)
    checked(jade, "my awards, accepted")
    press(jade, "Give your bank details", starts("a", "Give your bank details"))
    heading(jade).to_contain_text("Bank details")
    typed(jade, "Name on the account", name)
    typed(jade, "Sort code", "200000")
    typed(jade, "Account number", "31926819")
    checked(jade, "my bank details")
    press(jade, "Save bank details", starts("button", "Save bank details"))
    expect_saved(jade, "Bank details saved")

    # 5. Jade asks for an appointment about somewhere to live.
    go(jade, "/support/mine/cases/", "My support cases")
    checked(jade, "my support cases, none")
    press(jade, "Ask for an appointment", starts("a", "Ask for an appointment"))
    heading(jade).to_have_text("Ask for an appointment")
    tab_to(jade, "What would you like help with?", field("What would you like help with?"))
    choose(jade, "Accommodation")
    typed(
        jade,
        "Tell us a little more",
        "My halls contract ends in June and I have nowhere to go for the summer.",
    )
    typed(jade, "When suits you", "Tuesday afternoons")
    checked(jade, "ask for an appointment, filled in")
    press(jade, "Send the request", starts("button", "Send the request"))
    expect_saved(jade, "Your request is sent.")

    # 6. Nadia books it and opens a case from the request.
    go(adviser, "/support/appointments/", "Appointments")
    checked(adviser, "appointments asked for")
    press(adviser, f"the request of {name}", starts("a", name))
    heading(adviser).to_have_text(f"{name}: accommodation")
    expect(adviser.get_by_text("nowhere to go for the summer")).to_be_visible()
    meeting = (today.replace(day=1) + timedelta(days=32)).replace(day=10)
    datetime_typed(adviser, "Day and time", meeting, "14:00")
    typed(adviser, "Where, or how to join", "Advice and Counselling Service, Queens' Building")
    checked(adviser, "an appointment to book, filled in")
    press(adviser, "Book the appointment", starts("button", "Book the appointment"))
    expect_saved(adviser, "Booked the appointment")
    typed(adviser, "Summary", "Somewhere to live over the summer")
    press(
        adviser, "Open a case from this request", starts("button", "Open a case from this request")
    )
    expect_saved(adviser, "Opened a case from the request")
    heading(adviser).to_have_text(f"{name}: accommodation")
    case_page = urlparse(adviser.url).path
    checked(adviser, "a case, opened")

    # At the appointment Jade agrees her personal adviser may be contacted: on her record.
    go(adviser, record, f"{name}: support record")
    press(adviser, "Change the record", starts("a", "Change the record"))
    heading(adviser).to_have_text(f"Change the support record of {name}")
    tab_to(adviser, "the personal adviser consent", field("The student agrees we may keep"))
    adviser.keyboard.press("Space")
    typed(adviser, "Personal adviser", "Sam Patel, leaving care team, 020 7946 0000")
    checked(adviser, "a support record, changed")
    press(adviser, "Save", starts("button", "Save"))
    expect_saved(adviser, "Saved the support record.")
    go(adviser, case_page, f"{name}: accommodation")

    # A private note, what was agreed (shared), a referral with her consent, then closed.
    typed(adviser, "Note", "Jade mentioned a falling-out with her foster carer; not for her file.")
    press(adviser, "Add the note", starts("button", "Add the note"))
    expect_saved(adviser, "Added a private note.")
    typed(
        adviser, "Note", "We agreed to ask about a 52-week room and to call your personal adviser."
    )
    tab_to(adviser, "Share with the student", field("Share with the student"))
    adviser.keyboard.press("Space")
    press(adviser, "Add the note", starts("button", "Add the note"))
    expect_saved(adviser, "Added the note and shared it with the student")
    tab_to(adviser, "Refer to", field("Refer to"))
    choose(adviser, "Personal adviser")
    typed(adviser, "Who exactly", "Her personal adviser at the leaving care team")
    date_typed(adviser, "The student agreed on", today)
    typed(adviser, "How they agreed", "In person at the appointment")
    typed(adviser, "What was shared and asked for", "Help with a deposit for summer housing.")
    checked(adviser, "a case, referral filled in")
    press(adviser, "Record the referral", starts("button", "Record the referral"))
    expect_saved(adviser, "Recorded the referral to Personal adviser.")
    expect(adviser.get_by_text("In person at the appointment").first).to_be_visible()
    typed(adviser, "Outcome", "A 52-week room is booked from July; your deposit is covered.")
    press(adviser, "Close the case", starts("button", "Close the case"))
    expect_saved(adviser, "Closed the case")
    checked(adviser, "a case, closed")

    # Jade sees the case closed and what was agreed, never the private note.
    go(jade, "/support/mine/cases/", "My support cases")
    case = jade.locator("article").filter(has_text="Somewhere to live over the summer")
    expect(case).to_contain_text("Closed")
    expect(case).to_contain_text("A 52-week room is booked from July")
    expect(case).to_contain_text("We agreed to ask about a 52-week room")
    expect(jade.get_by_text("foster carer")).to_have_count(0)
    expect(jade.locator("main")).to_contain_text("Advice and Counselling Service")
    checked(jade, "my support cases, closed")

    # 7. The first instalment's day comes while she is enrolled: it falls due.
    module_json(site, SETUP, "day", first_day.isoformat())
    go(jade, "/support/mine/awards/", "My awards")
    expect(schedule.get_by_role("row").nth(1)).to_contain_text("Due")

    # She interrupts her studies from yesterday, as her student record says.
    go(manager, f"/students/?q={number}", "Students")
    press(manager, name, starts("a", name))
    heading(manager).to_have_text(name)
    press(manager, "Change status", starts("a", "Change status"))
    heading(manager).to_have_text(f"Change the status of {name}")
    tab_to(manager, "New status", field("New status"))
    choose(manager, "Interrupted")
    date_typed(manager, "Took effect on", next_day)
    checked(manager, "change a student's status")
    press(manager, "Change status", starts("button", "Change status"))
    expect_saved(manager, f"{name} is now interrupted")

    # The next instalment's day comes: it is held, saying why, to Nadia and to Jade.
    module_json(site, SETUP, "day", next_day.isoformat())
    why = f"Interrupted on {_uk(next_day)}"  # a pattern
    go(adviser, f"/support/awards/{made['award_scheme_id']}/", f"{award} {made['academic_year']}")
    hers = adviser.get_by_role("row").filter(has_text=name)
    expect(hers).to_contain_text(re.compile(f"£333.33, held.*{why}", re.IGNORECASE))
    checked(adviser, "an award scheme, an instalment held")
    go(jade, "/support/mine/awards/", "My awards")
    expect(schedule.get_by_role("row").nth(2)).to_contain_text(re.compile(f"Held: {why}"))
    expect(schedule.get_by_role("row").nth(1)).to_contain_text("Due")
    checked(jade, "my awards, an instalment held")

    # 8. QMUL's finance makes the payment run: its file pays Jade the instalment due, no more.
    finance = phone(browse.as_person(FINANCE))
    go(finance, "/payments/runs/", "Payment runs")
    tab_to(finance, "Pay the people owed money by", field("Pay the people owed money by"))
    choose(finance, site.people[ADVISER].organisation)
    press(finance, "Make the run", starts("button", "Make the run"))
    expect_saved(finance, "made:")
    checked(finance, "a draft payment run")
    press(finance, "Export the run", starts("button", "Export the run"))
    expect_saved(finance, "is exported")
    rows = downloaded(finance, "the finance file", starts("a", "Download the file"))
    paid = [row for row in rows if row["Payee name"] == name]
    assert len(paid) == 1, f"the finance file has {len(paid)} rows for {name}: {rows}"
    assert paid[0]["Amount"] == "333.34", paid[0]
    assert paid[0]["Amount in pence"] == "33334", paid[0]
    assert paid[0]["Entries"] == "1", paid[0]  # the first instalment; the held one is not paid
    assert paid[0]["Sort code"] == "200000"
    assert paid[0]["Account number"] == "31926819"
    date_typed(finance, "Date paid", today)
    press(finance, "Mark paid", starts("button", "Mark paid"))
    expect_saved(finance, "is marked paid")

    # Jade sees the first instalment paid; the held one is still held.
    go(jade, "/support/mine/awards/", "My awards")
    _reloaded_until(jade, re.compile(f"Paid on {_uk(today)}"))
    expect(schedule.get_by_role("row").nth(1)).to_contain_text(re.compile(f"Paid on {_uk(today)}"))
    expect(schedule.get_by_role("row").nth(2)).to_contain_text("Held")
    checked(jade, "my awards, paid")
