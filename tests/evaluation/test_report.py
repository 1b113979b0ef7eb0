"""The evaluation report page of an activity, a programme or an event: paired change with its
effect size and interval, the comparison group and difference-in-differences, the standard of
evidence, the theory of change, published quotes, and the small-number rule; its HTML and PDF
files; and the theory of change form."""

from __future__ import annotations

import io
import math
import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conftest import signed_in_client
from tests.evaluation.report_world import (
    answer,
    attended,
    evaluated_activity,
    learner,
    quote,
    with_pairs,
)
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry, AuditEvent
from widen.evaluation.models import SurveyTiming, TheoryOfChange
from widen.events.models import AttendeeType, Booking, BookingStatus, Event, EventKind
from widen.programmes.models import Enrolment, Programme, ProgrammeStage
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

PARTICIPANTS = [(2, 3), (3, 4), (3, 3), (4, 5), (2, 4), (3, 4)]
OTHERS = [(2, 2), (3, 3), (3, 4), (4, 4), (2, 2), (3, 3)]
T_975_DF5 = 2.570582  # Student's t, 97.5th percentile, 5 degrees of freedom (tables)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _report_url(evaluated) -> str:  # type: ignore[no-untyped-def]
    return reverse("evaluation_reports:activity", kwargs={"activity_id": evaluated.activity.pk})


def _theory(evaluated) -> TheoryOfChange:  # type: ignore[no-untyped-def]
    return TheoryOfChange.objects.create(
        partnership=evaluated.activity.partnership,
        activity=evaluated.activity,
        problem="Few learners in the ward see university as for them.",
        inputs="Two officers, ambassadors, a coach.",
        activities="A day on campus.",
        outcomes="Learners feel university is for people like them.",
        impacts="More apply.",
        assumptions="Schools release the learners.",
    )


