"""Every page, checked with axe-core in Chromium: no serious or critical accessibility problems."""

from __future__ import annotations

import dataclasses
import importlib
import re
import secrets
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import FilePayload, Page, expect

from tests.browser.admin_pages import ADMIN_PAGES
from tests.browser.checkin_pages import CHECKIN_PAGES
from tests.browser.claim_pages import CLAIM_PAGES
from tests.browser.co_presenting_pages import CO_PRESENTING_PAGES
from tests.browser.events_pages import EVENTS_PAGES
from tests.browser.notifications_pages import NOTIFICATIONS_PAGES
from tests.browser.partner_plan_pages import PARTNER_PLAN_PAGES
from tests.browser.partner_roles_pages import PARTNER_ROLES_PAGES
from tests.browser.passkey_pages import PASSKEY_PAGES
from tests.browser.payments_pages import PAYMENTS_PAGES
from tests.browser.rights_pages import RIGHTS_PAGES
from tests.browser.shift_pages import SHIFT_PAGES
from tests.browser.student_import_pages import STUDENT_IMPORT_PAGES
from tests.browser.student_link_pages import STUDENT_LINK_PAGES
from tests.browser.student_records_pages import STUDENT_RECORDS_PAGES
from tests.browser.support import (
    Browse,
    Site,
    expect_saved,
    first_link_followed,
    followed,
    opened,
    password_step,
    refused,
)
from tests.browser.support_awards_pages import SUPPORT_AWARDS_PAGES
from tests.browser.support_benefits_pages import SUPPORT_BENEFITS_PAGES
from tests.browser.support_cases_pages import SUPPORT_CASES_PAGES
from tests.browser.support_my_awards_pages import SUPPORT_MY_AWARDS_PAGES
from tests.browser.support_pages import SUPPORT_PAGES
from tests.browser.support_records_pages import SUPPORT_RECORDS_PAGES
from tests.browser.survey_pages import SURVEY_PAGES
from tests.browser.test_phones import (
    assert_error_summary_focused,
    assert_fits_a_phone,
    is_refused_form,
)
from tests.browser.timesheet_pages import TIMESHEET_PAGES
from tests.browser.who_accessed_pages import WHO_ACCESSED_PAGES
from widen.core.academic_years import AcademicYear
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}
MFA_HEADING = "Enter the code from your authenticator app"
# axe-core only flags these for review, yet a hint or error that is not there is never announced.
BROKEN_REFERENCES = """() => [...document.querySelectorAll("[aria-describedby], [aria-labelledby]")]
  .flatMap((element) => ["aria-describedby", "aria-labelledby"].flatMap((attribute) =>
    (element.getAttribute(attribute) || "").split(/\\s+/).filter(Boolean)
      .filter((id) => !document.getElementById(id))
      .map((id) => `${element.tagName.toLowerCase()}#${element.id} ${attribute}="${id}"`)))"""


def sign_in_page(browse: Browse) -> Page:
    return opened(browse.anonymous(), "/accounts/login/", "Sign in to Widen")


def sign_in_page_with_an_error(browse: Browse) -> Page:
    return refused(
        sign_in_page(browse),
        "Sign in",
        filled={"Username": "nobody.at.all", "Password": "not the right password"},
    )


def mfa_code_page(browse: Browse) -> Page:
    page = browse.anonymous()
    password_step(page, browse.site.people["password_only"])
    expect(page.get_by_role("heading", level=1)).to_have_text(MFA_HEADING)
    return page


def mfa_code_page_with_an_error(browse: Browse) -> Page:
    return refused(mfa_code_page(browse), "Continue", filled={"6-digit code": "12345"})


_newcomers: dict[str, str] = {}


def _newcomer(site: Site) -> str:
    """Someone added with `widen createuser`, who has not set up MFA yet (made once per server)."""
    if site.base_url not in _newcomers:
        username = f"new.person.{secrets.token_hex(3)}"
        added = site.widen("createuser", username, "--password-stdin", stdin=f"{site.password}\n")
        assert added.returncode == 0, f"widen createuser failed: {added.stdout}{added.stderr}"
        _newcomers[site.base_url] = username
    return _newcomers[site.base_url]


