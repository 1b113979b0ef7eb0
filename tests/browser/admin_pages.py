"""The admin site's pages for the accessibility and phone checks: its index, lists and forms.

Each is opened by the site administrator (the superuser of the demo partnership). The forms
chosen hold each kind of control Django's admin draws: date and time boxes, a list of many
choices, a search box and an inline table of rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, opened

# A list page, and whether to open its first row too.
ADMIN_LISTS = {
    "/admin/organisations/partnership/": "Select partnership to change",
    "/admin/organisations/datasharingagreement/": "Select data-sharing agreement to change",
    "/admin/accounts/user/": "Select user to change",
    "/admin/otp_totp/totpdevice/": "Select TOTP device to change",
    "/admin/audit/auditevent/": "Select audit event to view",
}


def _list(path: str, heading: str) -> Callable[[Browse], Page]:
    def open_list(browse: Browse) -> Page:
        return opened(browse.as_person("superuser"), path, heading)

    return open_list


def _first_row(path: str, heading: str) -> Callable[[Browse], Page]:
    def open_first_row(browse: Browse) -> Page:
        page = _list(path, heading)(browse)
        page.locator("#result_list tbody tr th a").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^(Change|View) "))
        return page

    return open_first_row


def admin_add_agreement(browse: Browse) -> Page:
    return opened(
        browse.as_person("superuser"),
        "/admin/organisations/datasharingagreement/add/",
        "Add data-sharing agreement",
    )


ADMIN_PAGES: dict[str, Callable[[Browse], Page]] = {
    **{f"admin site, list {path}": _list(path, heading) for path, heading in ADMIN_LISTS.items()},
    **{
        f"admin site, change {path}": _first_row(path, heading)
        for path, heading in ADMIN_LISTS.items()
    },
    "admin site, add a data-sharing agreement": admin_add_agreement,
}
ADMIN_PATHS = ["/admin/", "/admin/learners/learner/", *ADMIN_LISTS]
