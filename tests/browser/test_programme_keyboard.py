"""Designing a programme stage by stage with the keyboard alone: every field and tick box is
reached with Tab, a stage without target hours is refused with its reason, and the programme is
saved with exactly the stages chosen."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse, expect_saved
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_keyboard import control, field, skip_to_main, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _type_box(year: int, kind: str, label: str) -> Callable[[dict[str, Any]], bool]:
    """The tick box for an activity type among a year's required or optional types."""
    return lambda element: (
        element["id"].startswith(f"id_year_{year}_{kind}_") and element["label"] == label
    )


def _tick(page: Page, year: int, kind: str, label: str) -> None:
    tab_to(page, f"Year {year}: {kind} {label}", _type_box(year, kind, label))
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked"), f"{label} is not ticked"


def _hours(page: Page, year: int, value: str) -> None:
    tab_to(page, f"Year {year}: target hours", field(f"Year {year}: target hours"))
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(value)


def _stages(page: Page) -> list[list[str]]:
    table = page.get_by_role("table").filter(has=page.get_by_text("Stages", exact=True))
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]


def test_a_programme_is_designed_stage_by_stage_by_keyboard(browse: Browse) -> None:
    name = f"Keyboard progression programme {uuid.uuid4().hex[:6]}"
    page = browse.as_person("admin")
    page.goto("/programmes/")
    skip_to_main(page)
    tab_to(
        page,
        "the designer link",
        lambda element: (
            element["tag"] == "a" and element["text"].startswith("Design a programme for ")
        ),
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Design a programme for ")

    skip_to_main(page)
    tab_to(page, "the name", field("Name"))
    page.keyboard.type(name)
    tab_to(page, "the sustained hours", field("Sustained: hours"))
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("12")
    _hours(page, 9, "4")
    _tick(page, 9, "required", "Campus visits")
    _hours(page, 10, "6")
    _tick(page, 10, "required", "Information, advice and guidance")
    _tick(page, 10, "optional", "Mentoring")
    _tick(page, 10, "optional", "Masterclasses")
    # Year 11's activity types, but no target hours yet.
    _tick(page, 11, "required", "Skills and attainment")
    tab_to(page, "the save button", control("button", "Save programme"))
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Give Year 11 target hours, or untick its activity types.")
    assert_accessible(page, "design a programme, refused by keyboard")
    # The form keeps everything chosen so far. The first Tab stop is the problem, and following
    # it goes to the field where the missing hours are typed in.
    expect(page.get_by_label("Year 10: target hours")).to_have_value("6")
    tab_to(
        page,
        "the problem's link",
        lambda element: element["tag"] == "a" and element["text"].startswith("Year 11: target"),
    )
    page.keyboard.press("Enter")
    _hours(page, 11, "7")
    _hours(page, 12, "8")
    _tick(page, 12, "required", "Summer schools")
    tab_to(page, "the save button", control("button", "Save programme"))
    page.keyboard.press("Enter")

    expect_saved(page, f"Saved {name}")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_text("at least 12 hours across at least 3 activities")).to_be_visible()
    assert _stages(page) == [
        ["Year 9", "4", "Campus visits", "—"],
        ["Year 10", "6", "Information, advice and guidance", "Mentoring, Masterclasses"],
        ["Year 11", "7", "Skills and attainment", "—"],
        ["Year 12", "8", "Summer schools", "—"],
    ]
    expect(
        page.get_by_role("link", name=re.compile("Progress and who is falling behind"))
    ).to_be_visible()