def mfa_set_up_page(browse: Browse) -> Page:
    """A newcomer sets up MFA when they first sign in."""
    site = browse.site
    page = browse.anonymous()
    password_step(page, dataclasses.replace(site.people["password_only"], username=_newcomer(site)))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    return page


def mfa_set_up_page_with_an_error(browse: Browse) -> Page:
    return refused(mfa_set_up_page(browse), "Finish set-up", filled={"6-digit code": "12345"})


def too_many_attempts_page(browse: Browse) -> Page:
    page = sign_in_page(browse)
    username = f"locked.out.{secrets.token_hex(3)}"
    for _ in range(10):
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("not the right password")
        page.get_by_role("button", name="Sign in").click()
        if page.get_by_role("heading", name="Too many sign-in attempts").count():
            return page
    raise AssertionError("ten wrong passwords did not lead to the too-many-attempts page")


def _admin(browse: Browse) -> tuple[Page, Any]:
    return browse.as_person("admin"), browse.site.people["admin"]


def learner_list(browse: Browse) -> Page:
    return opened(browse.as_person("admin"), "/learners/", "Learners")


def learner_list_filtered(browse: Browse) -> Page:
    page, admin = _admin(browse)
    learner = admin.learner("editable")
    return opened(
        page,
        f"/learners/?q={learner.last_name}&year_group=10&characteristic=free_school_meals",
        "Learners",
    )


def learner_list_with_no_matches(browse: Browse) -> Page:
    page = opened(browse.as_person("admin"), "/learners/?q=Nobody+Matches+This", "Learners")
    expect(page.get_by_text("No learners match these filters.")).to_be_visible()
    return page


def learner_list_by_eligibility_and_engagement(browse: Browse) -> Page:
    page = opened(browse.as_person("outreach"), "/learners/", "Learners")
    page.get_by_label("Rule set eligibility").select_option(index=1)
    page.get_by_label("Engagement").select_option("not_engaged")
    page.get_by_role("button", name="Find learners").click()
    expect(page.get_by_label("Engagement")).to_have_value("not_engaged")
    return page


def learner_list_pseudonymised(browse: Browse) -> Page:
    return opened(browse.as_person("evaluator"), "/learners/", "Learners")


def learner_detail(browse: Browse) -> Page:
    page, admin = _admin(browse)
    learner = admin.learner("editable")
    return opened(page, learner.url, learner.name)


def learner_detail_shared_by_a_partner(browse: Browse) -> Page:
    learner = browse.site.people["partner"].learner("shared")
    page = opened(browse.as_person("partner"), learner.url, learner.name)
    expect(page.get_by_text("you see it under a data-sharing agreement")).to_be_visible()
    expect(page.get_by_role("heading", name="Special category data")).to_have_count(0)
    return page


