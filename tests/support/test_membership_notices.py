"""When a student asks to join a scheme, each person who manages its provider's schemes is told,
with a link to the scheme's members page; the notice never carries what the student wrote, and
nobody at another provider, nor anyone at this one who does not manage schemes, is told."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import api_call
from tests.support.pages.test_membership_api import student_with_token
from tests.support.schemes import FIRST_IN_FAMILY, make_scheme
from widen.accounts.capabilities import Capability, holds
from widen.accounts.models import Role
from widen.notifications.models import Notification
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db
EVIDENCE = "I lived with foster carers until I was 18; my local authority can confirm it."


def test_the_providers_scheme_managers_are_told_of_an_application_without_its_evidence(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    beta_manager = make_user("support.beta", world.beta, Role.OUTREACH_OFFICER)
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="Hardship fund")
    _, token = student_with_token(world.alpha, "S1", "Ann")
    with django_capture_on_commit_callbacks(execute=True):
        applied = api_call(
            token, "POST", f"/api/v1/support/mine/schemes/{scheme.pk}/apply", {"evidence": EVIDENCE}
        )
    assert applied.status_code == 201, applied.content

    notices = list(Notification.objects.filter(template="support/membership_applied"))
    told = {notice.user for notice in notices}
    assert world.users[Role.OUTREACH_OFFICER] in told
    assert beta_manager not in told
    assert all(holds(user, Capability.SUPPORT_SCHEMES_MANAGE, world.alpha) for user in told)
    staff_not_managing = [
        user
        for user in world.users.values()
        if not holds(user, Capability.SUPPORT_SCHEMES_MANAGE, world.alpha)
    ]
    assert staff_not_managing
    assert not told & set(staff_not_managing)
    members_page = reverse("support:scheme_members", args=[scheme.pk])
    for notice in notices:
        assert notice.subject == "A student has asked to join Hardship fund"
        assert notice.link == members_page
        assert "foster" not in notice.body_text + notice.body_html
        assert "Ann" not in notice.body_text + notice.subject
