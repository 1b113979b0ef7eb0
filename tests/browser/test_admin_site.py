"""The admin site keeps to the content security policy: no page breaks it (no inline style or
script), on the index, the lists, a row's form and an add form."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage

from tests.browser.admin_pages import ADMIN_PATHS
from tests.browser.support import Browse

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_no_admin_page_breaks_the_content_security_policy(browse: Browse) -> None:
    page = browse.as_person("superuser")
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", note)
    page.add_init_script(
        "addEventListener('securitypolicyviolation', (event) => console.error("
        "'Content Security Policy: ' + event.violatedDirective + ' ' + event.sample))"
    )
    opened = 0
    for path in ADMIN_PATHS:
        page.goto(path)
        page.wait_for_load_state("load")
        opened += 1
        if path == "/admin/":
            continue
        first = page.locator("#result_list tbody tr th a").first
        if first.count():
            first.click()
            page.wait_for_load_state("load")
            opened += 1
        page.goto(f"{path}add/")
        page.wait_for_load_state("load")
        opened += 1
    assert opened >= 3 * len(ADMIN_PATHS) - 3
    assert not refused, "\n".join(refused)