def learner_detail_pseudonymised(browse: Browse) -> Page:
    learner = browse.site.people["evaluator"].learner("any")
    page = browse.as_person("evaluator")
    page.goto(learner.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Learner L-")
    return page


def learner_detail_with_a_message(browse: Browse) -> Page:
    page = add_a_parent_or_carer(browse)
    page.get_by_label("Name").fill("Jordan Example")
    page.get_by_label("Relationship").fill("Parent")
    page.get_by_role("button", name="Save").click()
    expect_saved(page, "The parent or carer has been added.")
    return page


def add_a_learner(browse: Browse) -> Page:
    return opened(browse.as_person("admin"), "/learners/new/", "Add a learner")


def add_a_learner_with_errors(browse: Browse) -> Page:
    page = add_a_learner(browse)
    return refused(page, "Add learner")


def edit_learner(browse: Browse) -> Page:
    page, admin = _admin(browse)
    learner = admin.learner("editable")
    return opened(page, f"{learner.url}edit/", f"Edit {learner.name}")


def edit_learner_with_an_error(browse: Browse) -> Page:
    page = edit_learner(browse)
    page.get_by_label("Legal first name").fill("")
    return refused(page, "Save changes")


def add_a_parent_or_carer(browse: Browse) -> Page:
    page, admin = _admin(browse)
    learner = admin.learner("editable")
    return opened(page, f"{learner.url}parents-carers/new/", "Add a parent or carer")


def record_the_lawful_basis(browse: Browse) -> Page:
    page, admin = _admin(browse)
    learner = admin.learner("editable")
    return opened(page, f"{learner.url}consents/new/", "Record the lawful basis or consent")


def who_changed_or_viewed(browse: Browse) -> Page:
    page, admin = _admin(browse)
    learner = admin.learner("editable")
    return opened(page, f"{learner.url}access/", f"Who changed or viewed {learner.name}")


def organisations(browse: Browse) -> Page:
    return opened(browse.as_person("admin"), "/organisations/", "Partnership and organisations")


def organisation(browse: Browse) -> Page:
    page, admin = _admin(browse)
    return opened(page, f"/organisations/{admin.organisation_id}/", admin.organisation)


def partnerships(browse: Browse) -> Page:
    """The list of partnerships (someone in only one is taken straight to it)."""
    page = browse.as_person("admin")
    page.goto("/organisations/partnerships/")
    if page.url.endswith("/organisations/partnerships/"):
        expect(page.get_by_role("heading", level=1)).to_have_text("Partnerships")
    else:
        expect(page.get_by_role("heading", name="Member organisations")).to_be_visible()
    return page


def partnership(browse: Browse) -> Page:
    page, admin = _admin(browse)
    page.goto(f"/organisations/partnerships/{admin.partnership_id}/")
    expect(page.get_by_role("heading", name="Member organisations")).to_be_visible()
    return page


def admin_site(browse: Browse) -> Page:
    return opened(browse.as_person("superuser"), "/admin/", "Site administration")


def admin_learners(browse: Browse) -> Page:
    return opened(
        browse.as_person("superuser"), "/admin/learners/learner/", "Select learner to change"
    )


def admin_learner(browse: Browse) -> Page:
    page = admin_learners(browse)
    page.locator("#result_list tbody tr th a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change learner")
    return page


def _pupil_list(
    seed: int, count: int, *, extra: dict[str, str] | None = None, first_born: str = ""
) -> FilePayload:
    """A SIMS export as CSV. `extra` adds a column (heading: every row's value); `first_born`
    replaces the first pupil's date of birth. Seeds from 40 to 99 give UPNs no demo learner has.
    """
    headings = MIS_HEADINGS["SIMS"]
    cells = table_cells(
        pupil_rows(count, seed=seed, academic_year=AcademicYear.current()), headings
    )
    if first_born:
        cells[1][list(headings).index("date_of_birth")] = first_born
    for heading, value in (extra or {}).items():
        cells[0].append(heading)
        for row in cells[1:]:
            row.append(value)
    return {"name": f"pupils-{seed}.csv", "mimeType": "text/csv", "buffer": csv_bytes(cells)}


def import_a_pupil_list(browse: Browse) -> Page:
    return opened(browse.as_person("admin"), "/learners/import/", "Import a pupil list")


def import_a_pupil_list_with_an_error(browse: Browse) -> Page:
    page = import_a_pupil_list(browse)
    return refused(page, "Upload and check")


def _checking(browse: Browse, pupils: FilePayload) -> Page:
    """The check page of a pupil list uploaded for no particular school."""
    page = import_a_pupil_list(browse)
    page.get_by_label("Pupil list").set_input_files(pupils)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Check {pupils['name']}")
    return page


def import_check_with_a_column_to_choose(browse: Browse) -> Page:
    # Nobody saves a choice for this column, so Widen asks about it every time.
    page = _checking(browse, _pupil_list(41, 3, extra={"Bus Route": "Number 104"}))
    expect(page.locator("tr.needs-choice")).to_have_count(1)
    expect(page.locator("#unknown-columns")).to_contain_text("Bus Route")
    return page


def import_check_with_problems(browse: Browse) -> Page:
    page = _checking(browse, _pupil_list(42, 3, first_born="31/02/2012"))
    expect(page.locator("#import-problems")).to_contain_text("31/02/2012")
    return page


def import_done(browse: Browse) -> Page:
    page = _checking(browse, _pupil_list(43, 2))
    page.get_by_role("button", name="Import 2 learners").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("pupils-43.csv: Imported")
    return page


def all_imports(browse: Browse) -> Page:
    return opened(browse.as_person("admin"), "/learners/imports/", "Imports")


def look_up_postcodes(browse: Browse) -> Page:
    return opened(browse.as_person("outreach"), "/targeting/postcodes/", "Look up postcodes")


def look_up_postcodes_with_answers(browse: Browse) -> Page:
    """Typed and sent by keyboard alone: the postcodes, Tab to the button, Enter."""
    page = look_up_postcodes(browse)
    page.get_by_label("Postcodes, one per line").focus()
    page.keyboard.type("E1 0AA\nnot a postcode\nZZ99 9ZZ")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("table caption")).to_have_text("3 postcodes")
    expect(page.locator("tbody")).to_contain_text("(LSOA E01004298, IoD2019)")
    expect(page.locator("tbody")).to_contain_text("is not a UK postcode")
    return page


