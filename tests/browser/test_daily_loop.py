"""The daily loop on a phone (375 px wide), by keyboard alone: an outreach officer finds a school
on the targeting page of cold spots, plans sessions for it, puts a pupil who is behind on the
register and marks them, sees on the progress page who is behind, and adds a learner there to a
suggested session in one step. Controls are found by their labels and roles, as a screen reader
would name them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Learner, expect_saved
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_activities_journey import DEMO_PROGRAMME, PHONE, _behind
from tests.browser.test_keyboard import choose, control, field, focused, skip_to_main, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
ACTIVITY = "Student finance talk (daily loop)"
TYPE = "Information, advice and guidance: Student finance talk"


def _from_top(page: Page) -> None:
    """Start from the skip link; after a form's redirect the page already opens at the main
    content (the address keeps "#main"), where Tab starts anyway."""
    if "#" not in page.url:
        skip_to_main(page)


def _date_order(page: Page) -> str:
    """How this browser's date fields take typed digits: day first (en-GB) or month first (the
    locale Chromium was started in decides, not the page's). Tried on a field of its own."""
    page.evaluate(
        "() => { const probe = document.createElement('input'); probe.type = 'date';"
        " probe.id = 'date-probe'; document.body.append(probe); probe.focus(); }"
    )
    page.keyboard.type("01022026")
    typed = page.evaluate(
        "() => { const probe = document.getElementById('date-probe'); const value = probe.value;"
        " probe.remove(); return value; }"
    )
    return "%d%m%Y" if typed == "2026-02-01" else "%m%d%Y"


def _type_into(page: Page, label: str, text: str) -> None:
    """Tab to the field labelled `label` and type `text` there."""
    tab_to(page, label, field(label))
    page.keyboard.type(text)


def _press(page: Page, tag: str, text: str) -> None:
    """Tab to the link or button and press Enter; wait for the page it leads to."""
    tab_to(page, text, control(tag, text))
    _enter(page)


def _enter(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _tick(page: Page, label: str) -> None:
    tab_to(page, label, lambda element: element["label"] == label)
    page.keyboard.press("Space")


def _plan(page: Page, day: date, starts: str, ends: str, school: str, year: int) -> None:
    """From the activity's page, plan a session for `school`'s Year `year`, by keyboard."""
    _from_top(page)
    _press(page, "a", "Plan a session")
    _from_top(page)
    _type_into(page, "Date", day.strftime(_date_order(page)))
    # Morning times typed as digits then "A": the field may show a 12-hour clock (where "A"
    # chooses a.m.) or a 24-hour one (where it is ignored).
    _type_into(page, "Starts", starts.replace(":", "") + "A")
    _type_into(page, "Ends", ends.replace(":", "") + "A")
    _type_into(page, "Venue", "Mile End campus")
    _tick(page, f"Year {year}")
    tab_to(page, "the school", field("School"))
    choose(page, school)
    _press(page, "button", "Add session")
    expect_saved(page, "Added the session")


def test_the_daily_loop_on_a_phone_by_keyboard(browse: Browse) -> None:
    facts = _behind(browse, browse.site.people["outreach"].username)
    if facts is None:
        pytest.skip("Nobody can be behind yet: the teaching year has only just begun.")
    learner = Learner(**facts["learner"])
    year = facts["year_group"]
    today = datetime.now(ZoneInfo("Europe/London")).date()
    later = today + timedelta(days=14)
    page = browse.as_person("outreach")
    page.set_viewport_size(PHONE)

    # 1. A cold spot: the learner's school is on the partnership's targeting page of schools.
    page.goto("/targeting/schools/")
    expect(page.get_by_role("row").filter(has_text=learner.school).first).to_be_attached()

    # 2. Plan: an IAG activity, a session for the school today (begun at one in the morning,
    # so it has started) and one in a fortnight.
    page.goto("/activities/")
    _from_top(page)
    tab_to(page, "add an activity", lambda element: element["text"].startswith("Add an activity"))
    _enter(page)
    _from_top(page)
    _type_into(page, "Name", ACTIVITY)
    tab_to(page, "the type of activity", field("Type of activity"))
    choose(page, TYPE)
    _press(page, "button", "Add activity")
    expect_saved(page, f"Added {ACTIVITY}")
    _plan(page, today, "01:00", "02:00", learner.school, year)
    _plan(page, later, "09:00", "10:00", learner.school, year)

    # 3. Register: open today's register, the session's year group already chosen.
    _from_top(page)
    tab_to(
        page,
        "today's register",
        # Sessions are listed by date: the first "Register" link is today's.
        lambda element: element["tag"] == "a" and element["text"].startswith("Register"),
    )
    _enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Register: {ACTIVITY}")
    expect(page.get_by_label(f"Year {year}", exact=True)).to_be_checked()
    _from_top(page)
    _tick(page, f"{learner.name} (Year {year})")
    _press(page, "button", "Add the ticked pupils")
    expect_saved(page, "Added 1 learner to the register")

    # 4. Mark: the learner's choices are reached with Tab, "Attended" with an arrow key (in the
    # first hour of the day, the session has not started: say that it has).
    _from_top(page)
    if page.get_by_label("The session has started early: record attendance now").count():
        _tick(page, "The session has started early: record attendance now")
    tab_to(page, "the learner's attendance", lambda element: element["label"] == "Not marked")
    page.keyboard.press("ArrowDown")
    assert focused(page)["label"] == "Attended"
    _press(page, "button", "Save the register")
    expect_saved(page, "Saved the register (1 changed)")
    expect(page.get_by_label("Attended")).to_be_checked()
    assert_accessible(page, "register, on a phone")

    # 5. Who is behind: the progress page, filtered to the school and year group.
    page.goto("/programmes/")
    _from_top(page)
    _press(page, "a", DEMO_PROGRAMME)
    _from_top(page)
    _press(page, "a", "Progress and who is falling behind")
    _from_top(page)
    tab_to(page, "the progress filter", field("Progress"))
    choose(page, "Any")
    tab_to(page, "the school filter", field("School"))
    choose(page, learner.school)
    tab_to(page, "the year group filter", field("Year group"))
    choose(page, f"Year {year}")
    _press(page, "button", "Show learners")
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=learner.name, exact=True)
    )
    expect(row).to_contain_text(f"Year {year}:")
    expect(row).to_contain_text(ACTIVITY)  # the fortnight's session is suggested to them
    assert_accessible(page, "programme progress, on a phone")

    # 6. Add to a suggested session: tick the learner, choose the session, add, in one step.
    _tick(page, f"Choose {learner.name}")
    tab_to(page, "the session", field("Add the chosen learners to"))
    choose(
        page,
        f"{ACTIVITY}, {later:%a} {later.day} {later:%b %Y} 09:00, {learner.school}, Year {year}",
    )
    _press(page, "button", "Add to the session")
    expect_saved(page, f"Added 1 learner to {ACTIVITY} on {later.day}")
    expect(page.get_by_label("School", exact=True)).to_have_value(re.compile(r".+"))