def test_paired_change_is_shown_with_figures_worked_out_by_hand(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    client = signed_in_client(world.users[Role.READ_ONLY])
    page = _text(client.get(_report_url(evaluated)))

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
    _theory(evaluated)
    client = signed_in_client(world.users[Role.EVALUATOR])
    page = _text(client.get(_report_url(evaluated)))
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
    page = _text(client.get(_report_url(evaluated)))
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
    page = _text(signed_in_client(world.users[Role.READ_ONLY]).get(_report_url(evaluated)))
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
    page = _text(client.get(_report_url(evaluated)))
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
    response = signed_in_client(world.users[Role.READ_ONLY]).get(_report_url(evaluated))
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "Published without consent" not in html
    assert "Consented but not published" not in html
    assert "Answer to “What did you think?”" in html


def test_html_export_is_one_self_contained_file_and_is_logged(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    user = world.users[Role.EVALUATOR]
    response = signed_in_client(user).get(_report_url(evaluated), {"format": "html"})
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
    _theory(evaluated)
    after = evaluated.participants[0].survey_responses.get(timing=SurveyTiming.POST)
    quote(
        evaluated,
        after,
        "It really helped me understand uni life – “brilliant” \u202e😀",
        consent=True,
        published=True,
    )
    user = world.users[Role.OUTREACH_OFFICER]
    response = signed_in_client(user).get(_report_url(evaluated), {"format": "pdf"})
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


def test_another_partnerships_activity_answers_like_a_missing_one(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    stranger = signed_in_client(make_user("officer.gamma", world.gamma, Role.OUTREACH_OFFICER))
    assert stranger.get(_report_url(evaluated)).status_code == 404
    assert stranger.get(_report_url(evaluated), {"format": "pdf"}).status_code == 404
    assert not AccessLogEntry.objects.filter(subject_type="evaluation.report").exists()


def test_event_report_counts_checked_in_learners_as_participants(world: World) -> None:
    evaluated = evaluated_activity(world)
    starts = timezone.now() - timedelta(days=2)
    event = Event.objects.create(
        partnership=world.north,
        organiser=world.alpha,
        title="Parents' evening",
        kind=EventKind.CONFERENCE,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        activity=evaluated.activity,
    )
    for index, (before, after) in enumerate(PARTICIPANTS):
        person = learner(world, f"Booked{index}")
        Booking.objects.create(
            event=event,
            organisation=world.alpha,
            name=person.display_name,
            email=f"b{index}@example.org",
            attendee_type=AttendeeType.LEARNER,
            learner=person,
            status=BookingStatus.BOOKED,
            requested_at=starts - timedelta(days=5),
            checked_in_at=starts,
            token_digest=f"{index:064d}",
        )
        for timing, score in (("pre", before), ("post", after)):
            response = answer(evaluated, person, timing, score)
            response.event = event
            response.activity = None
            response.save(update_fields=["event", "activity"])
    _theory(evaluated)
    url = reverse("evaluation_reports:event", kwargs={"event_id": event.pk})
    page = _text(signed_in_client(world.users[Role.SCHOOL_STAFF]).get(url))
    assert "Evaluation report: Parents' evening" in page
    assert "Participants who answered a survey before or after 6" in page
    assert "Type 2: empirical enquiry" in page
    assert "Few learners in the ward" in page  # the event's activity's theory of change


def test_programme_report_counts_enrolled_learners_as_participants(world: World) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS, OTHERS)
    programme = Programme.objects.create(partnership=world.north, name="Year 10 pathway")
    stage = ProgrammeStage.objects.create(programme=programme, year_group=10, target_hours=6)
    stage.required_types.add(evaluated.activity.sub_type.activity_type)
    for person in evaluated.participants[:5]:
        Enrolment.objects.create(
            programme=programme,
            learner=person,
            organisation=person.organisation,
            joined_on=timezone.localdate() - timedelta(days=60),
        )
    url = reverse("evaluation_reports:programme", kwargs={"programme_id": programme.pk})
    page = _text(signed_in_client(world.users[Role.READ_ONLY]).get(url))
    assert "Participants who answered a survey before or after 5" in page
    assert "Learners who answered but did not take part 7" in page


# --- Theory of change ----------------------------------------------------------------------------


def _theory_body(**changes: object) -> dict[str, object]:
    return {
        "problem": "Few learners from the ward apply to university.",
        "inputs": "Two outreach officers.",
        "activities": "Campus visits.",
        "outcomes": "Learners know more about university life.",
        "impacts": "More learners enter higher education.",
        "assumptions": "Schools release learners.",
        **changes,
    }


def test_an_outreach_officer_writes_a_theory_of_change_that_the_report_shows(
    world: World,
) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    outcomes = evaluated.activity.sub_type.activity_type.intended_outcomes
    assert outcomes, "the shipped activity types list their MOAT outcomes"
    url = reverse(
        "evaluation_reports:activity_theory", kwargs={"activity_id": evaluated.activity.pk}
    )
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    form = client.get(url)
    assert form.status_code == 200
    assert outcomes[0] in form.content.decode()
    response = client.post(url, _theory_body(moat_outcomes=[outcomes[0]]))
    assert response.status_code == 302
    assert response["Location"] == _report_url(evaluated)
    theory = TheoryOfChange.objects.get(activity=evaluated.activity)
    assert theory.moat_outcomes == [outcomes[0]]
    assert AuditEvent.objects.filter(
        object_type="evaluation.theoryofchange", object_id=str(theory.pk), action="create"
    ).exists()
    page = _text(client.get(_report_url(evaluated)))
    assert "Problem Few learners from the ward apply to university." in page
    assert f"MOAT outcomes it aims at {outcomes[0]}" in page
    assert "A theory of change sets out why the activity should lead to its outcomes" in page

    client.post(url, _theory_body(problem="Changed problem."))
    theory.refresh_from_db()
    assert theory.problem == "Changed problem."
    update = AuditEvent.objects.get(object_id=str(theory.pk), action="update")
    assert update.changed_fields == ["problem", "moat_outcomes"]


def test_a_theory_of_change_with_a_gap_or_an_unknown_outcome_is_refused_and_nothing_saved(
    world: World,
) -> None:
    evaluated = evaluated_activity(world)
    url = reverse(
        "evaluation_reports:activity_theory", kwargs={"activity_id": evaluated.activity.pk}
    )
    client = signed_in_client(world.users[Role.PARTNERSHIP_ADMIN])
    response = client.post(url, _theory_body(problem="  "))
    assert response.status_code == 200
    assert "Enter the problem" in _text(response)
    response = client.post(url, _theory_body(moat_outcomes=["Be an astronaut"]))
    assert response.status_code == 200
    assert "Select a valid choice" in _text(response)
    assert not TheoryOfChange.objects.exists()


def test_only_partnership_admins_and_outreach_officers_write_theories_of_change(
    world: World,
) -> None:
    evaluated = evaluated_activity(world)
    url = reverse(
        "evaluation_reports:activity_theory", kwargs={"activity_id": evaluated.activity.pk}
    )
    for role in (Role.SCHOOL_STAFF, Role.EVALUATOR, Role.READ_ONLY, Role.ORGANISATION_ADMIN):
        response = signed_in_client(world.users[role]).post(url, _theory_body())
        assert response.status_code == 404, role
    assert not TheoryOfChange.objects.exists()
    page = signed_in_client(world.users[Role.READ_ONLY]).get(_report_url(evaluated))
    assert url not in page.content.decode()


def test_a_programmes_theory_of_change_offers_its_stages_moat_outcomes(world: World) -> None:
    evaluated = evaluated_activity(world)
    activity_type = evaluated.activity.sub_type.activity_type
    programme = Programme.objects.create(partnership=world.north, name="Pathway")
    stage = ProgrammeStage.objects.create(programme=programme, year_group=10, target_hours=6)
    stage.optional_types.add(activity_type)
    url = reverse("evaluation_reports:programme_theory", kwargs={"programme_id": programme.pk})
    client = signed_in_client(world.users[Role.PARTNERSHIP_ADMIN])
    response = client.post(url, _theory_body(moat_outcomes=list(activity_type.intended_outcomes)))
    assert response.status_code == 302
    theory = TheoryOfChange.objects.get(programme=programme)
    assert theory.moat_outcomes == list(activity_type.intended_outcomes)


def test_the_report_reads_the_same_number_of_queries_whatever_the_number_of_learners(
    world: World, django_assert_max_num_queries: Any
) -> None:
    small = with_pairs(world, evaluated_activity(world, name="Small"), PARTICIPANTS, OTHERS)
    client = signed_in_client(world.users[Role.READ_ONLY])
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as few:
        assert client.get(_report_url(small)).status_code == 200
    large = with_pairs(world, evaluated_activity(world, name="Large"), PARTICIPANTS * 5, OTHERS * 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_report_url(large)).status_code == 200


def test_a_theory_of_change_with_markup_is_shown_as_text_on_the_page_and_in_the_pdf(
    world: World,
) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    url = reverse(
        "evaluation_reports:activity_theory", kwargs={"activity_id": evaluated.activity.pk}
    )
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    payload = '<img src=x onerror="alert(1)">Learners\nfeel <b>unwelcome</b>'
    assert client.post(url, _theory_body(problem=payload)).status_code == 302
    html = client.get(_report_url(evaluated)).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Learners<br>feel &lt;b&gt;" in html
    assert "<img src=x" not in html
    pdf = client.get(_report_url(evaluated), {"format": "pdf"})
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert '<img src=x onerror="alert(1)">Learners' in text


def test_the_activity_and_programme_pages_link_to_their_reports(world: World) -> None:
    evaluated = evaluated_activity(world)
    programme = Programme.objects.create(partnership=world.north, name="Linked pathway")
    client = signed_in_client(world.users[Role.READ_ONLY])
    activity_page = client.get(
        reverse("activities:detail", kwargs={"activity_id": evaluated.activity.pk})
    ).content.decode()
    assert f'href="{_report_url(evaluated)}">Evaluation report</a>' in activity_page
    programme_page = client.get(
        reverse("programmes:detail", kwargs={"programme_id": programme.pk})
    ).content.decode()
    report = reverse("evaluation_reports:programme", kwargs={"programme_id": programme.pk})
    assert f'href="{report}">Evaluation report</a>' in programme_page


@pytest.mark.parametrize(
    "hostile",
    [
        {"problem": "nul \x00 byte"},
        {"problem": "x" * 5001},
        {"moat_outcomes": ["'; DROP TABLE evaluation_theoryofchange; --"]},
        {"inputs": ""},
        {"impacts": "\u202eevil right-to-left 😀 =cmd|' /C calc'!A0"},
    ],
)
def test_hostile_theory_of_change_input_is_refused_or_kept_as_text_never_an_error(
    world: World, hostile: dict[str, object]
) -> None:
    evaluated = evaluated_activity(world)
    url = reverse(
        "evaluation_reports:activity_theory", kwargs={"activity_id": evaluated.activity.pk}
    )
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    response = client.post(url, _theory_body(**hostile))
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert "There is a problem" in response.content.decode()
        assert not TheoryOfChange.objects.exists()
    else:
        theory = TheoryOfChange.objects.get()
        assert theory.impacts == hostile["impacts"]
        assert client.get(_report_url(evaluated), {"format": "pdf"}).status_code == 200


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
    page = _text(signed_in_client(world.users[Role.READ_ONLY]).get(_report_url(evaluated)))
    assert "Participants matched 7" in page
    assert "school: Riverside Academy fewer than 5 fewer than 5" in page
    # 6 of 7 learners: 86% would give away that 1 learner is at another school.
    assert "school: Sixth Form School fewer than 5 fewer than 5" in page
    assert "86%" not in page
    assert "14%" not in page


def test_the_event_page_links_to_its_report(world: World) -> None:
    starts = timezone.now() + timedelta(days=5)
    event = Event.objects.create(
        partnership=world.north,
        organiser=world.alpha,
        title="Open evening",
        kind=EventKind.CONFERENCE,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    page = signed_in_client(world.users[Role.OUTREACH_OFFICER]).get(
        reverse("events:detail", kwargs={"event_id": event.pk})
    )
    report = reverse("evaluation_reports:event", kwargs={"event_id": event.pk})
    assert f'href="{report}">Evaluation report</a>' in page.content.decode()


def test_a_comparison_group_surveyed_after_only_is_compared_after_the_activity(
    world: World,
) -> None:
    evaluated = with_pairs(world, evaluated_activity(world), PARTICIPANTS)
    after_scores = [3.0, 3.0, 4.0, 2.0, 3.0, 4.0]
    for index, score in enumerate(after_scores):
        answer(evaluated, learner(world, f"AfterOnly{index}"), SurveyTiming.POST, score)
    page = _text(signed_in_client(world.users[Role.READ_ONLY]).get(_report_url(evaluated)))
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
        _report_url(evaluated), {"format": "pdf"}
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
    page = _text(client.get(_report_url(evaluated)))
    assert "The labs were brilliant." in page
    assert "loved the labs" not in page
    api = Client().get(
        f"/api/v1/evaluation-reports/activities/{evaluated.activity.pk}",
        HTTP_AUTHORIZATION=f"Bearer {world.tokens[Role.READ_ONLY]}",
    )
    assert api.json()["quotes"] == ["The labs were brilliant."]
