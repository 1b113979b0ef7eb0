"""Signing in: passwords, lockout, MFA and session lifetime (SECURITY 5, 6, 7, 8)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import signed_in_client
from widen.accounts.middleware import SESSION_STARTED_KEY
from widen.accounts.models import User
from widen.accounts.services import user_deactivate
from widen.testing.world import PASSWORD, World

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client: Client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1") -> int:
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)
    return response.status_code


# SECURITY 6


def test_passwords_are_stored_with_argon2id() -> None:
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        assert make_password("a-perfectly-fine-long-password").startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("short-pass1", False),  # 11 characters
        ("twelve-chars", True),
        ("x7" * 40, True),  # 80 characters, no composition rules
        ("password1234", False),  # common
        ("aimhigher2026!", False),  # the partnership's own name
        ("correct horse battery staple", True),
    ],
)
def test_password_rules(password: str, accepted: bool) -> None:
    user = User(username="rules.tester", first_name="Rules")
    if accepted:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


# SECURITY 7


def test_lockout_applies_to_the_username_and_address_pair_only(world: World) -> None:
    username = world.users["outreach_officer"].username
    other = world.users["read_only"].username
    client = Client()
    for _ in range(4):
        assert sign_in(client, username, "wrong-password-entirely") == 200
    assert sign_in(client, username, "wrong-password-entirely") == 429  # the fifth failure locks
    assert sign_in(client, username) == 429  # and the right password is refused while locked
    # The same person from another address, and another person from the same address, still work.
    assert sign_in(Client(), username, ip="10.0.0.2") == 302
    assert sign_in(Client(), other) == 302
    # After the cool-off the pair may try again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(Client(), username) == 302


def test_every_failed_sign_in_is_logged(world: World, caplog: pytest.LogCaptureFixture) -> None:
    sign_in(Client(), world.users["evaluator"].username, "not-the-right-one")
    assert AccessAttempt.objects.filter(username=world.users["evaluator"].username).exists()
    assert "not-the-right-one" not in caplog.text


# SECURITY 5


def test_sign_in_needs_a_code_and_a_code_works_once(world: World) -> None:
    user = world.users["outreach_officer"]
    client = Client()
    assert sign_in(client, user.username) == 302
    assert client.get("/learners/")["Location"].startswith(reverse("accounts:mfa_verify"))
    code = current_code(user)
    response = client.post(
        reverse("accounts:mfa_verify"), {"otp_token": code, "next": "/learners/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/learners/"
    assert client.get("/learners/").status_code == 200
    # The same code cannot open a second session.
    second = Client()
    assert sign_in(second, user.username) == 302
    response = second.post(reverse("accounts:mfa_verify"), {"otp_token": code})
    assert response.status_code == 200
    assert "already been used" in response.content.decode()
    assert second.get("/learners/").status_code == 302


def test_completing_mfa_gives_the_session_a_new_key(world: World) -> None:
    """Session fixation: a key known before the code was entered is worthless afterwards."""
    user = world.users["outreach_officer"]
    client = Client()
    assert sign_in(client, user.username) == 302
    key_before = client.session.session_key
    assert key_before
    response = client.post(reverse("accounts:mfa_verify"), {"otp_token": current_code(user)})
    assert response.status_code == 302
    key_after = client.session.session_key
    assert key_after != key_before
    assert client.get("/learners/").status_code == 200
    assert not Session.objects.filter(session_key=key_before).exists()
    # Someone holding the old key gets nothing: they are sent to sign in.
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = key_before
    assert attacker.get("/learners/").status_code == 302


def _newcomer_signed_in(username: str) -> tuple[User, Client]:
    """A new person with no authenticator app yet, past the password step."""
    user = User.objects.create(username=username)
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    sign_in(client, user.username)
    return user, client


def _confirm_new_device(client: Client, user: User) -> Any:
    """The code of the authenticator app being set up, entered on the set-up page."""
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(reverse("accounts:mfa_setup"), {"otp_token": f"{totp(device.bin_key):06d}"})


def test_setting_up_mfa_gives_the_session_a_new_key(world: World) -> None:
    user, client = _newcomer_signed_in("fixation.starter")
    client.get(reverse("accounts:mfa_setup"))
    key_before = client.session.session_key
    response = _confirm_new_device(client, user)
    assert response.status_code == 302
    assert client.session.session_key != key_before
    assert not Session.objects.filter(session_key=key_before).exists()


def test_a_wrong_code_is_refused(world: World) -> None:
    client = Client()
    sign_in(client, world.users["evaluator"].username)
    response = client.post(reverse("accounts:mfa_verify"), {"otp_token": "12345x"})
    assert "Enter the 6 digits" in response.content.decode()
    response = client.post(reverse("accounts:mfa_verify"), {"otp_token": "000000"})
    assert response.status_code == 200
    assert client.get("/learners/").status_code == 302


def test_mfa_next_parameter_cannot_leave_the_site(world: World) -> None:
    user = world.users["read_only"]
    client = Client()
    sign_in(client, user.username)
    response = client.post(
        reverse("accounts:mfa_verify"),
        {"otp_token": current_code(user), "next": "https://evil.example.com/"},
    )
    assert response["Location"] == "/"


def test_a_person_without_a_device_must_set_one_up_before_anything(world: World) -> None:
    user, client = _newcomer_signed_in("new.starter")
    response = client.get("/learners/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:mfa_setup")
    body = response.content.decode()
    assert "Set up your authenticator app" in body
    assert 'src="data:image/svg+xml' in body
    response = _confirm_new_device(client, user)
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/organisations/").status_code == 200


# SECURITY 8


def test_idle_sessions_expire_on_the_server(world: World) -> None:
    client = signed_in_client(world.users["outreach_officer"])
    assert client.get("/learners/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/learners/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_sessions_end_after_the_absolute_lifetime_however_busy(world: World) -> None:
    client = signed_in_client(world.users["outreach_officer"])
    assert client.get("/learners/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - 10 * 3600 - 1
    session.save()
    response = client.get("/learners/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert client.get("/learners/").status_code == 302


def test_signing_out_kills_the_server_session(world: World) -> None:
    client = signed_in_client(world.users["outreach_officer"])
    stolen_cookie = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    thief = Client()
    thief.cookies["sessionid"] = stolen_cookie
    assert thief.get("/learners/").status_code == 302


def test_deactivation_and_password_change_end_every_session(world: World) -> None:
    first = signed_in_client(world.users["outreach_officer"])
    second = signed_in_client(world.users["read_only"])
    user_deactivate(user=world.users["outreach_officer"])
    assert first.get("/learners/").status_code == 302
    reader = world.users["read_only"]
    reader.set_password("a-brand-new-long-password")
    reader.save()
    assert second.get("/learners/").status_code == 302


def test_removing_the_mfa_device_ends_verified_sessions(world: World) -> None:
    client = signed_in_client(world.users["evaluator"])
    assert client.get("/learners/").status_code == 200
    TOTPDevice.objects.filter(user=world.users["evaluator"]).delete()
    response = client.get("/learners/")
    assert response.status_code == 302
    assert "/accounts/mfa/" in response["Location"]
