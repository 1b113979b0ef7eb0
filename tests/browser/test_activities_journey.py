"""An outreach officer plans an activity with two sessions, puts a class on the register, marks
attendance on a phone-sized screen by keyboard alone, and sees on the programme's progress page a
learner who was behind move to on track."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Learner, activity_added, expect_saved, module_json
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_keyboard import control, focused, skip_to_main, tab_to
from widen.activities.progress import year_elapsed

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
PHONE = {"width": 375, "height": 740}
DEMO_PROGRAMME = "Learner Progression Programme"


def _behind(browse: Browse, username: str) -> dict[str, Any] | None:
    """A learner `username`'s organisation holds who is behind on the demo programme today."""
    facts: dict[str, Any] | None = module_json(
        browse.site, "tests.browser.facts", "behind", username, DEMO_PROGRAMME
    )
    return facts


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _register_link(day: date) -> re.Pattern[str]:
    return re.compile(rf"^Register for {day.day} {day:%b %Y}")


def _plan_session(page: Page, school: str, day: date, starts: str, ends: str) -> None:
    page.get_by_role("link", name="Plan a session").click()
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Starts").fill(starts)
    page.get_by_label("Ends").fill(ends)
    page.get_by_label("Venue").fill("Mile End campus, Bancroft Building")
    page.get_by_label("School", exact=True).select_option(label=school)
    page.get_by_role("button", name="Add session").click()
    expect_saved(page, "Added the session")


def _progress_row(page: Page, status: str, learner: Learner) -> Any:
    """The learner's row in the list of learners with `status` on the progress page."""
    page.get_by_label("Progress", exact=True).select_option(label=status.capitalize())
    page.get_by_label("School", exact=True).select_option(label=learner.school)  # one page
    page.get_by_role("button", name="Show learners").click()
    expect(page.locator("caption").last).to_contain_text(status)
    return page.get_by_role("row").filter(
        has=page.get_by_role("link", name=learner.name, exact=True)
    )


def test_an_officer_plans_sessions_takes_the_register_on_a_phone_and_sees_progress(
    browse: Browse,
) -> None:
    facts = _behind(browse, browse.site.people["outreach"].username)
    if facts is None:
        pytest.skip("Nobody can be behind yet: the teaching year has only just begun.")
    learner = Learner(**facts["learner"])
    year = facts["year_group"]
    hours, target = Decimal(facts["hours"]), Decimal(facts["target_hours"])
    today = datetime.now(ZoneInfo("Europe/London")).date()
    # Enough hours of IAG today to be where the stage expects by now (to the quarter hour).
    needed = target * year_elapsed(today) - hours
    session_hours = max((needed * 4).to_integral_value(rounding=ROUND_CEILING), Decimal(1)) / 4
    minutes = 9 * 60 + int(session_hours * 60)
    ends = f"{minutes // 60:02d}:{minutes % 60:02d}"
    after = hours + session_hours
    expected = "on track" if after < target else "complete"

    page = browse.as_person("outreach")
    page.goto("/programmes/")
    page.get_by_role("link", name=DEMO_PROGRAMME).click()
    page.get_by_role("link", name="Progress and who is falling behind").click()
    progress_url = page.url
    row = _progress_row(page, "behind", learner)
    expect(row).to_contain_text(f"Year {year}: no IAG yet, {_hours(hours)} of {_hours(target)}")

    activity_added(
        page,
        "Student finance talk (journey)",
        "Information, advice and guidance: Student finance talk",
    )
    _plan_session(page, learner.school, today, "09:00", ends)
    _plan_session(page, learner.school, today + timedelta(days=14), "09:00", "10:00")
    expect(page.locator("table tbody tr")).to_have_count(2)

    page.set_viewport_size(PHONE)
    page.get_by_role("link", name=_register_link(today)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Register: Student finance talk (journey)"
    )
    page.get_by_label(re.compile(rf"^{re.escape(learner.name)} \(")).check()
    page.get_by_role("button", name="Add the ticked pupils").click()
    expect_saved(page, "Added 1 learner to the register")
    # Marking by keyboard: Tab to the learner's choices, an arrow key to "Attended", then save.
    skip_to_main(page)
    # Before the session's planned start (a run early in the morning), say it has started.
    if page.get_by_label("The session has started early: record attendance now").count():
        tab_to(
            page,
            "the started-early box",
            lambda element: element["label"].startswith("The session has started early"),
        )
        page.keyboard.press("Space")
    choice = tab_to(
        page, "the learner's attendance", lambda element: element["label"] == "Not marked"
    )
    assert choice["tag"] == "input"
    page.keyboard.press("ArrowDown")
    assert focused(page)["label"] == "Attended"
    tab_to(page, "the save button", control("button", "Save the register"))
    page.keyboard.press("Enter")
    expect_saved(page, "Saved the register (1 changed)")
    ever = Decimal(facts["hours_ever"]) + session_hours
    expect(page.get_by_role("group", name=re.compile(re.escape(learner.name)))).to_contain_text(
        f"{_hours(ever)} hours so far"
    )
    expect(page.get_by_label("Attended")).to_be_checked()
    assert_accessible(page, "register, on a phone")

    # The programme's progress page now has the learner on track (no longer behind).
    page.goto(progress_url)
    expect(_progress_row(page, "behind", learner)).to_have_count(0)
    row = _progress_row(page, expected, learner)
    expect(row).to_contain_text(f"Year {year}: {_hours(after)} of {_hours(target)} hours")
    assert_accessible(page, f"programme progress, {expected}, on a phone")
