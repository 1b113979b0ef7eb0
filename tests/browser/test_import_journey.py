"""Importing a school's pupil list in Chromium: upload, map a column, fix a row, import, find.

The outreach officer imports the demo school's SIMS export into their university. The file has
a column Widen does not recognise and a pupil with an impossible date of birth: the officer says
what the column is, sees the bad row, uploads a corrected file (Widen remembers the column for
this school), imports it and finds the pupil whose row was fixed.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.support import Browse, expect_saved
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_keyboard import control, field, focused, skip_to_main, tab_to
from widen.core.academic_years import AcademicYear
from widen.demo.geography import read_schools, self_holding_school
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# The school where the demo's school staff user works.
DEMO_SCHOOL = self_holding_school(read_schools()).name
UNKNOWN_HEADING = "Pupil Nickname"  # no MIS heading Widen knows: the officer must say what it is
NICKNAMES = ("Mimi", "Jojo", "Kit", "Bea", "Sunny", "Ash")
IMPOSSIBLE_BIRTHDAY = "31/02/2012"
PUPILS = 6
FIXED = 2  # the pupil whose date of birth is wrong in the first file
# Seeds 40 to 99 give UPNs no demo learner has (and test_accessibility uses 41 to 43).
SEED = 71
SIMS = MIS_HEADINGS["SIMS"]
# This school's export names the preferred name its own way.
SCHOOL_EXPORT = {**SIMS, "preferred_name": UNKNOWN_HEADING}


def _export(
    folder: Path, name: str, rows: list[dict[str, object]], headings: dict[str, str]
) -> Path:
    path = folder / name
    path.write_bytes(csv_bytes(table_cells(rows, headings)))
    return path


def _pupils() -> list[dict[str, object]]:
    rows = pupil_rows(PUPILS, seed=SEED, academic_year=AcademicYear.current())
    for row, nickname in zip(rows, NICKNAMES, strict=True):
        row["preferred_name"] = nickname
    return rows


def _upload(page: Page, path: Path) -> None:
    page.get_by_label("Pupil list").set_input_files(path)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Check {path.name}")


def _selected(page: Page, label: str) -> str:
    return page.get_by_label(label).locator("option:checked").inner_text().strip()


def _recorded(page: Page, label: str) -> Locator:
    """What the learner's page shows against `label`."""
    term = page.locator("dt").filter(has_text=re.compile(f"^{re.escape(label)}$", re.IGNORECASE))
    return page.locator(".summary div").filter(has=term).locator("dd")


