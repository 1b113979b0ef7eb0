"""The survey and question-bank pages, opened as their users open them, for the accessibility
check (`tests/browser/test_accessibility.py` adds them to its PAGES), and the links the keyboard
test answers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from playwright.sync_api import FilePayload, Page, expect

from tests.browser.support import Browse, Site, made_for, opened, opener, refused

RUNNER = "outreach"  # the demo's QMUL outreach officer runs the survey
PHONE = {"width": 375, "height": 740}
_used: dict[str, set[str]] = {}


def survey_facts(site: Site) -> dict[str, Any]:
    """An open survey with links sent and one answer, and a draft (made once per server)."""
    return made_for(site, "tests.browser.survey_setup", RUNNER, then=(site.base_url,))


def unused_link(site: Site) -> str:
    """A link nobody has answered yet (each is answered at most once by these tests)."""
    facts = survey_facts(site)
    # The first link is only looked at (the answering page and its errors), never answered.
    used = _used.setdefault(site.base_url, {facts["links"][0]})
    link = next(link for link in facts["links"] if link not in used)
    used.add(link)
    return link


def _runner(browse: Browse) -> Page:
    return browse.as_person(RUNNER)


surveys = opener(survey_facts, "/evaluation/surveys/", "Surveys", person=RUNNER)


def add_a_survey_with_an_error(browse: Browse) -> Page:
    facts = survey_facts(browse.site)
    page = _runner(browse)
    page.goto(f"/evaluation/partnerships/{facts['partnership_id']}/surveys/new/")
    return refused(page, "Add survey")


survey = opener(survey_facts, "/evaluation/surveys/{survey_id}/", "{title}", person=RUNNER)
survey_questions = opener(
    survey_facts,
    "/evaluation/surveys/{draft_id}/questions/",
    "Questions: {draft_title}",
    person=RUNNER,
)


def survey_questions_with_an_error(browse: Browse) -> Page:
    page = survey_questions(browse)
    page.get_by_label("Kind of question").select_option(label="Single choice")
    page.locator("#id_text").fill("Pick one")
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_role("alert").first).to_contain_text("There is a problem")
    return page


send_links = opener(
    survey_facts, "/evaluation/surveys/{survey_id}/send/", "Send links: {title}", person=RUNNER
)


def responses(browse: Browse) -> Page:
    page = opener(
        survey_facts,
        "/evaluation/surveys/{survey_id}/responses/",
        "Responses: {title}",
        person=RUNNER,
    )(browse)
    expect(page.get_by_role("button", name="Mark for publication").first).to_be_visible()
    return page


def fill_in_at_the_event_with_errors(browse: Browse) -> Page:
    page = opener(
        survey_facts, "/evaluation/surveys/{survey_id}/fill-in/", "{title}", person=RUNNER
    )(browse)
    return refused(page, "Send my answers")


question_bank = opener(survey_facts, "/evaluation/scales/", "Question bank", person=RUNNER)


def scale(browse: Browse) -> Page:
    facts = survey_facts(browse.site)
    page = _runner(browse)
    page.goto(f"/evaluation/scales/{facts['scale_id']}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(facts["scale_name"])
    return page


def write_a_scale_with_an_error(browse: Browse) -> Page:
    facts = survey_facts(browse.site)
    page = _runner(browse)
    page.goto(f"/evaluation/partnerships/{facts['partnership_id']}/scales/new/")
    return refused(page, "Save the draft")


def import_scale_items_with_problems(browse: Browse) -> Page:
    facts = survey_facts(browse.site)
    page = _runner(browse)
    page.goto(f"/evaluation/partnerships/{facts['partnership_id']}/scales/import/")
    page.get_by_label("Spreadsheet of scale items").set_input_files(
        FilePayload(
            name="asq.csv",
            mimeType="text/csv",
            buffer=b"scale,position,text\r\nBelonging,1,\r\nBelonging,1,Twice\r\n",
        )
    )
    return refused(page, "Check the file", "nothing has been imported")


def answer_on_a_phone(browse: Browse) -> Page:
    facts = survey_facts(browse.site)
    page = browse.anonymous()
    page.set_viewport_size(PHONE)
    return opened(page, facts["links"][0], facts["title"])


def answer_with_errors(browse: Browse) -> Page:
    page = answer_on_a_phone(browse)
    return refused(page, "Send my answers", "please answer this question")


def answer_thanks(browse: Browse) -> Page:
    survey_facts(browse.site)
    page = browse.anonymous()
    page.set_viewport_size(PHONE)
    page.goto(unused_link(browse.site))
    page.get_by_label("Yes", exact=True).check()
    for agree in page.get_by_label("Agree", exact=True).all():  # the agreement questions
        agree.check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    return page


def answer_link_not_found(browse: Browse) -> Page:
    return opened(
        browse.anonymous(), f"/evaluation/answer/{uuid.uuid4().hex}/", "Page not found", status=404
    )


SURVEY_PAGES: dict[str, Callable[[Browse], Page]] = {
    "surveys": surveys,
    "add a survey, with an error": add_a_survey_with_an_error,
    "survey, with response rates": survey,
    "survey questions": survey_questions,
    "survey questions, with an error": survey_questions_with_an_error,
    "send survey links": send_links,
    "survey responses": responses,
    "fill in at the event, with errors": fill_in_at_the_event_with_errors,
    "question bank": question_bank,
    "scale": scale,
    "write a scale, with an error": write_a_scale_with_an_error,
    "import scale items, with problems": import_scale_items_with_problems,
    "answer a survey on a phone": answer_on_a_phone,
    "answer a survey, with errors": answer_with_errors,
    "answer a survey, thank you": answer_thanks,
    "survey link not found": answer_link_not_found,
}
