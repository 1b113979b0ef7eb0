"""What each person sees of each learner, and that writes accept only what they may set.

SECURITY 10-13, 19, 22; the issue's "a partner university sees only what the data-sharing
agreement allows".
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from conftest import api_call, signed_in_client
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.learners.models import (
    CHARACTERISTIC_FIELDS,
    IDENTITY_FIELDS,
    SPECIAL_CATEGORY_FIELDS,
    Learner,
)
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db
ALWAYS = {"id", "pseudonym", "organisation_id", "year_group"}


def api_get(world: World, role: str, path: str) -> Any:
    return api_call(world.tokens[role], "GET", path)


def api_send(world: World, role: str, method: str, path: str, body: dict[str, Any]) -> Any:
    return api_call(world.tokens[role], method, path, body)


def keys_for(world: World, role: str, learner: Learner) -> set[str]:
    response = api_get(world, role, f"/api/v1/learners/{learner.id}")
    assert response.status_code == 200, response.content
    return set(response.json())


def test_field_sets_follow_role_and_agreement(world: World) -> None:
    identity, characteristics, special = (
        set(IDENTITY_FIELDS),
        set(CHARACTERISTIC_FIELDS),
        set(SPECIAL_CATEGORY_FIELDS),
    )
    own = world.learner_alpha
    everything = ALWAYS | {"school_id"} | identity | characteristics | special
    assert keys_for(world, Role.OUTREACH_OFFICER, own) == everything
    assert (
        keys_for(world, Role.READ_ONLY, own) == ALWAYS | {"school_id"} | identity | characteristics
    )
    # Evaluators are pseudonymised: no names, dates of birth, postcodes, identifiers or school.
    assert keys_for(world, Role.EVALUATOR, own) == ALWAYS | characteristics | special
    # A partner sees what the agreement names; narrow the agreement and the keys narrow with it.
    assert keys_for(world, Role.OUTREACH_OFFICER, world.learner_beta) == everything
    world.agreement.shares_special_category = False
    world.agreement.save()
    expected = ALWAYS | {"school_id"} | identity | characteristics
    assert keys_for(world, Role.OUTREACH_OFFICER, world.learner_beta) == expected
    world.agreement.shares_identity = False
    world.agreement.save()
    assert keys_for(world, Role.OUTREACH_OFFICER, world.learner_beta) == ALWAYS | characteristics


def test_list_rows_carry_the_same_field_sets(world: World) -> None:
    response = api_get(world, Role.EVALUATOR, "/api/v1/learners?limit=200")
    rows = response.json()["results"]
    assert {row["id"] for row in rows} == {
        str(world.learner_alpha.id),
        str(world.learner_beta.id),
        str(world.learner_school.id),
    }
    for row in rows:
        assert not set(row) & set(IDENTITY_FIELDS), row


def test_pages_show_only_permitted_fields(world: World) -> None:
    page = signed_in_client(world.users[Role.EVALUATOR]).get(f"/learners/{world.learner_alpha.id}/")
    body = page.content.decode()
    assert "Alphason" not in body
    assert "E15 4LZ" not in body
    assert "Care experienced" in body
    world.agreement.shares_special_category = False
    world.agreement.save()
    page = signed_in_client(world.users[Role.OUTREACH_OFFICER]).get(
        f"/learners/{world.learner_beta.id}/"
    )
    body = page.content.decode()
    assert "Betterton" in body
    assert "Special category data" not in body
    assert "Care experienced" not in body


@pytest.mark.parametrize("change", ["revoke", "expire"])
def test_ending_an_agreement_stops_access_at_the_next_request(world: World, change: str) -> None:
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    url = f"/learners/{world.learner_beta.id}/"
    assert client.get(url).status_code == 200
    if change == "revoke":
        world.agreement.revoked_at = timezone.now()
    else:
        world.agreement.ends_on = timezone.localdate() - timezone.timedelta(days=1)
    world.agreement.save()
    assert client.get(url).status_code == 404
    assert (
        api_get(
            world, Role.OUTREACH_OFFICER, f"/api/v1/learners/{world.learner_beta.id}"
        ).status_code
        == 404
    )
    assert "Betterton" not in client.get("/learners/").content.decode()


def test_foreign_and_missing_learners_answer_identically(world: World) -> None:
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    foreign = client.get(f"/learners/{world.learner_gamma.id}/")
    missing = client.get("/learners/00000000-0000-4000-8000-000000000000/")
    assert foreign.status_code == missing.status_code == 404
    assert _without_csrf(foreign.content) == _without_csrf(missing.content)
    foreign_api = api_get(
        world, Role.OUTREACH_OFFICER, f"/api/v1/learners/{world.learner_gamma.id}"
    )
    missing_api = api_get(
        world, Role.OUTREACH_OFFICER, "/api/v1/learners/00000000-0000-4000-8000-000000000000"
    )
    assert foreign_api.status_code == missing_api.status_code == 404
    assert foreign_api.json() == missing_api.json()


def _without_csrf(body: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())


# SECURITY 12


@pytest.mark.parametrize(
    "extra",
    [
        {"organisation_id": "ORG"},
        {"is_staff": True},
        {"is_superuser": True},
        {"created_by": "x"},
        {"id": "00000000-0000-4000-8000-000000000000"},
    ],
)
def test_api_update_refuses_fields_it_does_not_offer(world: World, extra: dict[str, Any]) -> None:
    learner = world.learner_alpha
    body = {key: (str(world.gamma.id) if value == "ORG" else value) for key, value in extra.items()}
    before = Learner.objects.filter(pk=learner.pk).values().get()
    response = api_send(
        world, Role.OUTREACH_OFFICER, "PATCH", f"/api/v1/learners/{learner.id}", body
    )
    assert response.status_code == 422
    assert Learner.objects.filter(pk=learner.pk).values().get() == before


def test_roles_cannot_set_data_their_role_may_not_see(world: World) -> None:
    response = api_send(
        world,
        Role.SCHOOL_STAFF,
        "POST",
        "/api/v1/learners",
        {
            "organisation_id": str(world.school.id),
            "first_name": "Sly",
            "last_name": "Setter",
            "date_of_birth": year_group_birthday(9).isoformat(),
            "care_experienced": True,
        },
    )
    assert response.status_code == 422
    assert "care_experienced" in response.json()["detail"]
    assert not Learner.objects.filter(last_name="Setter").exists()


def test_page_edit_ignores_posted_fields_outside_the_form(world: World) -> None:
    client = signed_in_client(world.users[Role.SCHOOL_STAFF])
    learner = world.learner_school
    response = client.post(
        f"/learners/{learner.id}/edit/",
        {
            "first_name": "Sami",
            "last_name": "Schoolman",
            "date_of_birth": learner.date_of_birth.isoformat(),
            "care_experienced": "false",
            "organisation": str(world.gamma.id),
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.care_experienced is True  # school staff cannot see or set it
    assert learner.organisation_id == world.school.id


# SECURITY 13


def test_unlisted_filters_and_orderings_are_ignored(world: World) -> None:
    client = signed_in_client(world.users[Role.READ_ONLY])
    baseline = client.get("/learners/").content
    for probe in (
        "?password__startswith=a",
        "?ethnicity=black_african",
        "?care_experienced__isnull=false",
        "?ordering=-date_of_birth",
        "?characteristic=ethnicity",
        "?year_group=99",
        "?school=not-a-uuid",
    ):
        response = client.get(f"/learners/{probe}")
        assert response.status_code == 200, probe
        assert _learner_links(response.content) == _learner_links(baseline), probe
    # A listed fact the person may see of nobody finds nobody, as if it were unknown.
    assert _learner_links(client.get("/learners/?characteristic=care_experienced").content) == []
    api_baseline = api_get(world, Role.READ_ONLY, "/api/v1/learners").json()
    probed = api_get(world, Role.READ_ONLY, "/api/v1/learners?ethnicity=x&ordering=uln").json()
    assert probed == api_baseline


def _learner_links(body: bytes) -> list[str]:
    text = body.decode()
    return sorted(
        part.split("/")[0] for part in text.split('href="/learners/')[1:] if part[:1].isalnum()
    )


def test_special_category_filter_needs_special_category_access(world: World) -> None:
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    body = officer.get("/learners/?characteristic=care_experienced").content.decode()
    assert "Alphason" in body
    reader = signed_in_client(world.users[Role.READ_ONLY])
    body = reader.get("/learners/").content.decode()
    assert 'value="care_experienced"' not in body


def test_filters_narrow_by_school_year_and_characteristic(world: World) -> None:
    with_year = Learner.objects.create(
        organisation=world.alpha,
        first_name="Yara",
        last_name="Yearnine",
        date_of_birth=year_group_birthday(9),
        free_school_meals=False,
    )
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    body = client.get("/learners/?year_group=9").content.decode()
    assert "Yearnine" in body
    assert "Alphason" not in body
    body = client.get(f"/learners/?school={world.school.id}").content.decode()
    assert "Alphason" in body
    assert "Yearnine" not in body
    body = client.get("/learners/?characteristic=free_school_meals").content.decode()
    assert "Alphason" in body
    assert "Yearnine" not in body
    body = client.get("/learners/?q=yara").content.decode()
    assert "Yearnine" in body
    assert "Alphason" not in body
    assert with_year.year_group() == 9


# SECURITY 22


def test_viewing_special_category_data_is_logged(world: World) -> None:
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    client.get(f"/learners/{world.learner_beta.id}/")
    entry = AccessLogEntry.objects.get(learner_id=world.learner_beta.id)
    assert entry.actor_id == world.users[Role.OUTREACH_OFFICER].id
    assert entry.data_sharing_agreement_id == world.agreement.id
    assert "special_category" in entry.data_categories
    api_get(world, Role.OUTREACH_OFFICER, f"/api/v1/learners/{world.learner_alpha.id}")
    assert AccessLogEntry.objects.filter(learner_id=world.learner_alpha.id, source="api").exists()
    client.get("/learners/?characteristic=care_experienced")
    # Each care-experienced learner the list showed, once, with the right by which it was seen.
    listed = AccessLogEntry.objects.filter(purpose="learner list filtered on care_experienced")
    assert sorted(listed.values_list("learner_id", "data_sharing_agreement_id")) == sorted(
        [
            (world.learner_alpha.id, None),
            (world.learner_school.id, world.agreement.id),
            (world.learner_beta.id, world.agreement.id),
        ]
    )
    # A role without special category access leaves no special category entry.
    before = AccessLogEntry.objects.count()
    signed_in_client(world.users[Role.READ_ONLY]).get(f"/learners/{world.learner_alpha.id}/")
    assert AccessLogEntry.objects.count() == before


def test_who_accessed_this_learner_lists_views_and_changes(world: World) -> None:
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    officer.get(f"/learners/{world.learner_alpha.id}/")
    officer.post(
        f"/learners/{world.learner_alpha.id}/edit/",
        {
            "first_name": "Amara",
            "last_name": "Alphason",
            "preferred_name": "Ama",
            "date_of_birth": world.learner_alpha.date_of_birth.isoformat(),
            "care_experienced": "true",
        },
    )
    admin = signed_in_client(world.users[Role.ORGANISATION_ADMIN])
    body = admin.get(f"/learners/{world.learner_alpha.id}/access/").content.decode()
    assert "outreach_officer.alpha" in body
    assert "preferred_name" in body
    assert "learner record viewed" in body


# SECURITY 19


def test_hostile_text_is_shown_escaped_everywhere(world: World) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    response = client.post(
        "/learners/new/",
        {
            "organisation": str(world.alpha.id),
            "first_name": payload,
            "last_name": "Escaped",
            "preferred_name": payload,
            "date_of_birth": year_group_birthday(12).isoformat(),
        },
    )
    # Markup is not a name: refused, as the API and the import refuse it, and shown escaped.
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
    assert not Learner.objects.filter(last_name="Escaped").exists()
    # A record kept from before the rule (or written by code) is still shown as text.
    learner = Learner.objects.create(
        organisation=world.alpha,
        first_name=payload,
        last_name="Escaped",
        preferred_name=payload,
        date_of_birth=year_group_birthday(12),
    )
    for url in ("/learners/", f"/learners/{learner.id}/", f"/learners/{learner.id}/edit/"):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
        assert "&lt;script&gt;" in body, url


def test_creating_a_learner_validates_identifiers_and_explains(world: World) -> None:
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    response = client.post(
        "/learners/new/",
        {
            "organisation": str(world.alpha.id),
            "first_name": "Val",
            "last_name": "Idator",
            "date_of_birth": "2099-01-01",
            "home_postcode": "NOT A POSTCODE",
            "upn": "A20420190001K",
            "uln": "1000000044",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "full UK postcode" in body
    assert "check letter" in body
    assert "check digit" in body
    assert "must be in the past" in body
    assert not Learner.objects.filter(last_name="Idator").exists()


def test_consent_from_an_under_13_must_come_from_a_parent(world: World) -> None:
    young = Learner.objects.create(
        organisation=world.alpha,
        first_name="Tia",
        last_name="Young",
        date_of_birth=date(2015, 3, 1),
    )
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    form = {
        "lawful_basis": "consent",
        "given_by": "learner",
        "given_by_name": "Tia Young",
        "recorded_on": "2026-09-10",
        "privacy_notice_version": "2026.1",
    }
    response = client.post(f"/learners/{young.id}/consents/new/", form)
    assert response.status_code == 200
    assert "under 13" in response.content.decode()
    assert not young.consents.exists()
    form.update(given_by="parent_carer", given_by_name="Rae Young")
    assert client.post(f"/learners/{young.id}/consents/new/", form).status_code == 302
    assert young.consents.get().given_by == "parent_carer"


def test_a_thirteen_character_name_is_searched_as_a_name_not_refused(world: World) -> None:
    """ "Stephen Aadms" has a UPN's length: the list finds the learner instead of failing."""
    from widen.learners.models import Learner  # noqa: PLC0415

    Learner.objects.filter(pk=world.learner_alpha.pk).update(
        first_name="Stephen", last_name="Aadms"
    )
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    response = client.get("/learners/", {"q": "Stephen Aadms"})
    assert response.status_code == 200
    assert "Aadms" in response.content.decode()