def test_import_a_schools_pupil_list(browse: Browse, tmp_path: Path) -> None:
    officer = browse.site.people["outreach"]
    pupils = _pupils()
    with_a_mistake = [dict(row) for row in pupils]
    with_a_mistake[FIXED]["date_of_birth"] = IMPOSSIBLE_BIRTHDAY
    first_file = _export(tmp_path, "year-9-to-13.csv", with_a_mistake, SCHOOL_EXPORT)
    corrected_file = _export(tmp_path, "year-9-to-13-corrected.csv", pupils, SCHOOL_EXPORT)
    fixed = pupils[FIXED]
    fixed_name = f"{fixed['preferred_name']} {fixed['last_name']}"
    page = browse.as_person("outreach")

    # From the learner list to the upload form.
    page.goto("/learners/")
    page.get_by_role("link", name="Import a pupil list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a pupil list")
    assert_accessible(page, "import a pupil list")
    assert _selected(page, "Import into") == officer.organisation
    page.get_by_label("Pupils' school or college").select_option(label=DEMO_SCHOOL)
    _upload(page, first_file)

    # Widen does not know the nickname column: it asks before checking any row.
    expect(page.get_by_text(f"{PUPILS} rows, for {DEMO_SCHOOL}, held by")).to_be_visible()
    expect(page.locator("#unknown-columns")).to_contain_text(UNKNOWN_HEADING)
    asking = page.locator("tr.needs-choice")
    expect(asking).to_have_count(1)
    expect(asking.get_by_role("rowheader")).to_have_text(re.compile(f": {UNKNOWN_HEADING}$"))
    expect(page.get_by_role("heading", name="What will happen")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(r"^Import "))).to_have_count(0)
    assert_accessible(page, "import check, a column to choose")

    choice = asking.get_by_role("combobox")
    expect(choice).to_have_accessible_name(re.compile(f"{UNKNOWN_HEADING}$"))
    choice.select_option(label="Preferred name")
    page.get_by_role("button", name="Save column choices").click()
    expect_saved(page, f"Column choices saved for {DEMO_SCHOOL}")

    # Now every row is checked: the impossible birthday keeps one pupil out.
    expect(page.locator("#unknown-columns")).to_have_count(0)
    expect(page.locator("tr.needs-choice")).to_have_count(0)
    expect(page.locator("#import-summary")).to_contain_text(f"{PUPILS - 1} new learners to add")
    expect(page.locator("#import-summary")).to_contain_text(re.compile(r"\b1 row rejected"))
    problems = page.locator("#import-problems tbody tr")
    expect(problems).to_have_count(1)
    # Row 1 is the heading row, so the third pupil is on row 4.
    expect(problems.locator("td")).to_have_text(
        [str(FIXED + 2), "DOB", re.compile(re.escape(IMPOSSIBLE_BIRTHDAY))]
    )
    expect(
        page.get_by_role("button", name=f"Import the {PUPILS - 1} valid rows and leave out 1")
    ).to_be_visible()
    assert_accessible(page, "import check, rows with problems")

    # The officer fixes the date in the school's file and uploads it again, to the same school.
    page.get_by_role("link", name="Upload a corrected file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a pupil list")
    assert _selected(page, "Pupils' school or college") == DEMO_SCHOOL
    _upload(page, corrected_file)

    # The nickname column is remembered for this school: no question this time, no problems.
    expect(page.locator("#unknown-columns")).to_have_count(0)
    expect(page.locator("tr.needs-choice")).to_have_count(0)
    nickname_row = page.locator("tbody tr").filter(
        has=page.get_by_role("rowheader", name=re.compile(f": {UNKNOWN_HEADING}$"))
    )
    expect(nickname_row.locator("td").first).to_have_text("Preferred name")
    expect(page.locator("#import-summary")).to_contain_text(f"{PUPILS} new learners to add")
    expect(page.locator("#import-summary")).to_contain_text(re.compile(r"\b0 rows rejected"))
    expect(page.locator("#import-problems")).to_have_count(0)
    page.get_by_role("button", name=f"Import {PUPILS} learners").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"{corrected_file.name}: Imported")
    expect_saved(page, f"Imported: {PUPILS} new learners added")
    expect(page.locator("#rows-created")).to_have_text(str(PUPILS))
    expect(page.locator("#rows-rejected")).to_have_text("0")
    assert_accessible(page, "import done")

    # The pupil whose row was fixed is among the learners, under the nickname the school uses.
    page.get_by_role("link", name="See the learners").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learners")
    page.locator("#learner-search").fill(str(fixed["upn"]))
    page.get_by_role("button", name="Find learners").click()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    found = page.locator("tbody tr")
    expect(found).to_have_count(1)
    expect(found.locator("td")).to_have_text(
        [fixed_name, re.compile(rf"\b{fixed['year_group']}\b"), DEMO_SCHOOL, officer.organisation]
    )
    found.get_by_role("link", name=fixed_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fixed_name)
    expect(page.locator(".lede")).to_contain_text(
        f"at {DEMO_SCHOOL}. Held by {officer.organisation}"
    )
    born = fixed["date_of_birth"]
    assert isinstance(born, date)
    expect(_recorded(page, "Date of birth")).to_have_text(f"{born.day} {born:%B %Y}")
    expect(_recorded(page, "Legal first name")).to_have_text(str(fixed["first_name"]))
    expect(_recorded(page, "Preferred name")).to_have_text(str(fixed["preferred_name"]))
    expect(_recorded(page, "UPN")).to_have_text(str(fixed["upn"]))


def test_upload_with_the_keyboard_alone(browse: Browse, tmp_path: Path) -> None:
    pupils = pupil_rows(3, seed=SEED + 1, academic_year=AcademicYear.current())
    path = _export(tmp_path, "by-keyboard.csv", pupils, SIMS)
    page = browse.as_person("outreach")
    keyboard = page.keyboard
    # Listen for file choosers before the page opens: Playwright starts intercepting them only
    # some time after the first listener, and a chooser opened before then is lost.
    page.on("filechooser", lambda _: None)

    page.goto("/learners/import/")
    skip_to_main(page)
    tab_to(page, "the file field", field("Pupil list"))
    with page.expect_file_chooser() as chooser:
        keyboard.press("Space")
    chooser.value.set_files(path)
    assert focused(page)["label"].startswith("Pupil list")
    tab_to(page, "Upload and check", control("button", "Upload and check"))
    keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Check {path.name}")
    expect(page.locator("#import-summary")).to_contain_text("3 new learners to add")
