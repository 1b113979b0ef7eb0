"""A partnership admin narrows a rule set in Chromium: preview by school, save, check a learner.

The admin defines "Deprived areas" (IMD quintile 1 or 2), then changes it to quintile 1 only.
Before saving, the preview says how many learners each school would lose; after saving, a
learner in quintile 2 reads "not eligible" with the reason and the new version.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import Browse, expect_saved, module_json
from tests.browser.test_accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
RULE_SET = "Deprived areas (journey)"


def _learner_in_quintile(browse: Browse, quintile: int) -> dict[str, str]:
    facts: dict[str, str] = module_json(
        browse.site, "tests.browser.facts", "in-imd-quintile", "partnership.admin", str(quintile)
    )
    return facts


def test_an_admin_previews_a_narrower_rule_by_school_saves_it_and_sees_the_reason(
    browse: Browse,
) -> None:
    page = browse.as_person("admin")
    page.goto("/targeting/rule-sets/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Eligibility rule sets")
    page.get_by_role("link", name="Define a new rule set").first.click()
    # No blank rows: conditions are added one at a time, their values chosen from lists.
    expect(page.locator("fieldset.rule-condition")).to_have_count(0)
    page.get_by_label("Name").fill(RULE_SET)
    page.get_by_label("First condition").select_option(label="IMD quintile")
    page.get_by_role("button", name="Add a condition in a new group").click()
    quintile = page.get_by_role("group", name="IMD quintile", exact=True)
    expect(quintile).to_be_focused()
    expect(page.get_by_label("Name")).to_have_value(RULE_SET)
    values = quintile.get_by_role("group", name=re.compile(r"^IMD quintile: any of"))
    expect(values.get_by_role("checkbox")).to_have_count(5)
    values.get_by_label("Q1", exact=True).check()
    values.get_by_label("Q2", exact=True).check()
    assert_accessible(page, "rule set editor with a condition")
    page.get_by_role("button", name="Save").click()
    expect_saved(page, f"Saved {RULE_SET} and worked it out for every learner")
    expect(page.get_by_role("heading", level=1)).to_have_text(RULE_SET)
    expect(page.locator(".lede")).to_have_text("Eligible when: IMD quintile Q1 or Q2.")

    learner = _learner_in_quintile(browse, 2)
    page.goto(f"/targeting/learners/{learner['id']}/")
    row = page.get_by_role("row").filter(has_text=RULE_SET)
    expect(row).to_contain_text("eligible: IMD quintile 2 (LSOA")
    expect(row).to_contain_text("IoD2019")

    page.goto("/targeting/rule-sets/")
    page.get_by_role("link", name=RULE_SET).click()
    page.get_by_role("link", name="Change the conditions").click()
    values = page.get_by_role("group", name=re.compile(r"^IMD quintile: any of"))
    expect(values.get_by_label("Q1", exact=True)).to_be_checked()
    values.get_by_label("Q2", exact=True).uncheck()
    page.get_by_role("button", name="Preview changes").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("0 learners would gain eligibility")
    changes = preview.get_by_role("table", name="Changes by school")
    expect(changes.locator("tbody tr").first).to_be_visible()
    expect(changes).to_contain_text(learner["school"] or "No school recorded")
    assert_accessible(page, "rule set preview")

    page.get_by_role("button", name="Save as a new version").click()
    expect_saved(page, "Saved version 2")
    page.goto(f"/targeting/learners/{learner['id']}/")
    row = page.get_by_role("row").filter(has_text=RULE_SET)
    expect(row).to_contain_text("not eligible: IMD quintile 2 (LSOA")
    expect(row.get_by_role("cell").last).to_have_text("2")
    assert_accessible(page, "a learner's targeting")