def rule_sets(browse: Browse) -> Page:
    return opened(browse.as_person("admin"), "/targeting/rule-sets/", "Eligibility rule sets")


def new_rule_set_with_an_error(browse: Browse) -> Page:
    page = rule_sets(browse)
    page.get_by_role("link", name="Define a new rule set").first.click()
    return refused(page, "Save")


def school_targeting(browse: Browse) -> Page:
    return opened(browse.as_person("admin"), "/targeting/schools/", "School targeting")


def school_map(browse: Browse) -> Page:
    return opened(
        browse.as_person("outreach"),
        "/targeting/schools/map/?measure=reach",
        "Map of schools: East London Uni Connect",
    )


def activities(browse: Browse) -> Page:
    return opened(browse.as_person("outreach"), "/activities/", "Activities")


def add_an_activity_with_an_error(browse: Browse) -> Page:
    return refused(first_link_followed(activities(browse), "Add an activity to "), "Add activity")


def programmes(browse: Browse) -> Page:
    return opened(browse.as_person("admin"), "/programmes/", "Programmes")


def design_a_programme_with_an_error(browse: Browse) -> Page:
    page = first_link_followed(programmes(browse), "Design a programme for ")
    return refused(page, "Save programme")


def programme(browse: Browse) -> Page:
    """Designed through the form: a Year 10 stage of 6 hours with IAG required."""
    page = first_link_followed(programmes(browse), "Design a programme for ")
    page.get_by_label("Name").fill(f"Progression programme {uuid.uuid4().hex[:6]}")
    page.get_by_label("Year 10: target hours").fill("6")
    page.get_by_role("group", name="Year 10").get_by_role(
        "group", name="Required activity types"
    ).get_by_label("Information, advice and guidance").check()
    page.get_by_role("button", name="Save programme").click()
    expect(page.get_by_role("status")).to_contain_text("Saved Progression programme")
    return page


def programme_progress(browse: Browse) -> Page:
    return followed(programme(browse), "Progress and who is falling behind", "Progress on")


def programme_enrolments(browse: Browse) -> Page:
    """A learner found by name, enrolled by hand, and shown with the form to record leaving."""
    page = followed(programme(browse), re.compile(r"^Enrolments"), "Enrolments:")
    learner = browse.site.people["admin"].learner("editable")
    page.get_by_label("Name or UPN").fill(learner.last_name)
    page.get_by_role("button", name="Find").click()
    page.get_by_role("button", name=f"Enrol {learner.name}").first.click()
    expect(page.get_by_role("status")).to_contain_text(f"Enrolled {learner.name}")
    expect(page.get_by_label(f"Why {learner.name} is leaving")).to_be_visible()
    return page


def learner_journey(browse: Browse) -> Page:
    learner = browse.site.people["outreach"].learner("editable")
    return opened(
        browse.as_person("outreach"),
        f"/activities/learners/{learner.id}/",
        f"Journey: {learner.name}",
    )


