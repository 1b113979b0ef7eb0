"""A student signed in by link holds no staff role: every page and endpoint of the authorisation
matrix answers them exactly as it answers a signed-in person with no role at all, except the ones
made for students (an open role of their own provider, which they may read and apply for)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import signed_in_client
from tests.authz.matrix import CONCRETE_NAMES, MATRIX, url_for
from tests.authz.targets import target_kwargs
from tests.students.mine.support import signed_in_by_link, student_at
from widen.accounts.models import Role, User
from widen.accounts.services import api_token_create
from widen.testing.world import World, make_user

STUDENT = "matrix.student@example.ac.uk"

# The matrix's role is Alpha University's and open: its students read it and apply (a draft).
MADE_FOR_STUDENTS = {
    ("GET", "api:partner_role_get_api"): 200,
    ("POST", "api:partner_apply_api"): 201,
    # a student's own support cases and appointments (none yet: an empty page)
    ("GET", "api:support_my_cases_api"): 200,
    ("GET", "api:support_my_appointments_api"): 200,
    # "My mentoring" (none yet: empty pages), and applying for a mentor to an open programme of
    # their provider
    ("GET", "api:mentoring_my_places_api"): 200,
    ("GET", "api:mentoring_my_introductions_api"): 200,
    ("POST", "api:mentoring_my_application_create_api"): 201,
}


def _send(client: Client, token: str, name: str, method: str, url: str) -> int:
    if name.startswith("api:"):
        headers = {"Authorization": f"Bearer {token}"}
        if method == "GET":
            return Client().get(url, headers=headers).status_code
        return (
            Client()
            .generic(method, url, json.dumps({}), content_type="application/json", headers=headers)
            .status_code
        )
    if method == "GET":
        return client.get(url).status_code
    if method == "POST":
        return client.post(url, {}).status_code
    return client.generic(method, url).status_code


@pytest.mark.django_db
def test_every_url_answers_a_student_as_it_answers_someone_with_no_role(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "E1", STUDENT)
    student = signed_in_by_link(STUDENT, django_capture_on_commit_callbacks)
    student_token = api_token_create(user=User.objects.get(email=STUDENT), name="mine")[1]
    nobody = make_user("no.role", None, None)
    nobody_client = signed_in_client(nobody)
    nobody_token = api_token_create(user=nobody, name="mine")[1]
    differences = []
    checked = 0
    for name in CONCRETE_NAMES:
        entry = MATRIX[name]
        kwargs = target_kwargs(world, entry["rule"], Role.OUTREACH_OFFICER, "own")
        url = url_for(name, kwargs)
        for method in entry["methods"]:
            expected = MADE_FOR_STUDENTS.get((method, name)) or _send(
                nobody_client, nobody_token, name, method, url
            )
            got = _send(student, student_token, name, method, url)
            checked += 1
            if got != expected:
                differences.append(f"{method} {name}: {got}, expected {expected}")
    assert checked > 200
    assert not differences, "\n".join(differences)
