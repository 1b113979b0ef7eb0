"""A pupil's mentoring on a phone (375 px wide), with the keyboard alone, each page checked with
axe-core on the way.

The coordinator records a parent's consent and invites a Year 10 pupil to sign in at their own
school address. The pupil opens the link in the e-mail, lands on "My mentoring", opens the space
they share with their DBS-checked mentor, reads that Widen's messages are their only contact
between meetings, and sends their mentor a message.

What the pages cannot do is done by `tests.mentoring.pupil_browser_setup`: the pupils'
programme, the pupil in it (not yet invited), and their active pair with a mentor.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.support import Browse, expect_saved, made_for
from tests.browser.test_partner_journey import (
    checked,
    date_typed,
    go,
    heading,
    phone,
    press,
    starts,
    typed,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

COORDINATOR = "outreach"
PUPIL = "keyboard.pupil@school.example.org"
WAIT_MS = 60_000


def test_a_pupil_invited_with_consent_signs_in_and_messages_their_mentor_by_keyboard(
    browse: Browse,
) -> None:
    site = browse.site
    made = made_for(
        site, "tests.mentoring.pupil_browser_setup", COORDINATOR, then=(PUPIL, "not-invited")
    )
    name = made["name"]

    # 1. The coordinator records consent and sends the pupil a sign-in link.
    coordinator = phone(browse.as_person(COORDINATOR))
    go(coordinator, f"/mentoring/mentees/{made['mentee_id']}/sign-in/", f"{name}'s sign-in")
    typed(coordinator, "The pupil's own e-mail address", PUPIL)
    typed(coordinator, "Or the parent or carer who agreed", "Sam Parent, father")
    date_typed(coordinator, "Consent given on", date(2026, 9, 4))
    checked(coordinator, "mentoring: inviting a pupil to sign in")
    press(coordinator, "Send the sign-in link", starts("button", "Send the sign-in link"))
    expect_saved(coordinator, f"Sent {name} a sign-in link at {PUPIL}.")

    # 2. The pupil opens the link and lands on their own mentoring.
    pupil = phone(browse.anonymous())
    pupil.goto(site.link_in_latest_email(PUPIL, "/my/sign-in/", wait=180))
    press(pupil, "the Sign in button", starts("button", "Sign in"))
    heading(pupil).to_have_text("My mentoring", timeout=WAIT_MS)
    checked(pupil, "mentoring: my mentoring, as a pupil")

    # 3. They open the space they share with their mentor and send a message.
    press(pupil, "Open your mentoring space", starts("a", "Open your mentoring space"))
    heading(pupil).to_have_text("Your mentoring with Rosalind Franklin")
    expect(pupil.get_by_text("You are under 18: between meetings")).to_be_visible()
    typed(pupil, "Your message", "Hello! Could we talk about engineering apprenticeships?")
    press(pupil, "Send", starts("button", "Send"))
    expect_saved(pupil, "Your message is sent.")
    expect(pupil.get_by_text("Could we talk about engineering apprenticeships?")).to_be_visible()
    checked(pupil, "mentoring: a pair's space, as a pupil")