def api_tokens_with_a_new_token(browse: Browse) -> Page:
    page = opened(browse.as_person("admin"), "/accounts/api-tokens/", "API tokens")
    page.get_by_label("Name").fill("School MIS sync")
    page.get_by_label("Read only: anything else answers 403").check()
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("heading", name="Your new token")).to_be_visible()
    return page


def api_tokens_with_an_error(browse: Browse) -> Page:
    page = opened(browse.as_person("admin"), "/accounts/api-tokens/", "API tokens")
    return refused(page, "Make the token")


def page_not_found(browse: Browse) -> Page:
    return opened(
        browse.as_person("admin"), f"/learners/{uuid.uuid4()}/", "Page not found", status=404
    )


PAGES: dict[str, Callable[[Browse], Page]] = {
    "sign-in": sign_in_page,
    "sign-in, wrong password": sign_in_page_with_an_error,
    "MFA code": mfa_code_page,
    "MFA code, wrong code": mfa_code_page_with_an_error,
    "MFA set-up": mfa_set_up_page,
    "MFA set-up, wrong code": mfa_set_up_page_with_an_error,
    "too many sign-in attempts": too_many_attempts_page,
    "learner list": learner_list,
    "learner list, filtered": learner_list_filtered,
    "learner list, no matches": learner_list_with_no_matches,
    "learner list, by eligibility and engagement": learner_list_by_eligibility_and_engagement,
    "learner list, evaluator (pseudonymised)": learner_list_pseudonymised,
    "learner, own": learner_detail,
    "learner, shared by a partner": learner_detail_shared_by_a_partner,
    "learner, evaluator (pseudonymised)": learner_detail_pseudonymised,
    "learner, after adding a parent or carer": learner_detail_with_a_message,
    "add a learner": add_a_learner,
    "add a learner, with errors": add_a_learner_with_errors,
    "edit learner": edit_learner,
    "edit learner, with an error": edit_learner_with_an_error,
    "add a parent or carer": add_a_parent_or_carer,
    "record the lawful basis or consent": record_the_lawful_basis,
    "who changed or viewed a learner": who_changed_or_viewed,
    "organisations": organisations,
    "organisation": organisation,
    "partnerships": partnerships,
    "partnership": partnership,
    "admin site": admin_site,
    "admin site, learners": admin_learners,
    "admin site, a learner": admin_learner,
    "import a pupil list": import_a_pupil_list,
    "import a pupil list, with an error": import_a_pupil_list_with_an_error,
    "import check, a column to choose": import_check_with_a_column_to_choose,
    "import check, rows with problems": import_check_with_problems,
    "import done": import_done,
    "all imports": all_imports,
    "look up postcodes": look_up_postcodes,
    "rule sets": rule_sets,
    "school targeting": school_targeting,
    "map of schools": school_map,
    "new rule set, with an error": new_rule_set_with_an_error,
    "look up postcodes, with answers": look_up_postcodes_with_answers,
    "activities": activities,
    "add an activity, with an error": add_an_activity_with_an_error,
    "programmes": programmes,
    "design a programme, with an error": design_a_programme_with_an_error,
    "programme": programme,
    "programme progress": programme_progress,
    "programme enrolments": programme_enrolments,
    "learner journey": learner_journey,
    "page not found": page_not_found,
    "API tokens, a new token shown once": api_tokens_with_a_new_token,
    "API tokens, with an error": api_tokens_with_an_error,
}
PAGES.update(CHECKIN_PAGES)  # event check-in, programme, agenda, certificate
PAGES.update(EVENTS_PAGES)  # events: organisers' pages, public pages and booking links
PAGES.update(SURVEY_PAGES)  # surveys, the question bank and the answering page
PAGES.update(ADMIN_PAGES)  # the admin site: lists, a row's form, an add form
PAGES.update(NOTIFICATIONS_PAGES)  # one's own notifications, choices, stopping e-mails
PAGES.update(PAYMENTS_PAGES)  # "My payments", bank details, payees and payment runs
PAGES.update(RIGHTS_PAGES)  # requests about people's data: list, recording, a request, erasing
PAGES.update(WHO_ACCESSED_PAGES)  # who accessed learners' records: the search and its answer
PAGES.update(STUDENT_RECORDS_PAGES)  # students for staff: list, a student, status, term dates
PAGES.update(STUDENT_IMPORT_PAGES)  # importing students: upload, check, imported
PAGES.update(STUDENT_LINK_PAGES)  # students' outreach past: proposals; progression to HE
PAGES.update(PARTNER_ROLES_PAGES)  # student partners' roles, applications and checks
PAGES.update(PARTNER_PLAN_PAGES)  # student partners' plans and the barriers register
PAGES.update(TIMESHEET_PAGES)  # student partners' hours and pay; pay periods, approvals
PAGES.update(CLAIM_PAGES)  # student partners' claims and advances; the queue, days out of pocket
PAGES.update(SHIFT_PAGES)  # student partners' shifts to claim, drop and swap; the week rota
PAGES.update(CO_PRESENTING_PAGES)  # student partners co-presenting a conference talk
PAGES.update(PASSKEY_PAGES)  # a student's own passkeys: the list, removing one
PAGES.update(SUPPORT_PAGES)  # student support schemes: list, new, a scheme, who it is for
PAGES.update(SUPPORT_BENEFITS_PAGES)  # benefits: a scheme's, a student's, booking an event
PAGES.update(SUPPORT_CASES_PAGES)  # casework: lists, a case, appointments, the student's cases
PAGES.update(SUPPORT_MY_AWARDS_PAGES)  # a student's own awards: offered, being paid, declining
PAGES.update(SUPPORT_AWARDS_PAGES)  # award schemes: list, new, a scheme, instalments, finance
PAGES.update(SUPPORT_RECORDS_PAGES)  # support records: list, a record, forms, the student


