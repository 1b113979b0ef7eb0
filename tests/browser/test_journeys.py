"""Signing in with MFA, finding and changing a learner, and what a person may not reach."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.support import Browse, expect_saved, mfa_step, password_step

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MFA_HEADING = "Enter the code from your authenticator app"


def test_sign_in_with_mfa_find_and_edit_learner(browse: Browse) -> None:
    officer = browse.site.people["outreach"]
    page = browse.anonymous()

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Widen")
    password_step(page, officer)
    expect(page).to_have_url(re.compile(r"/accounts/mfa/"))
    mfa_step(page, officer)
    expect(page).to_have_url(re.compile(r"/learners/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Learners")

    # Take the name of a learner the officer's own organisation holds from the list.
    own_rows = page.locator("tbody tr").filter(
        has=page.locator("td:nth-child(4)", has_text=officer.organisation)
    )
    expect(own_rows.first).to_be_visible()
    name = own_rows.first.get_by_role("link").inner_text().strip()

    page.get_by_label("Name or UPN").fill(name)
    page.get_by_role("button", name="Find learners").click()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    results = page.locator("tbody").get_by_role("link", name=name, exact=True)
    expect(results.first).to_be_visible()
    results.first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.get_by_role("link", name="Edit learner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit {name}")
    last_name = page.get_by_label("Legal last name").input_value()
    new_preferred_name = "Rowan" if not name.startswith("Rowan ") else "Robin"
    page.get_by_label("Preferred name").fill(new_preferred_name)
    page.get_by_role("button", name="Save changes").click()

    expect_saved(page, "Your changes have been saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{new_preferred_name} {last_name}")


@pytest.mark.parametrize("who", ["unshared", "partner"])
def test_refused_a_partners_learner(browse: Browse, who: str) -> None:
    """A learner held under no agreement with the person answers like one that does not exist.

    The unshared officer (LSE) has no agreement with anyone; the partner officer (City) shares
    with QMUL but not with the organisations holding the learner they are refused.
    """
    hidden = browse.site.people[who].learner("hidden")
    page = browse.as_person(who)

    response = page.goto(hidden.url)
    assert response is not None
    assert response.status == 404, f"{hidden.url} answered {response.status}, not 404"
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    refused_text = page.locator("main").inner_text()
    content = page.content()
    for word in {hidden.name, hidden.first_name, hidden.last_name}:
        assert word not in content, f"the 404 page names the learner ({word!r})"

    # The same answer as for a learner who does not exist at all.
    missing = page.goto(f"/learners/{uuid.uuid4()}/")
    assert missing is not None
    assert missing.status == 404
    assert page.locator("main").inner_text() == refused_text

    # Nor can they reach the learner's other pages.
    for path in ("edit/", "access/", "consents/new/", "parents-carers/new/"):
        response = page.goto(f"{hidden.url}{path}")
        assert response is not None
        assert response.status == 404, f"{hidden.url}{path} answered {response.status}"


def test_password_only_session_cannot_reach_pages(browse: Browse) -> None:
    person = browse.site.people["password_only"]
    page = browse.anonymous()

    password_step(page, person)
    expect(page).to_have_url(re.compile(r"/accounts/mfa/"))

    for path in ("/learners/", "/learners/new/", "/organisations/", "/admin/"):
        page.goto(path)
        expect(page, f"{path} was reached without MFA").to_have_url(
            re.compile(r"/accounts/mfa/\?next=")
        )
        expect(page.get_by_role("heading", level=1)).to_have_text(MFA_HEADING)
        expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
