"""The evaluation report page of an activity: paired change with its effect size and interval,
the comparison group and difference-in-differences, the standard of evidence, published quotes,
and the small-number rule; its HTML and PDF files."""

from __future__ import annotations

import io
import math
import re
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from conftest import signed_in_client
from tests.evaluation.report_world import (
    OTHERS,
    PARTICIPANTS,
    answer,
    attended,
    evaluated_activity,
    learner,
    page_text,
    quote,
    report_url,
    theory_of,
    with_pairs,
)
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.evaluation.models import SurveyTiming
from widen.testing.world import World

pytestmark = pytest.mark.django_db

T_975_DF5 = 2.570582  # Student's t, 97.5th percentile, 5 degrees of freedom (tables)


def test_paired_change_is_shown_with_figures_worked_out_by_hand(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    client = signed_in_client(world.users[Role.READ_ONLY])
    page = page_text(client.get(report_url(evaluated)))

    # Changes 1, 1, 0, 1, 2, 1: mean 1, variance (0+0+1+0+1+0)/5 = 0.4.
    sd = math.sqrt(0.4)
    se = sd / math.sqrt(6)
    row = re.search(
        r"interval of the change Confidence about university" + r" (\S+)" * 8 + r" (.+?) to (\S+)",
        page,
    )
    assert row is not None, page
    paired, before, after, change, sd_text, t, p, effect, low, high = row.groups()
    assert paired == "6"
    assert before == f"{17 / 6:.2f}"
    assert after == f"{23 / 6:.2f}"
    assert change == "+1.00"
    assert sd_text == f"{sd:.2f}"
    assert t == f"{1 / se:.2f}"  # 3.87
    assert p == "0.012"  # two-sided, t = 3.873 on 5 degrees of freedom (tables: 0.0117)
    assert effect == f"{1 / sd:.2f}"  # d_z = 1.58
    assert low == f"{1 - T_975_DF5 * se:+.2f}"
    assert high == f"{1 + T_975_DF5 * se:+.2f}"
    assert "Type 2: empirical enquiry" in page
    assert "6 learners answered before and after" in page
    assert "No comparison group surveyed" in page
    assert "No theory of change recorded" in page


def test_a_surveyed_comparison_group_gives_difference_in_differences_and_type_3(
    world: World,
) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS, OTHERS)
    theory_of(evaluated)
    client = signed_in_client(world.users[Role.EVALUATOR])
    page = page_text(client.get(report_url(evaluated)))
    assert "Type 3: causality" in page
    assert "Learners who answered but did not take part 6" in page
    assert "Participants matched 6" in page
    did = 1.0 - 1 / 6  # participants' mean change minus the others'
    row = re.search(
        r"Difference-in-differences .*?Confidence about university (\S+) (\S+) (\S+) (\S+) (\S+)",
        page,
    )
    assert row is not None
    assert row.groups() == ("6", "6", "+1.00", f"{1 / 6:+.2f}", f"{did:+.2f}")
    assert "Balance after matching" in page
    assert "free school meals 100% 100% 0.00 0.00 Yes" in page
    assert "Problem Few learners in the ward see university as for them." in page


def test_fewer_than_five_learners_are_not_counted_exactly_and_their_figures_are_hidden(
    world: World,
) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS[:3])
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    page = page_text(client.get(report_url(evaluated)))
    assert "Confidence about university fewer than 5 not shown not shown" in page
    assert "+1.00" not in page
    assert "Fewer than 5 learners answered before and after: too few" in page
    assert "No standard of evidence yet" in page