def _mentoring_pages() -> dict[str, Callable[[Browse], Page]]:
    """Mentoring's pages, one module per area (tests/browser/mentoring_<area>_pages.py, each
    with one `..._PAGES` dict), found by name so that an area adds its module and nothing else."""
    found: dict[str, Callable[[Browse], Page]] = {}
    for path in sorted(Path(__file__).parent.glob("mentoring_*_pages.py")):
        area = importlib.import_module(f"tests.browser.{path.stem}")
        for name, pages in vars(area).items():
            if not (name.endswith("PAGES") and isinstance(pages, dict)):
                continue
            twice = sorted(set(pages) & set(found))
            assert not twice, f"{path.name} names pages named already: {twice}"
            found.update(pages)
    return found


PAGES.update(_mentoring_pages())  # mentoring: coordinators, mentors and mentees, pairs, outcomes


def _describe(violation: dict[str, Any]) -> str:
    targets = "\n".join(f"      {node['target']}" for node in violation["nodes"])
    return f"    {violation['id']} ({violation['impact']}): {violation['help']}\n{targets}"


def assert_accessible(page: Page, name: str) -> None:
    """No serious or critical axe-core problems, and every hint or error referred to is there."""
    results = AXE.run(page).response
    assert results["passes"], f"axe-core checked nothing on the {name!r} page ({page.url})"
    violations = results["violations"]
    if violations:
        sys.stdout.write(f"{name} ({page.url}):\n" + "\n".join(map(_describe, violations)) + "\n")
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"the {name!r} page ({page.url}) has serious accessibility problems:\n"
        + "\n".join(_describe(v) for v in blocking)
    )
    broken = page.evaluate(BROKEN_REFERENCES)
    assert not broken, (
        f"on the {name!r} page ({page.url}) these refer to ids that are not on the page, so "
        "screen readers announce no hint or error:\n" + "\n".join(f"    {b}" for b in broken)
    )


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(browse: Browse, name: str) -> None:
    page = PAGES[name](browse)
    assert_accessible(page, name)
    # The same page as a phone shows it (reached once: many pages are reached by changing
    # something in the browser tests' shared database).
    if is_refused_form(name):
        assert_error_summary_focused(page, name)
    assert_fits_a_phone(page, name)
