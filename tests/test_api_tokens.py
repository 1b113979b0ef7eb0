"""API tokens expire, may be limited to reading, and are shown and revoked on the person's page."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import api_call, signed_in_client
from widen.accounts.models import ApiToken, Role
from widen.accounts.services import api_token_create
from widen.learners.models import Learner
from widen.testing.world import World, year_group_birthday

pytestmark = pytest.mark.django_db


def test_a_new_token_expires_after_90_days_unless_told_otherwise(world: World) -> None:
    user = world.users[Role.OUTREACH_OFFICER]
    token, raw = api_token_create(user=user, name="MIS sync")
    assert token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    assert api_call(raw, "GET", "/api/v1/learners").status_code == 200
    # The 90 days pass.
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_call(raw, "GET", "/api/v1/learners").status_code == 401
    short, _ = api_token_create(user=user, name="Trial", expires_in_days=1)
    assert short.expires_at is not None
    assert short.expires_at - short.created_at < timedelta(days=1, minutes=1)


def test_a_read_only_token_reads_and_may_change_nothing(world: World) -> None:
    _, raw = api_token_create(
        user=world.users[Role.OUTREACH_OFFICER], name="Dashboard", read_only=True
    )
    learner = world.learner_alpha
    assert api_call(raw, "GET", f"/api/v1/learners/{learner.pk}").status_code == 200
    before = Learner.objects.count(), Learner.objects.filter(pk=learner.pk).values().get()
    body = {
        "organisation_id": str(world.alpha.id),
        "first_name": "Kofi",
        "last_name": "Mensah",
        "date_of_birth": year_group_birthday(12).isoformat(),
    }
    for method, path, payload in [
        ("POST", "/api/v1/learners", body),
        ("PATCH", f"/api/v1/learners/{learner.pk}", {"preferred_name": "X"}),
        ("PUT", f"/api/v1/learners/{learner.pk}", {"preferred_name": "X"}),
        ("DELETE", f"/api/v1/learners/{learner.pk}", None),
    ]:
        response = api_call(raw, method, path, payload)
        if method in ("PUT", "DELETE"):  # no such operation on a learner: refused either way
            assert response.status_code in (403, 405), method
            continue
        assert response.status_code == 403, (method, response.status_code)
        assert "may only read" in response.content.decode()
    assert (Learner.objects.count(), Learner.objects.filter(pk=learner.pk).values().get()) == before


def test_the_tokens_page_makes_one_shows_it_once_and_revokes_it(world: World) -> None:
    user = world.users[Role.OUTREACH_OFFICER]
    client = signed_in_client(user)
    page = client.get(reverse("accounts:api_tokens"))
    assert page.status_code == 200
    ApiToken.objects.filter(user=user).delete()
    assert "You have no API tokens" in client.get(reverse("accounts:api_tokens")).content.decode()
    made = client.post(
        reverse("accounts:api_tokens"),
        {"name": "School MIS sync", "scope": "read", "expires_in_days": "30"},
    )
    body = made.content.decode()
    raw = re.search(r"widen_[A-Za-z0-9_\-]+", body)
    assert raw is not None
    token = ApiToken.objects.get(user=user, name="School MIS sync")
    assert token.read_only
    assert token.expires_at is not None
    assert token.expires_at.date() == (timezone.now() + timedelta(days=30)).date()
    assert "Read only" in body
    assert token.expires_at.strftime("%-d %b %Y") in body
    # Shown once: the list afterwards does not give it again.
    assert raw.group() not in client.get(reverse("accounts:api_tokens")).content.decode()
    assert api_call(raw.group(), "GET", "/api/v1/learners").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    listed = client.get(reverse("accounts:api_tokens")).content.decode()
    assert timezone.localtime(token.last_used_at).strftime("%-d %b %Y %H:%M") in listed
    revoked = client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert revoked.status_code == 302
    assert api_call(raw.group(), "GET", "/api/v1/learners").status_code == 401
    assert "Revoked" in client.get(reverse("accounts:api_tokens")).content.decode()


def test_a_form_without_a_name_says_what_to_do_and_makes_nothing(world: World) -> None:
    user = world.users[Role.OUTREACH_OFFICER]
    client = signed_in_client(user)
    before = ApiToken.objects.count()
    response = client.post(
        reverse("accounts:api_tokens"), {"name": " ", "scope": "write", "expires_in_days": "90"}
    )
    assert "Give the token a name" in response.content.decode()
    assert ApiToken.objects.count() == before


def test_nobody_sees_or_revokes_another_persons_token(world: World) -> None:
    owner = world.users[Role.OUTREACH_OFFICER]
    token, raw = api_token_create(user=owner, name="Owner's sync")
    other = signed_in_client(world.users[Role.ORGANISATION_ADMIN])
    assert "Owner&#x27;s sync" not in other.get(reverse("accounts:api_tokens")).content.decode()
    response = other.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_call(raw, "GET", "/api/v1/learners").status_code == 200


def test_the_command_makes_read_only_tokens_with_an_expiry(world: World) -> None:
    user = world.users[Role.OUTREACH_OFFICER]
    out, err = StringIO(), StringIO()
    call_command(
        "token",
        "create",
        user.username,
        "--name",
        "Nightly report",
        "--read-only",
        "--expires-in",
        "7",
        stdout=out,
        stderr=err,
    )
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(user=user, name="Nightly report")
    assert token.read_only
    assert token.expires_at is not None
    assert token.expires_at.date() == (timezone.now() + timedelta(days=7)).date()
    assert "Read only" in err.getvalue()
    assert api_call(raw, "POST", "/api/v1/learners", {}).status_code == 403
    listing = StringIO()
    call_command("token", "list", user.username, stdout=listing)
    assert "Nightly report  active  read only  expires" in listing.getvalue()
    with pytest.raises(Exception, match="1 to 366 days"):
        call_command("token", "create", user.username, "--expires-in", "0", stdout=StringIO())
