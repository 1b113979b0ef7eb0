"""The day of an event from end to end, as the people in it see it.

A parent books a place at the parents' evening on a phone-sized screen, asking for an adjustment,
takes the booking link from the confirmation e-mail and changes the booking; the organiser sees
the adjustment. A learner books a place at the conference; on the day an organiser checks the
learner in from a phone; afterwards the organiser writes a short post-event survey and e-mails
its links to everyone with a place, and the learner answers it by the link in their e-mail. The
organiser then sees the answer counted in the survey's response rate.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import Browse, expect_saved
from tests.browser.test_accessibility import assert_accessible
from widen.demo.events import CONFERENCE, PARENTS_EVENT

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 375, "height": 740}
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _book(page: Page, event_title: str, name: str, email: str, coming_as: str) -> None:
    page.goto("/events/public/")
    page.get_by_role("link", name=event_title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(event_title)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your e-mail address").fill(email)
    page.get_by_label(coming_as, exact=True).check()


def test_a_parent_books_and_changes_a_learner_is_checked_in_and_answers_the_survey(
    browse: Browse,
) -> None:
    site = browse.site
    suffix = secrets.token_hex(3)
    parent_email = f"grace.adebayo.{suffix}@example.org"
    learner_name = f"Tomi Adebayo {suffix}"
    learner_email = f"tomi.adebayo.{suffix}@example.org"

    # A parent books the parents' evening on a phone, asking for step-free access.
    parent = browse.anonymous()
    parent.set_viewport_size(PHONE)
    _book(parent, PARENTS_EVENT, "Grace Adebayo", parent_email, "Parent or carer")
    parent.get_by_label("Access requirements (optional)").fill("Step-free access, please")
    assert parent.evaluate(FITS), "the booking form scrolls sideways at 375 px"
    parent.get_by_role("button", name="Book a place").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("Your place is booked")
    assert_accessible(parent, "the booking confirmation")
    shown_link = parent.locator("#booking-link").get_attribute("href") or ""

    # The same link arrives by e-mail; the parent follows it and changes the booking.
    emailed_link = site.link_in_latest_email(parent_email, "/events/booking/")
    assert emailed_link.endswith(shown_link), "the e-mail and the page give different links"
    parent.goto(emailed_link)
    expect(parent.get_by_role("heading", level=1)).to_have_text("Your booking")
    expect(parent.get_by_label("Access requirements (optional)")).to_have_value(
        "Step-free access, please"
    )
    parent.get_by_label("Access requirements (optional)").fill(
        "Step-free access and a seat near the front, please"
    )
    parent.get_by_label("Dietary needs (optional)").fill("Vegetarian")
    parent.get_by_role("button", name="Save changes").click()
    expect_saved(parent, "Your booking has been changed")
    parent.goto(emailed_link)
    expect(parent.get_by_label("Access requirements (optional)")).to_have_value(
        "Step-free access and a seat near the front, please"
    )
    assert_accessible(parent, "the booking's page")

    # The organiser (QMUL's outreach officer) sees the changed adjustment on the bookings list.
    organiser = browse.as_person("outreach")
    organiser.goto("/events/")
    organiser.get_by_role("link", name=PARENTS_EVENT).click()
    organiser.get_by_role("link", name="Bookings", exact=True).click()
    parent_row = organiser.get_by_role("row").filter(has_text="Grace Adebayo")
    expect(parent_row).to_contain_text("Step-free access and a seat near the front, please")

    # A learner books the conference on their phone.
    learner = browse.anonymous()
    learner.set_viewport_size(PHONE)
    _book(learner, CONFERENCE, learner_name, learner_email, "Learner")
    learner.get_by_role("button", name="Book a place").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Your place is booked")

    # On the day, the organiser finds the learner on a phone and checks them in.
    organiser.set_viewport_size(PHONE)
    organiser.goto("/events/")
    organiser.get_by_role("link", name=CONFERENCE).click()
    organiser.get_by_role("link", name="Check people in").click()
    organiser.get_by_label("Name").fill(learner_name)
    organiser.get_by_role("button", name="Search").click()
    organiser.get_by_role("button", name=f"Check in {learner_name}").click()
    undo = organiser.get_by_role("button", name=f"Undo check-in for {learner_name}")
    expect(undo).to_be_visible()
    assert organiser.evaluate(FITS), "the check-in list scrolls sideways at 375 px"
    assert_accessible(organiser, "the check-in list")

    # Afterwards the organiser writes a short survey after the conference and sends its links.
    organiser.set_viewport_size({"width": 1280, "height": 900})
    title = f"After the conference {suffix}"
    organiser.goto("/evaluation/surveys/")
    organiser.get_by_role("link", name=re.compile(r"^Add a survey to")).first.click()
    organiser.get_by_label("Title (required)").fill(title)
    organiser.get_by_label("When it is answered").select_option(label="After the activity (post)")
    organiser.get_by_label("Event", exact=True).select_option(label=CONFERENCE)
    organiser.get_by_role("button", name="Add survey").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text(f"Questions: {title}")
    organiser.get_by_label("Kind of question").select_option(label="Agreement (5-point Likert)")
    organiser.get_by_label("Question (required)", exact=True).fill(
        "The conference helped me understand university life."
    )
    organiser.get_by_label("An answer is required").check()
    organiser.get_by_role("button", name="Add question").click()
    organiser.get_by_label("Kind of question").select_option(label="Free text")
    organiser.get_by_label("Question (required)", exact=True).fill(
        "What would you tell a friend about it?"
    )
    organiser.get_by_role("button", name="Add question").click()
    expect(organiser.locator("main")).to_contain_text("What would you tell a friend about it?")
    organiser.goto("/evaluation/surveys/")
    organiser.get_by_role("link", name=title).click()
    organiser.get_by_role("button", name="Open the survey for answers").click()
    organiser.get_by_role("link", name="Send links").click()
    everyone = re.compile(rf"^Everyone with a place at {re.escape(CONFERENCE)}")
    organiser.get_by_label(everyone).check()
    organiser.get_by_role("button", name="Send links").click()
    expect_saved(organiser, "E-mailed a link")

    # The learner answers by the link in their e-mail, on their phone.
    survey_link = site.link_in_latest_email(learner_email, "/evaluation/answer/")
    learner.goto(survey_link)
    expect(learner.get_by_role("heading", level=1)).to_have_text(title)
    assert learner.evaluate(FITS), "the survey scrolls sideways at 375 px"
    learner.get_by_label("Agree", exact=True).check()
    learner.get_by_label(re.compile(r"What would you tell a friend")).fill(
        "It really helped me understand uni life more."
    )
    learner.get_by_role("button", name="Send my answers").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(learner, "the survey's thank-you page")
    learner.goto(survey_link)
    expect(learner.get_by_role("heading", level=1)).to_have_text("Thank you")

    # The organiser sees the answer in the response rate for the conference.
    organiser.goto("/evaluation/surveys/")
    organiser.get_by_role("link", name=title).click()
    rates = organiser.get_by_role("row").filter(has_text=CONFERENCE).first
    expect(rates.locator("td").nth(1)).to_have_text("1")  # answered
