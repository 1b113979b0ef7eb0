"""An admin finds a learner recorded twice, reviews the pair and merges it, by keyboard alone;
the queue and the pair pages have no serious accessibility problems."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse, expect_saved
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_keyboard import control, focused, skip_to_main, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

COPY_A_LEARNER = """
from widen.core import request_context
from widen.learners.models import Learner
learner = Learner.objects.get(pk="{learner_id}")
with request_context.bind(source="test"):
    Learner.objects.create(
        organisation=learner.organisation,
        school=learner.school,
        first_name=learner.first_name,
        last_name=learner.last_name + "e",
        date_of_birth=learner.date_of_birth,
        home_postcode=learner.home_postcode,
    )
"""


def test_an_admin_merges_a_learner_recorded_twice_by_keyboard(browse: Browse) -> None:
    admin = browse.site.people["admin"]
    learner = admin.learner("editable")
    copied = browse.site.widen("shell", "-c", COPY_A_LEARNER.format(learner_id=learner.id))
    assert copied.returncode == 0, copied.stderr[-2000:]
    page: Page = browse.as_person("admin")

    page.goto("/learners/duplicates/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Duplicate learners")
    assert_accessible(page, "duplicate learners")
    skip_to_main(page)
    tab_to(page, "the search button", control("button", "Look for duplicates now"))
    page.keyboard.press("Enter")
    expect_saved(page, "probable duplicates")
    assert_accessible(page, "duplicate learners, after a search")

    copy = re.escape(f"{learner.first_name} {learner.last_name}e")
    # The pair's two records are shown in either order.
    review = re.compile(
        rf"^Review ({re.escape(learner.name)} and {copy}|{copy} and {re.escape(learner.name)})$"
    )
    # The queue may hold other pairs the demo's invented learners make, in any order: go to this
    # pair's link directly, then on by keyboard.
    # The demo also plants a copy of some learners who moved house, which the finder pairs with
    # both records: this pair is the one that differs in nothing.
    row = (
        page.get_by_role("row")
        .filter(has=page.get_by_role("link", name=review))
        .filter(has=page.get_by_role("cell", name="nothing", exact=True))
    )
    link = row.get_by_role("link", name=review)
    assert link.count() == 1, page.locator("main").inner_text()[:3000]
    pair_address = link.get_attribute("href")
    link.focus()
    assert focused(page)["outlined"], "the focused review link shows no focus"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Is this the same learner?")
    assert_accessible(page, "a pair of possible duplicates")
    expect(page.get_by_role("table", name="The two records side by side")).to_contain_text(
        "Last name"
    )
    tab_to(page, "the record to keep", lambda element: element["tag"] == "input")
    page.keyboard.press("ArrowDown")  # the radio group: choose the other record
    assert focused(page)["tag"] == "input"
    tab_to(page, "the merge button", control("button", "Merge into one learner"))
    page.keyboard.press("Enter")

    expect_saved(page, "Merged")
    expect(page).to_have_url(re.compile(r"/learners/duplicates/$"))
    expect(page.locator(f'a[href="{pair_address}"]')).to_have_count(0)
