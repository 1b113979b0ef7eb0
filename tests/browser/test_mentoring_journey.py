"""Professional mentoring on a phone (375 px wide), with the keyboard alone, each page checked
with axe-core on the way.

Rosa, an alumna who works in a museum, registers as a mentor on the programme's public page (no
staff account: a link signs her in). Imani, a member of the support scheme the programme is for,
signs in with a link and applies for a mentor who, like her, is first in her family to go to
university. The coordinator (the demo's QMUL outreach officer) approves Rosa, accepts Imani and
runs the matching for the cohort of 200, reads why Imani and Rosa were paired, and publishes:
both are introduced, both accept, and each logs a meeting. Another pair has not met for seven
weeks: the daily alert tells the coordinator, whose list of the programme's pairs marks it.

What the pages cannot do is done by `tests.mentoring.journey_browser_setup`: the scheme with
Imani as its member, the programme with its cohort already accepted (199 students, 40 mentors),
the quiet pair, and the daily alert.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse, expect_saved, made_for, module_json
from tests.browser.test_keyboard import field, tab_to
from tests.browser.test_partner_journey import (
    checked,
    go,
    heading,
    phone,
    press,
    signed_in_student,
    starts,
    typed,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

COORDINATOR = "outreach"  # the demo's QMUL outreach officer
SETUP = "tests.mentoring.journey_browser_setup"
WAIT_MS = 60_000


def ticked(page: Page, label: str, *, next_one: bool = False) -> None:
    """The checkbox or radio button labelled `label` reached with Tab and ticked with Space
    (`next_one`: the next such box, after the one focused)."""
    if next_one:
        page.keyboard.press("Tab")
    tab_to(page, label, field(label))
    page.keyboard.press("Space")


def test_an_alumna_and_a_scheme_member_are_matched_explained_introduced_and_meet(
    browse: Browse,
) -> None:
    site = browse.site
    made = made_for(site, SETUP, COORDINATOR)
    programme, programme_id = made["programme_name"], made["programme_id"]
    imani_email, imani = made["mentee_email"], made["mentee_name"]
    rosa_email, rosa = made["alumna_email"], made["alumna_name"]
    rosa_first, rosa_last = rosa.split(" ", 1)

    # 1. Rosa registers as a mentor on the programme's public page, and signs in by link.
    page = phone(browse.anonymous())
    go(page, f"/mentoring/open/{programme_id}/", programme)
    checked(page, "mentoring: become a mentor")
    typed(page, "First name", rosa_first)
    typed(page, "Last name", rosa_last)
    typed(page, "Your e-mail address", rosa_email)
    typed(page, "Who you work for", "The Museum of London Docklands")
    typed(page, "Your job", "Assistant curator")
    typed(page, "Industries and sectors you work in", "museums, heritage")
    typed(page, "Careers you can talk about", "curator")
    ticked(page, "I studied at the university")
    typed(page, "Where you studied", "Queen Mary University of London")
    typed(page, "What you studied", "History")
    typed(page, "Where you can meet in person", "London")
    ticked(page, "Online")
    typed(page, "Languages you can mentor in", "English")
    ticked(page, "Tuesday evenings")
    ticked(page, "First in family")
    ticked(page, "I agree to the code of conduct")
    press(page, "Register as a mentor", starts("button", "Register as a mentor"))
    heading(page).to_have_text("Check your e-mail", timeout=WAIT_MS)
    checked(page, "mentoring: registered")
    page.goto(site.link_in_latest_email(rosa_email, "/my/sign-in/", wait=180))
    press(page, "the Sign in button", starts("button", "Sign in"))
    heading(page).to_have_text("My mentoring", timeout=WAIT_MS)
    expect(page.get_by_text(re.compile(rf"{re.escape(programme)} .*: applied"))).to_be_visible()
    checked(page, "mentoring: my mentoring, as a new mentor")

    # 2. Imani, a member of the scheme, signs in by link and applies for a mentor.
    student = signed_in_student(browse, imani_email)
    go(student, "/mentoring/mine/", "My mentoring")
    press(student, "Apply for a mentor", starts("a", f"Apply for a mentor in {programme}"))
    heading(student).to_have_text(f"Apply for a mentor: {programme}")
    typed(student, "What you would like from mentoring", "To find out how to work in a museum.")
    typed(student, "Industries you are interested in", "museums")
    typed(student, "Careers you are interested in", "curator")
    typed(student, "Where you could meet in person", "London")
    ticked(student, "Online")
    ticked(student, "Tuesday evenings")
    typed(student, "Languages you would like", "English")
    ticked(student, "First in family")  # a mentor who shares it, if possible
    ticked(student, "First in family", next_one=True)  # and her mentor may see it
    checked(student, "mentoring: applying for a mentor")
    press(student, "Apply", starts("button", "Apply"))
    expect_saved(student, f"Your application to {programme} is sent.")

    # 3. The coordinator approves Rosa, accepts Imani, and runs the matching for all 200.
    coordinator = phone(browse.as_person(COORDINATOR))
    go(coordinator, f"/mentoring/programmes/{programme_id}/", programme)
    press(coordinator, f"Approve {rosa}", starts("button", f"Approve {rosa}"))
    expect(coordinator.get_by_role("status")).to_be_visible()
    press(coordinator, f"Accept {imani}", starts("button", f"Accept {imani}"))
    expect(coordinator.get_by_role("status")).to_be_visible()
    checked(coordinator, "mentoring: a programme and its cohort")
    press(coordinator, "Run the matching", starts("button", "Run the matching"))
    heading(coordinator).to_have_text(f"Matching of {programme}", timeout=WAIT_MS)
    expect(coordinator.locator("main")).to_contain_text(
        re.compile(r"20[01] mentees matched, 0 left")
    )
    expect(coordinator.locator("main")).to_contain_text("proven the best possible")
    pair = coordinator.get_by_role("row").filter(has_text=imani)
    expect(pair).to_contain_text(rosa)
    expect(pair).to_contain_text("museums")
    expect(pair).to_contain_text("first in family")
    checked(coordinator, "mentoring: a matching run, explained")
    press(coordinator, "Publish", starts("button", "Publish and introduce the pairs"))
    expect(coordinator.get_by_role("status")).to_be_visible(timeout=WAIT_MS)

    # 4. Both are introduced; both accept; each logs a meeting in their space.
    for person, name in ((page, "Rosa"), (student, "Imani")):
        go(person, "/mentoring/mine/", "My mentoring")
        checked(person, f"mentoring: introduced, as {name}")
        press(person, "Accept", starts("button", "Accept"))
        expect(person.get_by_role("status")).to_be_visible()
    for person, name, note in (
        (page, "Rosa", "Talked about routes into curating."),
        (student, "Imani", "Rosa showed me the museum's archive."),
    ):
        go(person, "/mentoring/mine/", "My mentoring")
        press(person, "Open your mentoring space", starts("a", "Open your mentoring space"))
        heading(person).to_have_text(re.compile(r"^(Mentoring Imani|Your mentoring with Rosa)"))
        ticked(person, "Online")
        typed(person, "How long (minutes)", "60")
        typed(person, "A short note", note)
        press(person, "Log the meeting", starts("button", "Log the meeting"))
        expect(person.get_by_text(note)).to_be_visible(timeout=WAIT_MS)
        checked(person, f"mentoring: a pair's space, as {name}")
    expect(student.get_by_text("Talked about routes into curating.")).to_be_visible()
    # Rosa sees what Imani chose to share, and nothing of her record.
    expect(page.locator("main")).not_to_contain_text(imani_email)

    # 5. Another pair has not met for seven weeks: the daily alert tells the coordinator.
    assert module_json(site, SETUP, "quiet")["alerted"] >= 1
    go(coordinator, f"/mentoring/programmes/{programme_id}/relationships/", f"{programme}: pairs")
    expect(coordinator.locator("main")).to_contain_text("1 pair is going quiet.")
    quiet = coordinator.get_by_role("row").filter(has_text=made["quiet_mentee"])
    expect(quiet).to_contain_text("no meeting for 7 weeks")
    checked(coordinator, "mentoring: a programme's pairs, one going quiet")
    go(coordinator, "/notifications/", "Notifications")
    expect(coordinator.locator("main")).to_contain_text("quiet")
