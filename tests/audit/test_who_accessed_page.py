"""The "who accessed" page: a data-protection officer finds learners their organisation holds,
picks days, and sees who viewed, downloaded or changed their records, with a CSV (itself
access-logged). Another organisation's learners are never theirs to trace."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import signed_in_client
from widen.accounts.capabilities import Capability, role_grants
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.audit.services import access_log_record
from widen.core import request_context
from widen.organisations.models import DataCategory
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

PAGE = "/rights/who-accessed/"
NOT_HANDLERS = [role for role in Role.values if not role_grants(role, Capability.RIGHTS_HANDLE)]


def today() -> str:
    return timezone.localdate().isoformat()


def seen_by_partner(world: World) -> Any:
    """Beta's outreach officer saw Amara's (Alpha's learner's) name and care record."""
    partner = make_user("officer.beta", world.beta, Role.OUTREACH_OFFICER)
    with request_context.bind(source="web", request_id="partner-view"):
        access_log_record(
            actor=partner,
            learner_ids=[world.learner_alpha.pk],
            data_categories=[DataCategory.IDENTITY, DataCategory.SPECIAL_CATEGORY],
            purpose="learner record viewed",
            actor_organisation_id=world.beta.pk,
        )
    return partner


def search(world: World, role: str = Role.DATA_PROTECTION_OFFICER, **params: Any) -> Any:
    query = {"starts": today(), "ends": today(), **params}
    return signed_in_client(world.users[role]).get(PAGE, query)


def test_a_search_finds_only_learners_the_officers_organisation_holds(world: World) -> None:
    page = search(world, q="Alphason").content.decode()
    assert "Amara Alphason" in page
    assert f'value="{world.learner_alpha.pk}"' in page

    page = search(world, q="Betterton").content.decode()  # Beta's learner, a partner's
    assert "Bea Betterton" not in page
    assert "No learners your organisation holds match that search." in page


@pytest.mark.parametrize("role", [Role.DATA_PROTECTION_OFFICER, Role.ORGANISATION_ADMIN])
def test_the_answer_lists_who_viewed_and_who_changed_the_learner(world: World, role: str) -> None:
    partner = seen_by_partner(world)

    response = search(world, role, q="Amara", learner=[str(world.learner_alpha.pk)])

    page = response.content.decode()
    assert response.status_code == 200
    assert "Views, downloads and changes" in page
    assert partner.username in page
    assert "Beta University" in page
    assert "Identity and contact, Special category" in page
    assert "learner record viewed" in page
    assert "Created learner" in page  # the record's creation, from the audit trail


def test_another_organisations_learner_cannot_be_traced(world: World) -> None:
    seen_by_partner(world)
    response = search(world, learner=[str(world.learner_beta.pk)])

    page = response.content.decode()
    assert "Choose learners from the list" in page
    assert "Views, downloads and changes" not in page


def test_the_window_must_run_forwards(world: World) -> None:
    response = search(
        world, learner=[str(world.learner_alpha.pk)], starts="2026-11-10", ends="2026-11-01"
    )
    page = response.content.decode()
    assert "The end is before the start" in page
    assert "Views, downloads and changes" not in page


def test_nothing_chosen_asks_for_learners_first(world: World) -> None:
    page = search(world).content.decode()
    assert "Find the learners first" in page


@pytest.mark.parametrize("role", NOT_HANDLERS)
def test_those_who_do_not_handle_requests_find_no_such_page(world: World, role: str) -> None:
    assert search(world, role, learner=[str(world.learner_alpha.pk)]).status_code == 404


def test_the_csv_holds_the_answer_and_its_download_is_access_logged(world: World) -> None:
    partner = seen_by_partner(world)
    officer = world.users[Role.DATA_PROTECTION_OFFICER]

    response = search(world, learner=[str(world.learner_alpha.pk)], format="csv")

    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(text)))
    viewed = [row for row in rows if row["What"] == "Viewed"]
    assert [(row["Who"], row["Their organisation"]) for row in viewed] == [
        (partner.username, "Beta University")
    ]
    assert viewed[0]["Learner"].startswith("Amara Alphason")
    assert any(row["What"] == "Created learner" for row in rows)
    (logged,) = AccessLogEntry.objects.filter(actor_id=officer.pk)
    assert logged.learner_id == world.learner_alpha.pk
    assert logged.exported
    assert logged.purpose.startswith("who accessed")


def test_the_days_start_filled_in_as_the_date_boxes_read_them(world: World) -> None:
    client = signed_in_client(world.users[Role.DATA_PROTECTION_OFFICER])
    page = client.get(PAGE).content.decode()
    month_ago = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert f'value="{month_ago}"' in page
    assert f'value="{today()}"' in page
    assert "There is a problem" not in page

    page = client.get(PAGE, {"q": "Amara"}).content.decode()
    assert "Enter the first day to search from." in page
