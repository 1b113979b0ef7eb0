"""A data-protection officer answers an erasure request for a learner with a life in Widen:
imported from a pupil list, targeted, registered, booked onto an event, surveyed and merged with
a duplicate. In the browser they record the request, confirm who is asking, find and add the
learner, download everything held about them, and erase them; then a scan of every table finds
none of the learner's values outside the request itself (which names who asked).

The request is recorded, the record added and the export downloaded by keyboard alone."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.support import Person, Site, made_once, module_json, new_context, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SETUP = "tests.browser.rights_setup"


def _learner_with_a_life(site: Site) -> dict[str, Any]:
    made: dict[str, Any] = made_once(
        site, SETUP, "make", site.people["outreach"].username, site.base_url
    )
    return made


@pytest.fixture
def officer_page(chromium: Browser, site: Site) -> Iterator[tuple[Page, dict[str, Any]]]:
    made = _learner_with_a_life(site)
    facts = made["officer"]
    officer = Person(
        username=facts["username"],
        password=facts["password"],
        totp_key=facts["totp_key"],
        organisation_id=facts["organisation_id"],
        organisation=facts["organisation"],
        partnership_id=facts["partnership_id"],
        learners={},
    )
    context = new_context(chromium, site)
    try:
        page = context.new_page()
        sign_in(page, officer)
        yield page, made
    finally:
        context.close()


def _press_until_focused(page: Page, name: str, *, role: str, key: str = "Tab") -> None:
    """Tab (or another key) through the page until the control called `name` has focus."""
    for _ in range(120):
        focused = page.evaluate(
            """() => {
                const element = document.activeElement;
                if (!element) return ["", ""];
                const label = element.labels && element.labels.length
                    ? element.labels[0].innerText : (element.innerText || element.value || "");
                return [element.getAttribute("role") || element.tagName.toLowerCase(),
                        label.trim()];
            }"""
        )
        if focused[0] == role and focused[1].startswith(name):
            return
        page.keyboard.press(key)
    raise AssertionError(f"Tabbing never reached the {role} {name!r}")


def test_an_officer_exports_and_erases_a_learner_and_nothing_of_them_is_left(
    officer_page: tuple[Page, dict[str, Any]], site: Site, tmp_path: Path
) -> None:
    page, made = officer_page
    learner = made["learner"]
    full_name = f"{learner['first_name']} {learner['last_name']}"
    assert made["made"]["area_profile"], "the learner was given no area profile"

    # Record the request, by keyboard alone.
    page.goto("/rights/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Requests about people's data")
    _press_until_focused(page, "Record a request", role="a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record a request about someone's data"
    )
    _press_until_focused(page, "Subject access", role="input")
    page.keyboard.press("ArrowDown")  # the next choice: Erasure
    expect(page.get_by_label("Erasure", exact=True)).to_be_checked()
    _press_until_focused(page, "Who is asking", role="input")
    page.keyboard.type(full_name)
    _press_until_focused(page, "Their e-mail address", role="input")
    page.keyboard.type(made["canaries"][4])
    _press_until_focused(page, "What they asked", role="textarea")
    page.keyboard.type("Please delete everything you hold about me.")
    _press_until_focused(page, "Record the request", role="button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Erasure from {full_name}")
    request_id = re.search(r"/rights/([0-9a-f-]{36})/", page.url).group(1)  # type: ignore[union-attr]

    # Confirm who is asking.
    page.get_by_label("Confirmed on").fill(made["today"])
    page.get_by_label("How their identity was checked").fill("Passport seen at the school")
    page.get_by_role("button", name="Save identity").click()
    expect(page.get_by_text("Identity saved.")).to_be_visible()

    # Find the learner and add them, by keyboard alone.
    _press_until_focused(page, "Name", role="input")
    page.keyboard.type(learner["last_name"])
    _press_until_focused(page, "E-mail address", role="input")
    page.keyboard.type(made["canaries"][4])
    page.keyboard.press("Enter")
    found = page.get_by_label(re.compile(rf"^{re.escape(full_name)}, born"))
    expect(found).to_have_count(1)
    _press_until_focused(page, full_name, role="input")
    page.keyboard.press("Space")
    _press_until_focused(page, "Rows kept under", role="input")
    page.keyboard.press("Space")
    _press_until_focused(page, "Add the ticked records", role="button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Added to the request's records.")).to_be_visible()
    expect(page.get_by_text(f"Learner record: {full_name}")).to_be_visible()

    # Download everything held about them (JSON), by keyboard alone.
    _press_until_focused(page, "Download the export (JSON)", role="a")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    saved = tmp_path / "export.json"
    download.value.save_as(saved)
    exported = json.loads(saved.read_text())
    text = json.dumps(exported, ensure_ascii=False)
    first, last, upn, _uln, email, written, _preferred = made["canaries"]
    for value in (first, last, upn, email, written):
        assert value in text, f"the export does not hold {value!r}"
    headings = {section["heading"] for section in exported["sections"]}
    assert len(headings) >= 5, headings

    # Erase: see what will happen, then erase, then who to tell.
    page.get_by_role("link", name="Erase: see what will happen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Erase {full_name}'s data")
    expect(page.get_by_role("table")).to_contain_text("Anonymised")
    page.get_by_role("button", name="Erase now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{full_name}'s data is erased")
    expect(page.get_by_role("heading", name="Tell these organisations (Art 19)")).to_be_visible()

    # Nothing of theirs is left in any table, apart from the request naming who asked.
    left = module_json(
        site,
        SETUP,
        "scan",
        json.dumps(made["canaries"]),
        json.dumps({"rights_rightsrequest": [request_id]}),
    )
    assert left == [], f"the learner's values are still held: {left}"
