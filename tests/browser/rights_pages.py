"""The pages for requests about people's data, opened as an organisation admin (who handles
its requests) opens them, for the accessibility check (`tests/browser/test_accessibility.py`
adds them to its PAGES)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, made_once, opened, opener, refused

HANDLER = "keyboard"  # the demo's UEL organisation admin handles UEL's requests


def requests_made(site: Site) -> dict[str, Any]:
    """An erasure request of the handler's organisation (made once per server)."""
    made: dict[str, Any] = made_once(
        site, "tests.browser.rights_setup", "pages", site.people[HANDLER].username
    )
    return made


def request_list(browse: Browse) -> Page:
    made = requests_made(browse.site)
    page = opened(browse.as_person(HANDLER), "/rights/", "Requests about people's data")
    expect(page.get_by_role("link", name=made["person_name"]).first).to_be_visible()
    return page


record_form = opener(
    requests_made, "/rights/new/", "Record a request about someone's data", person=HANDLER
)


def record_form_with_errors(browse: Browse) -> Page:
    return refused(record_form(browse), "Record the request", "Choose what the person asked for")


request_page = opener(
    requests_made, "/rights/{request_id}/", "Erasure from {person_name}", person=HANDLER
)


def request_page_with_search_results(browse: Browse) -> Page:
    made = requests_made(browse.site)
    page = opened(
        browse.as_person(HANDLER),
        f"/rights/{made['request_id']}/?name=a",
        f"Erasure from {made['person_name']}",
    )
    expect(page.get_by_role("button", name="Add the ticked records to the request")).to_be_visible()
    return page


erase_confirmation = opener(
    requests_made,
    "/rights/{request_id}/erase/",
    "Erase {person_name}'s data",
    person=HANDLER,
)

RIGHTS_PAGES: dict[str, Callable[[Browse], Page]] = {
    "requests about people's data": request_list,
    "record a request": record_form,
    "record a request, with errors": record_form_with_errors,
    "a request about someone's data": request_page,
    "a request, with search results": request_page_with_search_results,
    "erasing: what will happen": erase_confirmation,
}
