"""Student records by keyboard alone: a university's officer finds a student and changes their
status without a mouse, and the page says so."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.student_records_pages import STAFF, records
from tests.browser.support import Browse


def test_changing_a_students_status_by_keyboard_alone(browse: Browse) -> None:
    made = records(browse.site)
    page = browse.as_person(STAFF)
    page.goto(f"/students/{made['other_id']}/")
    link = page.get_by_role("link", name="Change status")
    for _ in range(60):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the 'Change status' link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Change the status of {made['other_name']}"
    )
    status = page.get_by_label("New status")
    status.focus()
    status.select_option("interrupted")  # as the arrow keys would choose it
    expect(status).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Took effect on")).to_be_focused()
    button = page.get_by_role("button", name="Change status")
    for _ in range(5):  # past the date's day, month and year
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(made["other_name"])
    expect(page.get_by_text(f"{made['other_name']} is now interrupted")).to_be_visible()
    expect(page.get_by_role("cell", name="Interrupted").first).to_be_visible()
