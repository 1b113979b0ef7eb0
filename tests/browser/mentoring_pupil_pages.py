"""A pupil mentee's pages, for the accessibility check (`tests/browser/test_accessibility.py`
finds this module by name): the coordinator's page recording consent and inviting the pupil to
sign in, and filling in the pupil's answers; the pupil, signed in by a link, on "My mentoring",
their answers and their pair's space."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.student_sessions import as_student_by_link
from tests.browser.support import Browse, Site, made_for, opened

COORDINATOR = "outreach"
PUPIL = "pupil.mentee@school.example.org"


def pupil(site: Site) -> dict[str, Any]:
    return made_for(site, "tests.mentoring.pupil_browser_setup", COORDINATOR, then=(PUPIL,))


def invite_a_pupil(browse: Browse) -> Page:
    made = pupil(browse.site)
    page = opened(
        browse.as_person(COORDINATOR),
        f"/mentoring/mentees/{made['mentee_id']}/sign-in/",
        f"{made['name']}'s sign-in",
    )
    expect(page.get_by_label("The pupil's own e-mail address")).to_have_value(PUPIL)
    return page


def invite_a_pupil_with_errors(browse: Browse) -> Page:
    page = invite_a_pupil(browse)
    page.get_by_label("Or the parent or carer who agreed").fill("")
    page.get_by_label("Or the parent or carer who agreed").press("Enter")
    expect(page.get_by_text("Say which parent or carer agreed").first).to_be_visible()
    return page


def fill_in_a_pupils_answers(browse: Browse) -> Page:
    made = pupil(browse.site)
    return opened(
        browse.as_person(COORDINATOR),
        f"/mentoring/mentees/{made['mentee_id']}/answers/",
        f"{made['name']}'s answers: Year 10 careers mentoring",
    )


def my_mentoring_as_a_pupil(browse: Browse) -> Page:
    pupil(browse.site)
    page = opened(as_student_by_link(browse, PUPIL), "/mentoring/mine/", "My mentoring")
    expect(page.get_by_text("Year 10 careers mentoring").first).to_be_visible()
    return page


def my_answers_as_a_pupil(browse: Browse) -> Page:
    made = pupil(browse.site)
    return opened(
        as_student_by_link(browse, PUPIL),
        f"/mentoring/mine/applications/{made['mentee_id']}/answers/",
        "Your answers: Year 10 careers mentoring",
    )


def a_pairs_space_as_a_pupil(browse: Browse) -> Page:
    made = pupil(browse.site)
    page = opened(
        as_student_by_link(browse, PUPIL),
        f"/mentoring/pairs/{made['pair_id']}/",
        "Your mentoring with Rosalind Franklin",
    )
    expect(page.get_by_text("You are under 18: between meetings")).to_be_visible()
    return page


MENTORING_PUPIL_PAGES: dict[str, Callable[[Browse], Page]] = {
    "invite a pupil mentee to sign in": invite_a_pupil,
    "invite a pupil mentee to sign in, with errors": invite_a_pupil_with_errors,
    "a pupil mentee's answers, filled in by a coordinator": fill_in_a_pupils_answers,
    "my mentoring, as a pupil": my_mentoring_as_a_pupil,
    "my answers, as a pupil": my_answers_as_a_pupil,
    "a pair's space, as a pupil": a_pairs_space_as_a_pupil,
}
