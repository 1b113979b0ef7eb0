"""A large pupil list imports as a background job: the worker `widen serve` starts runs it, and
the page shows its progress until it is done."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Route, expect

from tests.browser.support import Browse
from tests.browser.test_accessibility import _checking, _pupil_list, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
ROWS = 80  # over the 50-row threshold the browser tests' server is started with
PROGRESS = re.compile(r"/imports/[0-9a-f-]+/progress/$")


def test_a_large_list_imports_in_the_background_with_progress(browse: Browse) -> None:
    page = _checking(browse, _pupil_list(60, ROWS))
    expect(page.get_by_text("it is imported in the background")).to_be_visible()
    # The page's progress requests are held (not answered, not faked) while axe checks it, so
    # that the page cannot move on to the result in the middle of the check.
    held: list[Route] = []
    holding = [True]

    def hold(route: Route) -> None:
        if holding[0]:
            held.append(route)
        else:
            route.continue_()

    page.route(PROGRESS, hold)
    page.get_by_role("button", name=f"Import {ROWS} learners").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(
        re.compile(r"^(Importing pupils-60\.csv|pupils-60\.csv: Imported)$")
    )
    if heading.inner_text().startswith("Importing"):
        expect(page.get_by_role("status")).to_be_visible()
        assert_accessible(page, "import running")
    # The held requests are let go before the route is removed: removing it first lets the
    # browser answer them itself, and a later `continue_` then fails as already handled.
    holding[0] = False
    for request in held:
        request.continue_()
    page.unroute(PROGRESS)
    # The page follows the job and shows the result when the worker has finished.
    expect(heading).to_have_text("pupils-60.csv: Imported", timeout=60_000)
    expect(page.locator("#rows-created")).to_have_text(str(ROWS))
