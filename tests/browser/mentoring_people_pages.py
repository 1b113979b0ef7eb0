"""Mentors' and mentees' own pages, for the accessibility check (`tests/browser/
test_accessibility.py` adds them to its PAGES): an open programme's public page with "Become a
mentor" (signed out), and with its errors; "My mentoring" as a mentor with an introduction to
answer, a mentor's profile, declining an introduction; applying for a mentor as a student. Mentor
and student sign in by a link, as they do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened

COORDINATOR = "outreach"
MENTOR = "grace.hopper.mentor@example.com"
STUDENT = "priya.patel.mentee@students.example.ac.uk"


def people(site: Site) -> dict[str, Any]:
    return made_for(
        site, "tests.mentoring.people_browser_setup", COORDINATOR, then=(MENTOR, STUDENT)
    )


def become_a_mentor(browse: Browse) -> Page:
    made = people(browse.site)
    page = opened(
        browse.anonymous(),
        f"/mentoring/open/{made['programme_id']}/",
        "Careers in finance mentoring",
    )
    expect(page.get_by_role("heading", name="Code of conduct for mentors")).to_be_visible()
    return page


def become_a_mentor_with_errors(browse: Browse) -> Page:
    page = become_a_mentor(browse)
    page.get_by_role("button", name="Register as a mentor").click()
    expect(page.get_by_text("Agree to the code of conduct", exact=False).first).to_be_visible()
    return page


def as_mentor(browse: Browse) -> Page:
    people(browse.site)
    return as_student_by_link(browse, MENTOR)


def my_mentoring_as_mentor(browse: Browse) -> Page:
    people(browse.site)
    page = opened(as_mentor(browse), "/mentoring/mine/", "My mentoring")
    expect(page.get_by_text("Priya, in Careers in finance mentoring")).to_be_visible()
    return page


def my_mentor_profile(browse: Browse) -> Page:
    made = people(browse.site)
    return opened(
        as_mentor(browse), f"/mentoring/mine/profile/{made['mentor_id']}/", "My mentor profile"
    )


def decline_an_introduction(browse: Browse) -> Page:
    made = people(browse.site)
    return opened(
        as_mentor(browse),
        f"/mentoring/mine/introductions/{made['pair_id']}/decline/",
        "Decline the introduction in Careers in finance mentoring",
    )


def apply_for_a_mentor(browse: Browse) -> Page:
    made = people(browse.site)
    student = as_student_by_link(browse, STUDENT)
    return opened(
        student,
        f"/mentoring/mine/apply/{made['law_programme_id']}/",
        "Apply for a mentor: Careers in law mentoring",
    )


MENTORING_PEOPLE_PAGES: dict[str, Callable[[Browse], Page]] = {
    "become a mentor": become_a_mentor,
    "become a mentor, with errors": become_a_mentor_with_errors,
    "my mentoring, as a mentor": my_mentoring_as_mentor,
    "my mentor profile": my_mentor_profile,
    "decline a mentoring introduction": decline_an_introduction,
    "apply for a mentor": apply_for_a_mentor,
}
