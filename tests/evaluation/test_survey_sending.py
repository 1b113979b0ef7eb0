"""Survey links go to named people (a register's learners, an event's bookings by e-mail), so only
roles that work with learners' names send them. The evaluator role works on pseudonymised data:
it sees the response rates and the pseudonymised responses, but never the send page, the names
or e-mail addresses there, nor sends a link (issue 14 §1.5)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from conftest import signed_in_client
from tests.evaluation.support import event_with_bookings, open_survey
from widen.accounts.models import Role
from widen.core.exceptions import NotFound
from widen.evaluation.models import SurveyInvitation
from widen.evaluation.permissions import MANAGE, survey_policy
from widen.evaluation.services import invitations_send_for_event
from widen.testing.world import World

pytestmark = pytest.mark.django_db

SENDERS = (Role.PARTNERSHIP_ADMIN, Role.ORGANISATION_ADMIN, Role.OUTREACH_OFFICER)


@pytest.mark.parametrize("role", [*SENDERS, Role.EVALUATOR])
def test_only_roles_that_see_names_send_survey_links(
    world: World, role: str, django_capture_on_commit_callbacks: Any
) -> None:
    event = event_with_bookings(world)
    survey = open_survey(world, event=event)
    user = world.users[role]
    assert survey_policy.may(user, MANAGE, survey)  # every one of these roles runs Alpha's surveys
    client = signed_in_client(user)
    send_url = reverse("evaluation:send", kwargs={"survey_id": survey.pk})
    detail = client.get(reverse("evaluation:survey", kwargs={"survey_id": survey.pk}))
    page = client.get(send_url)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(send_url, {"target": f"event:{event.pk}"})
    sends = role in SENDERS
    assert (send_url in detail.content.decode()) == sends
    if sends:
        assert page.status_code == 200
        assert sent.status_code == 302
        assert SurveyInvitation.objects.filter(survey=survey).count() == 2
        assert sorted(message.to[0] for message in mail.outbox) == [
            "person0@example.org",
            "person1@example.org",
        ]
        return
    assert page.status_code == 404
    assert sent.status_code == 404
    for response in (page, sent):
        assert "Pat Parent" not in response.content.decode()
        assert "person0@example.org" not in response.content.decode()
    assert mail.outbox == []
    assert not SurveyInvitation.objects.filter(survey=survey).exists()
    # Whatever calls the service: nothing is sent.
    with pytest.raises(NotFound):
        invitations_send_for_event(actor=user, survey=survey, event=event)
    assert mail.outbox == []
    assert not SurveyInvitation.objects.filter(survey=survey).exists()


def test_an_evaluator_still_sees_response_rates_and_pseudonymised_responses(
    world: World,
) -> None:
    event = event_with_bookings(world)
    survey = open_survey(world, event=event)
    invitations_send_for_event(actor=world.users[Role.OUTREACH_OFFICER], survey=survey, event=event)
    evaluator = signed_in_client(world.users[Role.EVALUATOR])
    detail = evaluator.get(reverse("evaluation:survey", kwargs={"survey_id": survey.pk}))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "Response rates" in html
    assert "<td>2</td>" in html  # two links sent (to the two with a place)
    assert "Pat Parent" not in html
    responses = evaluator.get(reverse("evaluation:responses", kwargs={"survey_id": survey.pk}))
    assert responses.status_code == 200
    assert "person0@example.org" not in responses.content.decode()
