"""The theory of change form: who writes one, what is refused and how the report and its PDF
show it."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from conftest import signed_in_client
from tests.evaluation.report_world import (
    PARTICIPANTS,
    evaluated_activity,
    page_text,
    report_url,
    with_pairs,
)
from widen.accounts.models import Role
from widen.audit.models import AuditEvent
from widen.evaluation.models import TheoryOfChange
from widen.programmes.models import Programme, ProgrammeStage
from widen.testing.world import World

pytestmark = pytest.mark.django_db


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
    assert response["Location"] == report_url(evaluated)
    theory = TheoryOfChange.objects.get(activity=evaluated.activity)
    assert theory.moat_outcomes == [outcomes[0]]
    assert AuditEvent.objects.filter(
        object_type="evaluation.theoryofchange", object_id=str(theory.pk), action="create"
    ).exists()
    page = page_text(client.get(report_url(evaluated)))
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
    assert "Enter the problem" in page_text(response)
    response = client.post(url, _theory_body(moat_outcomes=["Be an astronaut"]))
    assert response.status_code == 200
    assert "Select a valid choice" in page_text(response)
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
    page = signed_in_client(world.users[Role.READ_ONLY]).get(report_url(evaluated))
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
    html = client.get(report_url(evaluated)).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Learners<br>feel &lt;b&gt;" in html
    assert "<img src=x" not in html
    pdf = client.get(report_url(evaluated), {"format": "pdf"})
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert '<img src=x onerror="alert(1)">Learners' in text


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
        assert client.get(report_url(evaluated), {"format": "pdf"}).status_code == 200
