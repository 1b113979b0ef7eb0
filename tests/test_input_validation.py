"""One validation for every entry point: pages, API and pupil-list import refuse the same names,
and the API and pages refuse the same links, with the same message; nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import api_call, signed_in_client
from tests.test_api_inputs import _activity
from widen.accounts.models import Role
from widen.activities.models import Session
from widen.core.validators import LINK_MESSAGE, NAME_RULE
from widen.events.models import Event
from widen.learners.imports.services import learner_import_check
from widen.learners.models import ImportRun, Learner
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db

BAD_NAMES = [
    "=cmd|' /C calc'!A0",
    "+Amara",
    "@SUM(A1)",
    "-1",
    "<script>alert(1)</script>",
    "Amara\x07",
    " =1+1",
]
BAD_LINKS = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://files.example.org/x",
    "//evil.example.org",
    "not a link",
]


def _api(world: World, method: str, path: str, body: Any, role: str = Role.OUTREACH_OFFICER) -> Any:
    return api_call(world.tokens[role], method, path, body)


def _add_learner_named(world: World, first_name: str) -> Any:
    """A learner added through the API with the given first name."""
    body = {
        "organisation_id": str(world.alpha.id),
        "first_name": first_name,
        "last_name": "Mensah",
        "date_of_birth": year_group_birthday(10).isoformat(),
    }
    return _api(world, "POST", "/api/v1/learners", body)


def _learner_state() -> list[dict[str, Any]]:
    return list(Learner.objects.order_by("pk").values())


@pytest.mark.parametrize("name", BAD_NAMES)
def test_every_entry_point_refuses_the_same_names_with_the_same_message(
    world: World, client_for: Callable[..., Client], name: str
) -> None:
    expected = f"is not a name: {NAME_RULE}."
    before = _learner_state()
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    # The learner page: adding and changing.
    for url, data in [
        (
            reverse("learners:create"),
            {
                "organisation": str(world.alpha.id),
                "first_name": name,
                "last_name": "Mensah",
                "date_of_birth": year_group_birthday(10).isoformat(),
            },
        ),
        (
            f"/learners/{world.learner_alpha.id}/edit/",
            {
                "first_name": "Amara",
                "last_name": name,
                "date_of_birth": world.learner_alpha.date_of_birth.isoformat(),
            },
        ),
    ]:
        response = officer.post(url, data)
        assert response.status_code == 200, (url, response.status_code)
        assert expected in response.content.decode().replace("&#x27;", "'"), url
    # The API: adding and changing.
    created = _add_learner_named(world, name)
    assert created.status_code == 422
    assert created.json()["errors"]["first_name"] == [f"'{name}' {expected}"]
    changed = _api(
        world, "PATCH", f"/api/v1/learners/{world.learner_alpha.id}", {"preferred_name": name}
    )
    assert changed.status_code == 422
    assert changed.json()["errors"]["preferred_name"] == [f"'{name}' {expected}"]
    assert _learner_state() == before
    # The pupil-list import: the same message for the same value.
    rows = pupil_rows(1)
    rows[0]["first_name"] = name.replace("\x00", "")
    if rows[0]["first_name"] == name:
        client = client_for(world.users[Role.OUTREACH_OFFICER])
        client.post(
            reverse("learners:import_start"),
            {
                "organisation": str(world.alpha.id),
                "school": str(world.school.id),
                "pupil_list": SimpleUploadedFile(
                    "pupils.csv", csv_bytes(table_cells(rows, MIS_HEADINGS["SIMS"]))
                ),
            },
        )
        run = ImportRun.objects.latest("created_at")
        reasons = [
            problem.reason for problem in learner_import_check(run, actor=run.uploaded_by).problems
        ]
        if any(ord(character) < 32 for character in name):
            # The import looks at the whole row's bytes first and says which cannot be stored.
            assert any("control character" in reason for reason in reasons), reasons
        else:
            assert any(reason.strip() == f"'{name.strip()}' {expected}" for reason in reasons), (
                reasons
            )
    assert _learner_state() == before


def test_ordinary_names_pass_everywhere(world: World) -> None:
    for name in ["Siân", "O'Brien", "O’Brien", "Smith-Jones", "St. John", "Nguyễn", "José"]:
        created = _add_learner_named(world, name)
        assert created.status_code == 201, (name, created.content)


@pytest.mark.parametrize("link", BAD_LINKS)
def test_a_sessions_and_an_events_online_link_must_be_a_web_address(
    world: World, link: str
) -> None:
    activity = _activity(world)
    session = _api(
        world,
        "POST",
        f"/api/v1/activities/{activity.pk}/sessions",
        {"date": "2026-12-02", "starts_at": "13:00", "ends_at": "14:00", "online_link": link},
    )
    assert session.status_code == 422
    assert session.json() == {"detail": LINK_MESSAGE, "field": "online_link"}
    assert not Session.objects.exists()
    soon = timezone.now() + timedelta(days=30)
    event = _api(
        world,
        "POST",
        "/api/v1/events",
        {
            "partnership_id": str(world.north.pk),
            "organiser_id": str(world.alpha.pk),
            "title": "Online taster",
            "kind": "campus",
            "starts_at": soon.isoformat(),
            "ends_at": (soon + timedelta(hours=1)).isoformat(),
            "online_link": link,
        },
    )
    assert event.status_code == 422
    assert event.json() == {"detail": LINK_MESSAGE, "field": "online_link"}
    assert not Event.objects.filter(title="Online taster").exists()


def test_a_web_address_is_kept_as_an_online_link(world: World) -> None:
    activity = _activity(world)
    session = _api(
        world,
        "POST",
        f"/api/v1/activities/{activity.pk}/sessions",
        {
            "date": "2026-12-02",
            "starts_at": "13:00",
            "ends_at": "14:00",
            "online_link": "https://meet.example.org/maths",
        },
    )
    assert session.status_code == 201, session.content
