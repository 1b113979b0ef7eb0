"""On "My support schemes" a member says whether they are told about a scheme's new events and
opportunities (yes to begin with); the choice is kept, shown again, and set in the API too. Only
a member makes it, and only for their own membership."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import api_call
from tests.support.pages.test_my_scheme_pages import (
    ANN,
    membership_of,
    page_text,
    scheme,
    signed_in,
    students,
)
from widen.accounts.services import api_token_create
from widen.students.models import Student
from widen.support.models import Scheme
from widen.testing.world import World

pytestmark = pytest.mark.django_db
__all__ = ["scheme", "students"]  # fixtures


def test_a_member_chooses_not_to_be_told_and_can_change_their_mind(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = signed_in(ANN, django_capture_on_commit_callbacks)
    membership = membership_of(students["ann"])
    contact = reverse("support:my_membership_contact", args=[membership.pk])

    # An invitation not yet answered has no such choice.
    refused = page_text(client.post(contact, {"may_contact": "no"}, follow=True))
    assert "Only members of First in family mentoring are told about its benefits." in refused
    client.post(reverse("support:my_membership_join", args=[membership.pk]))

    mine = client.get(reverse("support:my_schemes")).content.decode()
    assert "Tell you about new events and opportunities of First in family mentoring?" in mine
    assert 'value="yes" id="contact-' in mine
    assert f'id="contact-{membership.pk}-yes" checked' in mine

    text = page_text(client.post(contact, {"may_contact": "no"}, follow=True))
    assert "You will not be told about new events and opportunities" in text
    membership.refresh_from_db()
    assert membership.may_contact is False
    assert f'id="contact-{membership.pk}-no" checked' in text

    # The same choice in the API, from the student's own account.
    students["ann"].refresh_from_db()  # signing in by link gave her an account
    assert students["ann"].user is not None
    token = api_token_create(user=students["ann"].user, name="Phone")[1]
    path = f"/api/v1/support/mine/memberships/{membership.pk}/contact"
    answered = api_call(token, "POST", path, {"may_contact": True})
    assert answered.status_code == 200, answered.content
    assert answered.json()["may_contact"] is True
    membership.refresh_from_db()
    assert membership.may_contact is True


def test_nobody_chooses_for_another_students_membership(
    world: World,
    students: dict[str, Student],
    scheme: Scheme,
    django_capture_on_commit_callbacks: Any,
) -> None:
    bens = membership_of(students["ben"])
    client = signed_in(ANN, django_capture_on_commit_callbacks)
    contact = reverse("support:my_membership_contact", args=[bens.pk])
    assert client.post(contact, {"may_contact": "no"}).status_code == 404
    bens.refresh_from_db()
    assert bens.may_contact is True
