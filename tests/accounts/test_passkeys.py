"""Passkeys: a student signed in by link adds one from "My record"; the next link then asks for
it before their pages; they can also sign in with it alone. Staff never sign in with a passkey
alone (their password comes first), and adding one needs a complete session.

The passkey is a software authenticator (tests/accounts/passkey_authenticator.py): Widen's side
of each ceremony is the real one."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django_otp import user_has_device
from django_otp_webauthn.models import WebAuthnCredential

from conftest import signed_in_client
from tests.accounts.passkey_authenticator import Authenticator, client_on_host
from tests.students.mine.support import ask_for_link, links_sent_to, student_at
from widen.accounts.models import Role, User
from widen.config.passkeys import passkeys_domain, passkeys_origins
from widen.testing.world import World

pytestmark = pytest.mark.django_db

ADDRESS = "sam.student@alpha.example.ac.uk"
RECORD = "/my/"


def _signed_in_by_link(capture: Any) -> Client:
    client = client_on_host()
    ask_for_link(client, ADDRESS, capture)
    opened = client.post(links_sent_to(ADDRESS)[-1])
    assert opened.status_code == 302, opened.content.decode()[:300]
    return client


def _student_with_passkey(world: World, capture: Any) -> tuple[Authenticator, User]:
    student_at(world.alpha, "A1", ADDRESS)
    client = _signed_in_by_link(capture)
    passkey = Authenticator()
    added = passkey.register(client)
    assert added.status_code == 200, added.content.decode()[:300]
    return passkey, User.objects.get(email=ADDRESS)


def _signed_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def test_my_record_offers_a_passkey_and_adding_one_begins_with_options_for_the_student(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "A1", ADDRESS)
    client = _signed_in_by_link(django_capture_on_commit_callbacks)
    record = client.get(reverse("my_student:record")).content.decode()
    assert "Add a passkey" in record
    assert "django_otp_webauthn/otp_webauthn_register.js" in record
    assert "Add an authenticator app" in record

    begun = client.post(reverse("otp_webauthn:credential-registration-begin"))

    assert begun.status_code == 200
    options = begun.json()
    assert options["rp"] == {"id": "localhost", "name": "Widen"}
    assert options["user"]["name"] == ADDRESS
    assert len(options["challenge"]) >= 22  # at least 16 random bytes


def test_the_passkeys_script_is_served_by_widen_itself() -> None:
    for script in ("otp_webauthn_register.js", "otp_webauthn_auth.js"):
        assert finders.find(f"django_otp_webauthn/{script}"), script
    assert finders.find("accounts/passkeys.js")


def test_a_student_adds_a_passkey_and_carries_on_then_the_next_link_asks_for_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "A1", ADDRESS)
    client = _signed_in_by_link(django_capture_on_commit_callbacks)
    passkey = Authenticator()
    assert passkey.register(client).status_code == 200
    user = User.objects.get(email=ADDRESS)
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1
    assert user_has_device(user, confirmed=True)
    # Adding it is not a reason to be asked for it straight away.
    after = client.get(reverse("my_student:record"))
    assert after.status_code == 200
    assert "You have a passkey" in after.content.decode()
    assert "Add a passkey" not in after.content.decode()

    later = client_on_host()
    ask_for_link(later, ADDRESS, django_capture_on_commit_callbacks)
    opened = later.post(links_sent_to(ADDRESS)[-1])
    assert opened["Location"].startswith(reverse("accounts:mfa_verify"))
    for page in (
        reverse("my_student:record"),
        "/",
        reverse("otp_webauthn:credential-registration-begin"),
    ):
        held = later.get(page) if not page.endswith("begin/") else later.post(page)
        assert held.status_code == 302, page
        assert held["Location"].startswith(reverse("accounts:mfa_verify")), page
    asked = later.get(opened["Location"]).content.decode()
    assert "Use your passkey" in asked
    assert "django_otp_webauthn/otp_webauthn_auth.js" in asked
    assert 'name="otp_token"' not in asked  # no authenticator app to ask a code of

    confirmed = passkey.sign_in(later, next_url=RECORD)

    assert confirmed.status_code == 200, confirmed.content.decode()[:300]
    assert confirmed.json()["redirect_url"] == RECORD
    assert later.get(reverse("my_student:record")).status_code == 200


def test_a_student_signs_in_with_their_passkey_alone(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    passkey, user = _student_with_passkey(world, django_capture_on_commit_callbacks)
    browser = client_on_host()
    sign_in_page = browser.get(reverse("my_student:sign_in")).content.decode()
    assert "Sign in with a passkey" in sign_in_page

    signed_in = passkey.sign_in(browser)

    assert signed_in.status_code == 200, signed_in.content.decode()[:300]
    assert signed_in.json()["redirect_url"] == "/"
    assert _signed_in_user_id(browser) == str(user.pk)
    assert browser.get(reverse("my_student:record")).status_code == 200


def test_a_passkey_from_another_origin_or_a_replayed_answer_signs_nobody_in(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    passkey, _ = _student_with_passkey(world, django_capture_on_commit_callbacks)
    elsewhere = Authenticator(
        origin="https://widen.example.net",
        key=passkey.key,
        credential_id=passkey.credential_id,
        user_handle=passkey.user_handle,
        sign_count=passkey.sign_count,
    )
    phished = client_on_host()
    refused = elsewhere.sign_in(phished)
    assert refused.status_code >= 400
    assert _signed_in_user_id(phished) is None

    browser = client_on_host()
    begun = browser.post(reverse("otp_webauthn:credential-authentication-begin")).json()
    answer = passkey.assertion(begun)
    complete = reverse("otp_webauthn:credential-authentication-complete")
    assert browser.post(complete, answer, content_type="application/json").status_code == 200
    replayed = client_on_host()
    replayed.post(reverse("otp_webauthn:credential-authentication-begin"))
    again = replayed.post(complete, answer, content_type="application/json")
    assert again.status_code >= 400
    assert _signed_in_user_id(replayed) is None


def test_staff_never_sign_in_with_a_passkey_alone_but_may_use_one_after_their_password(
    world: World,
) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    verified = signed_in_client(officer)
    verified.defaults["HTTP_HOST"] = "localhost"
    passkey = Authenticator()
    assert passkey.register(verified).status_code == 200

    browser = client_on_host()
    refused = passkey.sign_in(browser)

    assert refused.status_code == 403
    assert refused.json()["code"] == "staff_sign_in_with_password"
    assert _signed_in_user_id(browser) is None
    assert browser.get(reverse("my_student:record")).status_code == 302

    password_only = signed_in_client(officer, verified=False)
    password_only.defaults["HTTP_HOST"] = "localhost"
    assert password_only.get("/learners/").status_code == 302
    assert passkey.sign_in(password_only).status_code == 200
    assert password_only.get("/learners/").status_code == 200


def test_adding_a_passkey_needs_a_complete_session(world: World) -> None:
    begin = reverse("otp_webauthn:credential-registration-begin")
    nobody = client_on_host().post(begin)
    assert nobody.status_code == 302
    assert nobody["Location"].startswith(reverse("accounts:login"))
    password_only = signed_in_client(world.users[Role.OUTREACH_OFFICER], verified=False)
    held = password_only.post(begin)
    assert held.status_code == 302
    assert held["Location"].startswith(reverse("accounts:mfa_verify"))
    assert not WebAuthnCredential.objects.exists()


def test_passkeys_are_bound_to_the_host_widen_is_reached_at() -> None:
    assert passkeys_domain(site_url="https://widen.example.ac.uk", allowed_hosts=[]) == (
        "widen.example.ac.uk"
    )
    assert passkeys_domain(site_url="", allowed_hosts=["10.0.0.1", "*", "widen.example.org"]) == (
        "widen.example.org"
    )
    assert passkeys_domain(site_url="", allowed_hosts=["127.0.0.1"]) == "localhost"
    assert passkeys_origins(
        domain="example.ac.uk",
        site_url="https://widen.example.ac.uk",
        allowed_hosts=["widen.example.ac.uk", "other.example.org", "10.0.0.1"],
    ) == ["https://widen.example.ac.uk"]
    assert passkeys_origins(
        domain="localhost", site_url="http://localhost:8000", allowed_hosts=["localhost"]
    ) == ["http://localhost:8000"]