def test_learners_left_out_of_the_pairing_are_counted_by_reason(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    for index in range(5):
        person = learner(world, f"OnlyBefore{index}")
        attended(evaluated, person)
        answer(evaluated, person, SurveyTiming.PRE, 3)
    only_after = learner(world, "OnlyAfter")
    attended(evaluated, only_after)
    answer(evaluated, only_after, SurveyTiming.POST, 4)
    page = page_text(signed_in_client(world.users[Role.READ_ONLY]).get(report_url(evaluated)))
    # 12 participants, 6 paired: showing 5 before only would give away the 1 after only.
    assert "Some learners (number not shown) answered before only (no answer after)" in page
    assert "fewer than 5 learners answered after only (no answer before)" in page
    assert "Participants who answered a survey before or after 12" in page


def test_counts_that_add_up_never_give_away_a_small_one_by_subtraction(world: World) -> None:
    """Participants = paired + left out, and matched + unmatched: where one part is 1 to 4
    learners, a figure that would give it away is not shown, on the page, in the PDF and in the
    API."""
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    only_after = learner(world, "OnlyAfter")
    attended(evaluated, only_after)
    answer(evaluated, only_after, SurveyTiming.POST, 4)
    # One participant at another school, with nobody like them among the others.
    from widen.organisations.models import (  # noqa: PLC0415
        Organisation,
        OrganisationType,
        PartnershipMember,
    )

    academy = Organisation.objects.create(
        name="Riverside Academy", organisation_type=OrganisationType.SCHOOL, urn="100003"
    )
    PartnershipMember.objects.create(partnership=world.north, organisation=academy)
    alone = learner(world, "Alone", school=academy)
    attended(evaluated, alone)
    answer(evaluated, alone, SurveyTiming.PRE, 3)
    answer(evaluated, alone, SurveyTiming.POST, 4)
    for index, (before, after) in enumerate(OTHERS):
        other = learner(world, f"Other{index}")
        answer(evaluated, other, SurveyTiming.PRE, before)
        answer(evaluated, other, SurveyTiming.POST, after)
    client = signed_in_client(world.users[Role.READ_ONLY])
    page = page_text(client.get(report_url(evaluated)))
    # 8 participants answered, 7 paired: the 1 after only is not given away by 8 - 7.
    assert "Learners paired" in page
    assert "Participants who answered a survey before or after not shown" in page
    # 8 participants, 1 with no match: the matched count is not shown.
    assert "Participants with no match fewer than 5" in page
    assert "Participants matched not shown" in page
    body = (
        Client()
        .get(
            f"/api/v1/evaluation-reports/activities/{evaluated.activity.pk}",
            HTTP_AUTHORIZATION=f"Bearer {world.tokens[Role.READ_ONLY]}",
        )
        .json()
    )
    assert body["participants_answered"] == "not shown"
    assert body["comparison"]["participants_matched"] == "not shown"
    assert body["comparison"]["participants_unmatched"] == "fewer than 5"


def test_only_quotes_published_with_consent_appear_and_are_escaped(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    after = evaluated.participants[0].survey_responses.get(timing=SurveyTiming.POST)
    second = evaluated.participants[1].survey_responses.get(timing=SurveyTiming.POST)
    third = evaluated.participants[2].survey_responses.get(timing=SurveyTiming.POST)
    quote(
        evaluated,
        after,
        "I'm not as afraid to go to uni <script>alert(1)</script>",
        consent=True,
        published=True,
    )
    quote(evaluated, second, "Published without consent", consent=False, published=True)
    quote(evaluated, third, "Consented but not published", consent=True, published=False)
    response = signed_in_client(world.users[Role.READ_ONLY]).get(report_url(evaluated))
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "Published without consent" not in html
    assert "Consented but not published" not in html
    assert "Answer to “What did you think?”" in html


def test_html_export_is_one_self_contained_file_and_is_logged(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    user = world.users[Role.EVALUATOR]
    response = signed_in_client(user).get(report_url(evaluated), {"format": "html"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Content-Disposition"].startswith('attachment; filename="campus-visit-day-')
    assert response["X-Content-Type-Options"] == "nosniff"  # never shown as a page of the site
    html = response.content.decode()
    assert "<link" not in html
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<svg" in html
    assert "<style>" in html
    assert "Type 2: empirical enquiry" in html
    assert "+1.00" in html
    entry = AccessLogEntry.objects.get(actor_id=user.pk, subject_type="evaluation.report")
    assert entry.subject_id == str(evaluated.activity.pk)
    assert "HTML" in entry.purpose


def test_pdf_export_reads_back_with_the_figures_and_quotes(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS, OTHERS)
    theory_of(evaluated)
    after = evaluated.participants[0].survey_responses.get(timing=SurveyTiming.POST)
    quote(
        evaluated,
        after,
        "It really helped me understand uni life – “brilliant” \u202e😀",
        consent=True,
        published=True,
    )
    user = world.users[Role.OUTREACH_OFFICER]
    response = signed_in_client(user).get(report_url(evaluated), {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Evaluation report: Campus visit day" in text
    assert "Type 3: causality" in text
    assert "+1.00" in text
    assert "Difference-in-differences" in text
    assert 'It really helped me understand uni life - "brilliant" ?' in text
    assert "Few learners in the ward see university as for them." in text
    assert AccessLogEntry.objects.filter(
        actor_id=user.pk, subject_type="evaluation.report", purpose__contains="PDF"
    ).exists()


def test_the_report_reads_the_same_number_of_queries_whatever_the_number_of_learners(
    world: World, django_assert_max_num_queries: Any
) -> None:
    small = with_pairs(world, evaluated_activity(world, name="Small"), PARTICIPANTS, OTHERS)
    client = signed_in_client(world.users[Role.READ_ONLY])
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as few:
        assert client.get(report_url(small)).status_code == 200
    large = with_pairs(world, evaluated_activity(world, name="Large"), PARTICIPANTS * 5, OTHERS * 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(report_url(large)).status_code == 200


def test_a_balance_share_standing_for_fewer_than_five_learners_is_not_shown(
    world: World,
) -> None:
    from widen.organisations.models import (  # noqa: PLC0415
        Organisation,
        OrganisationType,
        PartnershipMember,
    )

    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS, OTHERS)
    academy = Organisation.objects.create(
        name="Riverside Academy", organisation_type=OrganisationType.SCHOOL, urn="100002"
    )
    PartnershipMember.objects.create(partnership=world.north, organisation=academy)
    for name, took_part in (("Rivera", True), ("Riverton", False)):
        person = learner(world, name, school=academy)
        if took_part:
            attended(evaluated, person)
        answer(evaluated, person, SurveyTiming.PRE, 3)
        answer(evaluated, person, SurveyTiming.POST, 4)
    page = page_text(signed_in_client(world.users[Role.READ_ONLY]).get(report_url(evaluated)))
    assert "Participants matched 7" in page
    assert "school: Riverside Academy fewer than 5 fewer than 5" in page
    # 6 of 7 learners: 86% would give away that 1 learner is at another school.
    assert "school: Sixth Form School fewer than 5 fewer than 5" in page
    assert "86%" not in page
    assert "14%" not in page


def test_a_comparison_group_surveyed_after_only_is_compared_after_the_activity(
    world: World,
) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    after_scores = [3.0, 3.0, 4.0, 2.0, 3.0, 4.0]
    for index, score in enumerate(after_scores):
        answer(evaluated, learner(world, f"AfterOnly{index}"), SurveyTiming.POST, score)
    page = page_text(signed_in_client(world.users[Role.READ_ONLY]).get(report_url(evaluated)))
    participants_after = [after for _, after in PARTICIPANTS]  # 3, 4, 3, 5, 4, 4
    difference = sum(participants_after) / 6 - sum(after_scores) / 6
    assert "Participants against the comparison group, after the activity" in page
    row = re.search(
        r"after the activity .*?Confidence about university (\S+) (\S+) (\S+) (\S+) (\S+)", page
    )
    assert row is not None
    assert row.groups() == ("6", "6", f"{23 / 6:.2f}", f"{19 / 6:.2f}", f"{difference:+.2f}")
    assert "Type 2: empirical enquiry" in page
    assert "6 matched learners who did not take part answered after only" in page
    assert "No difference-in-differences: The comparison group has no answers before." in page
    pdf = signed_in_client(world.users[Role.READ_ONLY]).get(
        report_url(evaluated), {"format": "pdf"}
    )
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "Participants against the comparison group, after the activity" in text
    assert f"{difference:+.2f}" in text


def test_a_mean_year_group_giving_away_a_few_learners_year_is_not_shown() -> None:
    """Four matched learners in Year 9 and one in Year 10 have a mean year group of 9.2, from
    which anyone can work out that one of them is in Year 10."""
    from widen.evaluation.reports.report import _share  # noqa: PLC0415

    assert _share(9.2, 5, year=True) == "fewer than 5"
    assert _share(9.8, 5, year=True) == "fewer than 5"
    assert _share(10.0, 7, year=True) == "10.0"
    assert _share(9.5, 10, year=True) == "9.5"  # 5 and 5
    assert _share(5 / 7, 7, year=False) == "fewer than 5"  # 5 of 7: the other 2 given away
    assert _share(0.5, 10, year=False) == "50%"


def test_a_published_quote_naming_its_author_is_left_out_of_the_report(world: World) -> None:
    """A quote marked before names were checked (or whose author's record was renamed since)
    does not reach the report, its PDF or the API."""
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    first = evaluated.participants[0].survey_responses.get(timing=SurveyTiming.POST)
    second = evaluated.participants[1].survey_responses.get(timing=SurveyTiming.POST)
    quote(evaluated, first, "Participant0 loved the labs.", consent=True, published=True)
    quote(evaluated, second, "The labs were brilliant.", consent=True, published=True)
    client = signed_in_client(world.users[Role.READ_ONLY])
    page = page_text(client.get(report_url(evaluated)))
    assert "The labs were brilliant." in page
    assert "loved the labs" not in page
    api = Client().get(
        f"/api/v1/evaluation-reports/activities/{evaluated.activity.pk}",
        HTTP_AUTHORIZATION=f"Bearer {world.tokens[Role.READ_ONLY]}",
    )
    assert api.json()["quotes"] == ["The labs were brilliant."]
