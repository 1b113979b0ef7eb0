"""The evaluation report and theory of change pages in Chromium: axe-clean, and usable with the
keyboard alone."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, made_for, opened
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_keyboard import choose, control, field, focused, skip_to_main, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WRITER = "outreach"  # the demo's QMUL outreach officer writes theories of change


def evaluated_activity(site: Site) -> dict[str, Any]:
    """An activity with answers before and after and a comparison group (once per server)."""
    return made_for(site, "tests.browser.report_setup", WRITER)


def _report(page: Page, activity: dict[str, Any], query: str = "") -> Page:
    return opened(
        page,
        f"/evaluation/activities/{activity['activity_id']}/report/{query}",
        f"Evaluation report: {activity['name']}",
    )


def test_the_report_and_theory_of_change_pages_have_no_serious_accessibility_problems(
    browse: Browse,
) -> None:
    activity = evaluated_activity(browse.site)
    page = _report(browse.as_person("evaluator"), activity)
    expect(page.get_by_role("img", name=re.compile("^Mean score before and after"))).to_be_visible()
    expect(page.get_by_role("table", name="Change on each scale")).to_be_visible()
    expect(page.get_by_role("table", name="Difference-in-differences")).to_be_visible()
    expect(page.get_by_text("It really helped me understand uni life more.")).to_be_visible()
    assert_accessible(page, "evaluation report")
    _report(page, activity, "?matching=propensity")
    assert_accessible(page, "evaluation report, propensity score matching")

    writer = browse.as_person(WRITER)
    writer.goto(f"/evaluation/activities/{activity['activity_id']}/theory-of-change/")
    expect(writer.get_by_role("heading", level=1)).to_have_text(
        f"Theory of change: {activity['name']}"
    )
    assert_accessible(writer, "theory of change")
    writer.get_by_role("button", name="Save the theory of change").click()
    expect(writer.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(writer, "theory of change, with errors")


def test_the_report_and_its_theory_of_change_by_keyboard_alone(browse: Browse) -> None:
    activity = evaluated_activity(browse.site)
    page = _report(browse.as_person(WRITER), activity)
    keyboard = page.keyboard
    skip_to_main(page)
    tab_to(page, "the matching method", field("Matching method"))
    choose(page, "Propensity score matching")
    tab_to(page, "Show the report", control("button", "Show the report"))
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]matching=propensity"))
    expect(
        page.get_by_text(re.compile("^Nearest-neighbour matching on a propensity score"))
    ).to_be_visible()

    tab_to(page, "Write the theory of change", control("a", "Write the theory of change"))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Theory of change: {activity['name']}"
    )
    answers = {
        "Problem": "Few learners in Tower Hamlets see university as a place for them.",
        "Inputs": "Two outreach officers and six student ambassadors.",
        "Activities": "A taster day on campus.",
        "Outcomes": "Learners feel more confident about university.",
        "Impacts": "More learners from the borough progress to higher education.",
        "Assumptions": "Schools release learners for the day.",
    }
    skip_to_main(page)
    for label, text in answers.items():
        tab_to(page, label, field(label))
        keyboard.type(text)
    tab_to(page, "a MOAT outcome", lambda element: element["id"].startswith("id_moat_outcomes"))
    outcome = focused(page)["label"]
    keyboard.press("Space")
    tab_to(page, "Save", control("button", "Save the theory of change"))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Evaluation report: {activity['name']}"
    )
    expect(page.get_by_text(answers["Problem"])).to_be_visible()
    expect(page.get_by_text(outcome, exact=False).first).to_be_visible()
    expect(page.get_by_text("Type 3: causality").first).to_be_visible()


def test_the_demo_surveys_report_is_reached_from_its_activity_page(browse: Browse) -> None:
    """The demo's surveys before and after QMUL's Year 10 science masterclass pair up on the
    masterclass's report."""
    page = browse.as_person("evaluator")
    name = "Year 10 science masterclass"
    page.goto("/activities/")
    page.get_by_role("link", name=name).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.get_by_role("link", name="Evaluation report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Evaluation report: {name}")
    expect(page.get_by_role("table", name="Change on each scale")).to_be_visible()
    # The demo's surveys use its shipped scales; how many learners pair depends on the demo's
    # size, so the label is whichever standard those learners support.
    expect(page.get_by_role("row", name=re.compile(r"^Feeling at home"))).to_be_visible()
    expect(
        page.get_by_role("region", name="Standard of evidence").locator("strong").first
    ).to_have_text(re.compile(r"^(Type [123]: \w+|No standard of evidence yet)"))
    assert_accessible(page, f"evaluation report of the demo's {name}")
