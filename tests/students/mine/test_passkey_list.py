"""A student's "Your passkeys" page: their own passkeys (when each was added and last used),
linked from "My record", and removing one after a confirmation, audited. Removing the last says
that a link still signs them in, and then it does, without a passkey. Nobody reaches another
person's passkey, and staff have no such page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from conftest import signed_in_client
from tests.accounts.passkey_authenticator import Authenticator, client_on_host
from tests.students.mine.support import ask_for_link, links_sent_to, student_at
from widen.accounts.models import Role, User
from widen.audit.models import AuditEvent
from widen.testing.world import World

pytestmark = pytest.mark.django_db

ADDRESS = "sam.student@alpha.example.ac.uk"
PASSKEYS = "/my/passkeys/"


def remove_url(passkey: WebAuthnCredential) -> str:
    return f"/my/passkeys/{passkey.pk}/remove/"


def signed_in_by_link(address: str, capture: Any) -> Client:
    client = client_on_host()
    ask_for_link(client, address, capture)
    opened = client.post(links_sent_to(address)[-1])
    assert opened.status_code == 302, opened.content.decode()[:300]
    return client


def student_with_passkeys(
    world: World, capture: Any, count: int, *, number: str = "A1", address: str = ADDRESS
) -> tuple[Client, User, list[Authenticator]]:
    """A student signed in by link who added `count` passkeys (the session confirmed by the
    first)."""
    student_at(world.alpha, number, address)
    client = signed_in_by_link(address, capture)
    authenticators = [Authenticator() for _ in range(count)]
    for authenticator in authenticators:
        assert authenticator.register(client).status_code == 200
    return client, User.objects.get(email=address), authenticators


def passkeys_of(user: User) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user).order_by("created_at", "pk"))


def test_a_student_sees_their_passkeys_from_my_record(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client, user, (first, _second) = student_with_passkeys(
        world, django_capture_on_commit_callbacks, 2
    )
    record = client.get(reverse("my_student:record")).content.decode()
    assert f'href="{PASSKEYS}"' in record

    later = client_on_host()
    assert first.sign_in(later).status_code == 200  # signs in with the first passkey alone
    page = later.get(PASSKEYS)

    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Your passkeys</h1>" in html
    used, unused = passkeys_of(user)
    assert used.last_used_at is not None
    for passkey in (used, unused):
        assert f'href="{remove_url(passkey)}"' in html
    assert html.count("Not used yet") == 1
    assert "If you remove your only passkey, you can still sign in with a link" in html


def test_removing_a_passkey_asks_first_then_removes_it_and_audits_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client, user, _ = student_with_passkeys(world, django_capture_on_commit_callbacks, 2)
    first, second = passkeys_of(user)

    asked = client.get(remove_url(second)).content.decode()
    assert "<h1>Remove this passkey?</h1>" in asked
    assert "You keep your other passkey: each sign-in with a link still asks for one." in asked
    assert passkeys_of(user) == [first, second]  # asking removes nothing

    removed = client.post(remove_url(second), follow=True)

    assert removed.redirect_chain[-1][0] == PASSKEYS
    assert "The passkey is removed." in removed.content.decode()
    assert passkeys_of(user) == [first]
    event = AuditEvent.objects.get(
        object_type="django_otp_webauthn.webauthncredential", object_id=str(second.pk)
    )
    assert (event.action, event.actor_id, event.source) == ("delete", user.pk, "web")


def test_removing_the_last_passkey_says_a_link_still_signs_them_in_and_it_does(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client, user, _ = student_with_passkeys(world, django_capture_on_commit_callbacks, 1)
    [only] = passkeys_of(user)

    asked = client.get(remove_url(only)).content.decode()
    assert "It is your only passkey. You can still sign in with a link" in asked
    removed = client.post(remove_url(only), follow=True)

    assert "You can still sign in with a link sent to your e-mail address." in (
        removed.content.decode()
    )
    assert passkeys_of(user) == []
    assert "You have no passkeys." in client.get(PASSKEYS).content.decode()
    later = signed_in_by_link(ADDRESS, django_capture_on_commit_callbacks)
    assert later.get(reverse("my_student:record")).status_code == 200  # no passkey asked for


def test_removing_the_passkey_signed_in_with_alone_signs_out_to_the_link_page(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _, user, (authenticator,) = student_with_passkeys(world, django_capture_on_commit_callbacks, 1)
    [only] = passkeys_of(user)
    browser = client_on_host()
    assert authenticator.sign_in(browser).status_code == 200

    removed = browser.post(remove_url(only))

    assert removed.status_code == 302
    assert removed["Location"] == reverse("my_student:sign_in")
    assert browser.session.get(SESSION_KEY) is None
    assert passkeys_of(user) == []


def test_another_persons_passkey_answers_404_and_stays(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _, owner, _ = student_with_passkeys(world, django_capture_on_commit_callbacks, 1)
    [theirs] = passkeys_of(owner)
    other, _, _ = student_with_passkeys(
        world, django_capture_on_commit_callbacks, 1, number="A2", address="kim@example.ac.uk"
    )

    assert other.get(remove_url(theirs)).status_code == 404
    assert other.post(remove_url(theirs)).status_code == 404
    assert f'href="{remove_url(theirs)}"' not in other.get(PASSKEYS).content.decode()
    staff = signed_in_client(world.users[Role.ORGANISATION_ADMIN])
    assert staff.get(PASSKEYS).status_code == 404
    assert staff.post(remove_url(theirs)).status_code == 404
    assert passkeys_of(owner) == [theirs]
    assert not AuditEvent.objects.filter(object_id=str(theirs.pk), action="delete").exists()


def test_removing_needs_the_pages_csrf_token(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client, user, _ = student_with_passkeys(world, django_capture_on_commit_callbacks, 1)
    [only] = passkeys_of(user)
    client.handler.enforce_csrf_checks = True

    assert client.post(remove_url(only)).status_code == 403
    assert passkeys_of(user) == [only]
