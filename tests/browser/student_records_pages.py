"""The student records' pages for staff, opened as a university's outreach officer opens them,
for the accessibility check (`tests/browser/test_accessibility.py` adds them to its PAGES)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import Browse, Site, made_for, opened, opener, refused

STAFF = "outreach"  # the demo's QMUL outreach officer manages QMUL's students


def records(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.students.records_browser_setup", STAFF)


def student_list(browse: Browse) -> Page:
    page = opened(browse.as_person(STAFF), "/students/", "Students")
    # Callum studies at Queen Mary and at City, whose students its agreement shares.
    expect(page.get_by_role("link", name="Callum Hughes").first).to_be_visible()
    return page


def student_list_filtered(browse: Browse) -> Page:
    page = browse.as_person(STAFF)
    page.goto("/students/?status=interrupted&characteristic=care_experienced")
    # Callum studies at Queen Mary and at City, whose students its agreement shares.
    expect(page.get_by_role("link", name="Callum Hughes").first).to_be_visible()
    return page


def student_list_with_no_matches(browse: Browse) -> Page:
    page = browse.as_person(STAFF)
    page.goto("/students/?q=Nobody+Here")
    expect(page.get_by_text("No students match these filters.")).to_be_visible()
    return page


def student_detail(browse: Browse) -> Page:
    made = records(browse.site)
    page = opened(browse.as_person(STAFF), f"/students/{made['student_id']}/", made["student_name"])
    expect(page.get_by_role("heading", name="Status history")).to_be_visible()
    expect(page.get_by_role("heading", name="What the student declared")).to_be_visible()
    return page


add_a_student = opener(records, "/students/new/", "Add a student", person=STAFF)


def add_a_student_with_errors(browse: Browse) -> Page:
    return refused(add_a_student(browse), "Add student", "Enter the student number")


edit_a_student = opener(records, "/students/{other_id}/edit/", "Edit {other_name}", person=STAFF)


def edit_a_student_with_an_error(browse: Browse) -> Page:
    page = edit_a_student(browse)
    return refused(page, "Save changes", "Enter the first name", filled={"First name": ""})


change_status = opener(
    records, "/students/{other_id}/status/", "Change the status of {other_name}", person=STAFF
)


def change_status_with_an_error(browse: Browse) -> Page:
    page = change_status(browse)
    return refused(
        page,
        "Change status",
        "cannot be in the future",
        filled={"Took effect on": "2099-01-01"},
    )


term_dates = opener(
    records,
    "/students/providers/{organisation_id}/terms/",
    "Term dates of {organisation_name}",
    person=STAFF,
)
add_a_term = opener(
    records,
    "/students/providers/{organisation_id}/terms/new/",
    "Add a term of {organisation_name}",
    person=STAFF,
)


def add_a_term_with_an_error(browse: Browse) -> Page:
    page = add_a_term(browse)
    return refused(
        page,
        "Save term",
        "Give the academic year as its two years",
        filled={
            "Academic year": "2026-27",
            "Term": "Winter term",
            "First day": "2027-01-04",
            "Last day": "2027-01-08",
        },
    )


change_a_term = opener(
    records, "/students/terms/{term_id}/edit/", "Change {term_name}", person=STAFF
)

STUDENT_RECORDS_PAGES: dict[str, Callable[[Browse], Page]] = {
    "students": student_list,
    "students, filtered": student_list_filtered,
    "students, none found": student_list_with_no_matches,
    "a student": student_detail,
    "add a student": add_a_student,
    "add a student, with errors": add_a_student_with_errors,
    "edit a student": edit_a_student,
    "edit a student, with an error": edit_a_student_with_an_error,
    "change a student's status": change_status,
    "change a student's status, with an error": change_status_with_an_error,
    "term dates": term_dates,
    "add a term": add_a_term,
    "add a term, with an error": add_a_term_with_an_error,
    "change a term": change_a_term,
}
