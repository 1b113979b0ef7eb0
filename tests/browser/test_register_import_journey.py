"""An outreach officer saves a search of one school's pupils, fills a session's register from it,
then imports the register kept in a spreadsheet: the preview shows who is marked and which rows
cannot be used, and importing the other rows marks the learners, all checked with axe-core."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import FilePayload, expect

from tests.browser.support import Browse, activity_added, expect_saved, module_json
from tests.browser.test_accessibility import assert_accessible
from widen.testing.pupil_lists import csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _register_rows(browse: Browse, username: str, count: int) -> dict[str, Any]:
    facts: dict[str, Any] = module_json(
        browse.site, "tests.browser.facts", "register-rows", username, str(count)
    )
    return facts


def test_a_register_is_filled_from_a_saved_search_and_marked_from_a_spreadsheet(
    browse: Browse,
) -> None:
    officer = browse.site.people["outreach"]
    facts = _register_rows(browse, officer.username, 2)
    school, pupils = facts["school"], facts["learners"]
    assert len(pupils) == 2
    search = f"Pupils of {school}"

    page = browse.as_person("outreach")
    page.goto("/learners/")
    page.get_by_label("School").select_option(label=school)
    page.get_by_role("button", name="Find learners").click()
    page.get_by_label("Name for this search").fill(search)
    page.get_by_role("button", name="Save this search").click()
    expect_saved(page, f"Saved the search ‘{search}’")
    expect(page.get_by_role("navigation", name="Your saved searches")).to_contain_text(search)
    assert_accessible(page, "learner list, with a saved search")

    # A session earlier this term, for no one school (its register is filled in afterwards).
    day = datetime.now(ZoneInfo("Europe/London")).date() - timedelta(days=3)
    activity_added(
        page,
        "Higher education talk (register import)",
        "Information, advice and guidance: Higher education information talk",
    )
    page.get_by_role("link", name="Plan a session").click()
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Starts").fill("14:00")
    page.get_by_label("Ends").fill("15:00")
    page.get_by_label("Venue").fill("Library, Mile End")
    page.get_by_role("button", name="Add session").click()
    expect_saved(page, "Added the session")
    page.get_by_role("link", name=re.compile(rf"^Register for {day.day} {day:%b %Y}")).click()

    page.get_by_label("Your saved search").select_option(label=search)
    page.get_by_role("button", name="Add everyone in this search").click()
    expect_saved(page, f"from ‘{search}’ to the register")
    for pupil in pupils:
        expect(page.get_by_role("group", name=re.compile(re.escape(pupil["name"])))).to_be_visible()

    page.get_by_role("link", name="Import the register from a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import the register for")
    assert_accessible(page, "import a register")
    first, second = pupils
    content = csv_bytes(
        [
            ["Legal first name", "Legal last name", "Date of birth", "Attendance"],
            [first["first_name"], first["last_name"], first["date_of_birth"], "Present"],
            [second["first_name"], second["last_name"], second["date_of_birth"], "N"],
            ["Nobody", "Here", "01/01/2011", "Y"],
            [first["first_name"], first["last_name"], first["date_of_birth"], "maybe"],
        ]
    )
    page.get_by_label(re.compile(r"^Register")).set_input_files(
        FilePayload(name="register.csv", mimeType="text/csv", buffer=content)
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check register.csv")
    problems = page.locator("#register-import-problems")
    expect(problems).to_contain_text("No learner you can see by name is called Nobody Here")
    expect(problems).to_contain_text("'maybe' is not an attendance mark")
    expect(page.locator("#register-import-marked")).to_contain_text(first["name"])
    assert_accessible(page, "register import check, rows with problems")

    page.get_by_role("button", name="Import the other rows and leave out 2").click()
    expect_saved(page, "Imported: 0 learners added to the register, 2 marks changed")
    expect(
        page.get_by_role("group", name=re.compile(re.escape(first["name"]))).get_by_label(
            "Attended"
        )
    ).to_be_checked()
    expect(
        page.get_by_role("group", name=re.compile(re.escape(second["name"]))).get_by_label("Absent")
    ).to_be_checked()
    assert_accessible(page, "register, after an import")
